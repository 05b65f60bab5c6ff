import OpenAI from 'openai';
import { DEFAULT_GEMINI_TEXT, geminiPromptTokens, googleError } from '../fakes/gemini-fake';
import { PROVIDER_KEYS } from '../support/canary-secrets';
import { startVendorHarness, type VendorHarness } from '../support/gateway-harness';
import { geminiProvider } from '../support/org-yaml';

const MODEL = 'gemini/gemini-2.5-pro';
const GENERATE = '/v1beta/models/gemini-2.5-pro:generateContent';
const STREAM = '/v1beta/models/gemini-2.5-pro:streamGenerateContent?alt=sse';
/** Prices per 1M tokens in the org file: $1.25 input, $0.31 cached input, $10 output (thoughts included). */
const cost = (input: number, cached: number, output: number) => (input - cached) * 1.25 + cached * 0.31 + output * 10;

/** Chat completions clients on a Gemini model: translated to generateContent / streamGenerateContent (official openai SDK). */
describe('chat completions translated to Gemini (official openai SDK)', () => {
  let h: VendorHarness;
  let client: OpenAI;

  beforeAll(async () => {
    h = await startVendorHarness(
      (urls) => `
version: 1
providers:
${geminiProvider(urls.gemini)}
models:
  - slug: ${MODEL}
    prices: [{ effectiveFrom: 2026-01-01, inputPer1M: "1.25", cachedInputPer1M: "0.31", outputPer1M: "10" }]
members: [{ identifier: dev }]
allocations: [{ member: dev, model: ${MODEL} }]
keys: [{ member: dev, name: sdk, allocations: [${MODEL}] }]
`,
      { ALLOT_UPSTREAM_IDLE_TIMEOUT_MS: '1500' },
    );
    client = h.client(h.keys['dev/sdk']!);
  });
  afterEach(() => h.clearScripts());
  afterAll(() => h?.stop());

  const lastSent = () => h.gemini.received.at(-1)!;
  const num = (v: unknown) => Number(v);

  it('should answer a JSON chat completion from generateContent and bill input, cached, output with thoughts, and reasoning exactly', async () => {
    h.gemini.script({ cachedTokens: 20, thoughtsTokens: 30 });
    const { data, response } = await client.chat.completions
      .create({
        model: MODEL,
        messages: [
          { role: 'system', content: 'Be brief.' },
          { role: 'user', content: 'Hello there '.repeat(20) },
        ],
        max_completion_tokens: 300,
        temperature: 0.2,
      })
      .withResponse();
    expect(data).toMatchObject({ object: 'chat.completion', model: MODEL });
    expect(data.choices[0]!.message.content).toBe(DEFAULT_GEMINI_TEXT);
    expect(data.choices[0]!.finish_reason).toBe('stop');

    const sent = lastSent();
    expect(sent.path).toBe(GENERATE);
    expect(sent.headers['x-goog-api-key']).toBe(PROVIDER_KEYS.geminiMain);
    expect(sent.headers.authorization).toBeUndefined();
    expect(sent.body).toEqual({
      systemInstruction: { parts: [{ text: 'Be brief.' }] },
      contents: [{ role: 'user', parts: [{ text: 'Hello there '.repeat(20) }] }],
      generationConfig: { maxOutputTokens: 300, temperature: 0.2 },
    });

    const prompt = geminiPromptTokens(sent.body);
    const candidates = Math.ceil(DEFAULT_GEMINI_TEXT.length / 4);
    expect(data.usage).toEqual({
      prompt_tokens: prompt,
      completion_tokens: candidates + 30,
      total_tokens: prompt + candidates + 30,
      prompt_tokens_details: { cached_tokens: 20 },
      completion_tokens_details: { reasoning_tokens: 30 },
    });
    const record = await h.ledger(response.headers.get('x-request-id'));
    expect(record).toMatchObject({ endpoint: 'chat.completions', outcome: 'success', stream: false, status_code: 200 });
    expect([record.input_tokens, record.cached_input_tokens, record.output_tokens, record.reasoning_tokens].map(num)).toEqual([
      prompt,
      20,
      candidates + 30,
      30,
    ]);
    expect(num(record.cache_write_tokens)).toBe(0);
    expect(num(record.cost_micros)).toBeCloseTo(cost(prompt, 20, candidates + 30), 6);
  });

  it('should stream text from streamGenerateContent?alt=sse, with usage when asked, billed as the JSON call', async () => {
    const body = { model: MODEL, messages: [{ role: 'user' as const, content: 'same exchange' }] };
    h.gemini.script({ thoughtsTokens: 12 }, { thoughtsTokens: 12 });
    const json = await client.chat.completions.create(body).withResponse();
    const { data: stream, response } = await client.chat.completions
      .create({ ...body, stream: true, stream_options: { include_usage: true } })
      .withResponse();
    let text = '';
    let finish: string | null = null;
    let usage: OpenAI.CompletionUsage | undefined;
    let roleFirst: string | undefined;
    for await (const chunk of stream) {
      roleFirst ??= chunk.choices[0]?.delta.role;
      text += chunk.choices[0]?.delta.content ?? '';
      finish = chunk.choices[0]?.finish_reason ?? finish;
      if (chunk.usage) usage = chunk.usage;
    }
    expect(lastSent().path).toBe(STREAM);
    expect(lastSent().headers['x-goog-api-key']).toBe(PROVIDER_KEYS.geminiMain);
    expect(roleFirst).toBe('assistant');
    expect(text).toBe(json.data.choices[0]!.message.content);
    expect(finish).toBe('stop');
    expect(usage).toEqual(json.data.usage);

    const a = await h.ledger(json.response.headers.get('x-request-id'));
    const b = await h.ledger(response.headers.get('x-request-id'));
    for (const field of ['input_tokens', 'cached_input_tokens', 'output_tokens', 'reasoning_tokens', 'cost_micros']) {
      expect([field, b[field]]).toEqual([field, a[field]]);
    }
    expect(num(b.reasoning_tokens)).toBe(12);
    expect(b).toMatchObject({ stream: true, outcome: 'success' });
  });

  it('should carry a tool call round trip: call → tool message → answer', async () => {
    h.gemini.script(
      { functionCall: { name: 'ls', args: { dir: '.', all: true } }, thoughts: { summary: 'List first.', signature: 'c2lnbmF0dXJl' } },
      { content: 'There are 3 files.' },
    );
    const parameters = { type: 'object', properties: { dir: { type: 'string' }, all: { type: 'boolean' } }, required: ['dir'] };
    const tools: OpenAI.ChatCompletionTool[] = [
      {
        type: 'function',
        function: {
          name: 'ls',
          description: 'List files',
          parameters,
        },
      },
    ];
    const messages: OpenAI.ChatCompletionMessageParam[] = [{ role: 'user', content: 'How many files?' }];
    const stream = await client.chat.completions.create({ model: MODEL, messages, tools, tool_choice: 'required', stream: true });
    const calls: OpenAI.ChatCompletionChunk.Choice.Delta.ToolCall[] = [];
    let finish: string | null = null;
    for await (const chunk of stream) {
      calls.push(...(chunk.choices[0]?.delta.tool_calls ?? []));
      finish = chunk.choices[0]?.finish_reason ?? finish;
    }
    expect(finish).toBe('tool_calls');
    expect(calls).toHaveLength(1);
    const call = calls[0]!;
    expect(call).toMatchObject({ index: 0, type: 'function', function: { name: 'ls' } });
    expect(JSON.parse(call.function!.arguments!)).toEqual({ dir: '.', all: true });
    expect(lastSent().body).toMatchObject({
      tools: [{ functionDeclarations: [{ name: 'ls', description: 'List files', parametersJsonSchema: parameters }] }],
      toolConfig: { functionCallingConfig: { mode: 'ANY' } },
    });

    const answer = await client.chat.completions.create({
      model: MODEL,
      tools,
      messages: [
        ...messages,
        {
          role: 'assistant',
          content: null,
          tool_calls: [{ id: call.id!, type: 'function', function: { name: 'ls', arguments: call.function!.arguments! } }],
        },
        { role: 'tool', tool_call_id: call.id!, content: 'a b c' },
      ],
    });
    expect(answer.choices[0]!.message.content).toBe('There are 3 files.');
    expect(answer.choices[0]!.finish_reason).toBe('stop');
    expect(lastSent().path).toBe(GENERATE);
    expect((lastSent().body as { contents: unknown }).contents).toEqual([
      { role: 'user', parts: [{ text: 'How many files?' }] },
      { role: 'model', parts: [{ functionCall: { name: 'ls', args: { dir: '.', all: true } } }] },
      { role: 'user', parts: [{ functionResponse: { name: 'ls', response: { content: 'a b c' } } }] },
    ]);
  });

  it('should answer a blocked prompt and a safety stop with finish_reason content_filter, billed for the prompt', async () => {
    h.gemini.script({ blockedPrompt: 'PROHIBITED_CONTENT' });
    const { data, response } = await client.chat.completions
      .create({ model: MODEL, messages: [{ role: 'user', content: 'something forbidden' }] })
      .withResponse();
    expect(data.choices[0]).toMatchObject({ message: { content: '' }, finish_reason: 'content_filter' });
    const record = await h.ledger(response.headers.get('x-request-id'));
    expect(record).toMatchObject({ outcome: 'success', status_code: 200 });
    expect(num(record.input_tokens)).toBe(geminiPromptTokens(lastSent().body));
    expect(num(record.output_tokens)).toBe(0);

    h.gemini.script({ safetyStop: true });
    const stream = await client.chat.completions.create({ model: MODEL, messages: [{ role: 'user', content: 'danger' }], stream: true });
    let finish: string | null = null;
    let text = '';
    for await (const chunk of stream) {
      finish = chunk.choices[0]?.finish_reason ?? finish;
      text += chunk.choices[0]?.delta.content ?? '';
    }
    expect(finish).toBe('content_filter');
    expect(text).toBe('');
  });

  it('should relay a 429 from Google in OpenAI shape with Retry-After (the header, else Google’s RetryInfo)', async () => {
    h.gemini.script({ status: 429, retryAfter: '7' });
    const error = (await client.chat.completions
      .create({ model: MODEL, messages: [{ role: 'user', content: 'x' }] })
      .catch((e: unknown) => e)) as InstanceType<typeof OpenAI.RateLimitError>;
    expect(error).toBeInstanceOf(OpenAI.RateLimitError);
    expect(error.headers.get('retry-after')).toBe('7');
    expect(error.error).toEqual({
      message: 'fake RESOURCE_EXHAUSTED',
      type: 'invalid_request_error',
      param: null,
      code: 'rate_limit_exceeded',
    });
    expect(await h.ledger(error.requestID)).toMatchObject({ outcome: 'upstream_error', status_code: 429, input_tokens: '0' });

    const retryInfo = { '@type': 'type.googleapis.com/google.rpc.RetryInfo', retryDelay: '11.5s' };
    h.gemini.script({ status: 429, errorBody: googleError(429, 'You exceeded your current quota.', [retryInfo]) });
    const res = await fetch(`${h.server.url}/v1/chat/completions`, {
      method: 'POST',
      headers: { authorization: `Bearer ${h.keys['dev/sdk']!}`, 'content-type': 'application/json' },
      body: JSON.stringify({ model: MODEL, stream: true, messages: [{ role: 'user', content: 'x' }] }),
    });
    expect(res.status).toBe(429);
    expect(res.headers.get('retry-after')).toBe('12');
    expect(await res.json()).toMatchObject({ error: { message: 'You exceeded your current quota.', code: 'rate_limit_exceeded' } });
  });

  it('should keep the status of other Google errors', async () => {
    h.gemini.script({ status: 400, errorBody: googleError(400, 'Request contains an invalid argument.') });
    const error = await client.chat.completions
      .create({ model: MODEL, messages: [{ role: 'user', content: 'x' }] })
      .catch((e: unknown) => e);
    expect(error).toBeInstanceOf(OpenAI.BadRequestError);
    expect((error as Error).message).toContain('Request contains an invalid argument.');
  });

  it('should end a stream cut before its finish with an error chunk, never [DONE], billed at least its input', async () => {
    h.gemini.script({ content: 'A long answer that arrives in several small pieces.', cutAfterEvents: 2 });
    const res = await fetch(`${h.server.url}/v1/chat/completions`, {
      method: 'POST',
      headers: { authorization: `Bearer ${h.keys['dev/sdk']!}`, 'content-type': 'application/json' },
      body: JSON.stringify({ model: MODEL, stream: true, messages: [{ role: 'user', content: 'cut' }] }),
    });
    const text = await res.text();
    expect(text).not.toContain('[DONE]');
    expect(text).toContain('"content":"A long a"');
    expect(text.trimEnd().split('\n\n').at(-1)).toMatch(/^data: \{"error":\{/);
    const record = await h.ledger(res.headers.get('x-request-id'));
    expect(record).toMatchObject({ outcome: 'upstream_error', error_code: 'upstream_unreachable' });
    expect(num(record.input_tokens)).toBeGreaterThan(0);
  });

  it('should refuse what has no Gemini counterpart with a 400 naming it, before any upstream request', async () => {
    const before = h.gemini.received.length;
    for (const [extra, named] of [
      [{ n: 2 }, '"n"'],
      [{ logprobs: true }, '"logprobs"'],
      [{ tools: [{ type: 'custom', custom: { name: 'grammar' } }] }, 'a tool of type "custom"'],
    ] as const) {
      const failure = await client.chat.completions
        .create({ model: MODEL, messages: [{ role: 'user', content: 'x' }], ...extra } as OpenAI.ChatCompletionCreateParamsNonStreaming)
        .catch((e: unknown) => e);
      expect(failure).toBeInstanceOf(OpenAI.BadRequestError);
      expect(failure).toMatchObject({ status: 400, code: 'unsupported' });
      expect((failure as Error).message).toContain(named);
    }
    expect(h.gemini.received.length).toBe(before);
  });

  it('should have kept the provider key out of every URL', () => {
    expect(h.gemini.received.length).toBeGreaterThan(5);
    expect(h.gemini.received.every((r) => !r.path.includes('key='))).toBe(true);
    expect(h.gemini.keyInUrl).toBe(0);
  });

  describe('the Anthropic Messages wire on the same Gemini model (official @anthropic-ai/sdk, as Claude Code)', () => {
    const anthropic = () => h.claude(h.keys['dev/sdk']!);

    it('should answer a message through chat and Gemini, and bill Gemini’s own usage', async () => {
      h.gemini.script({ thoughtsTokens: 12 });
      const { data, response } = await anthropic()
        .messages.create({ model: MODEL, max_tokens: 256, system: 'Be brief.', messages: [{ role: 'user', content: 'Hello' }] })
        .withResponse();
      expect(data).toMatchObject({ type: 'message', role: 'assistant', model: MODEL, stop_reason: 'end_turn' });
      expect(data.content).toEqual([{ type: 'text', text: DEFAULT_GEMINI_TEXT }]);
      expect(lastSent().path).toBe(GENERATE);
      expect(lastSent().body).toMatchObject({
        systemInstruction: { parts: [{ text: 'Be brief.' }] },
        contents: [{ role: 'user', parts: [{ text: 'Hello' }] }],
        generationConfig: { maxOutputTokens: 256 },
      });
      const record = await h.ledger(response.headers.get('x-request-id'));
      expect(record).toMatchObject({ endpoint: 'messages', outcome: 'success', reasoning_tokens: '12' });
      expect(num(record.output_tokens)).toBe(data.usage.output_tokens);
    });

    it('should stream a tool call as tool_use events, through chat chunks, from Gemini’s SSE', async () => {
      h.gemini.script({ functionCall: { name: 'bash', args: { command: 'ls' } } });
      const final = await anthropic()
        .messages.stream({
          model: MODEL,
          max_tokens: 256,
          tools: [{ name: 'bash', input_schema: { type: 'object', properties: { command: { type: 'string' } } } }],
          messages: [{ role: 'user', content: 'list files' }],
        })
        .finalMessage();
      expect(lastSent().path).toBe(STREAM);
      expect(final.stop_reason).toBe('tool_use');
      expect(final.content.find((b) => b.type === 'tool_use')).toMatchObject({ name: 'bash', input: { command: 'ls' } });
      expect(final.usage.output_tokens).toBeGreaterThan(0);
      expect(h.gemini.keyInUrl).toBe(0);
    });
  });

  it('should answer the Responses API on a Gemini model through the chat translation, JSON and stream', async () => {
    const text = await client.responses.create({ model: MODEL, input: 'hi', store: false });
    expect(text.output_text).toBe(DEFAULT_GEMINI_TEXT);
    expect(lastSent().path).toBe(GENERATE);
    const stream = client.responses.stream({ model: MODEL, input: 'hi again', store: false });
    const types: string[] = [];
    for await (const event of stream) types.push(event.type);
    expect((await stream.finalResponse()).output_text).toBe(DEFAULT_GEMINI_TEXT);
    expect(types.at(-1)).toBe('response.completed');
    expect(lastSent().path).toBe(STREAM);
  });
});
