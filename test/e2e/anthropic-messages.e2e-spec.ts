import Anthropic from '@anthropic-ai/sdk';
import { startVendorHarness, type VendorHarness } from '../support/gateway-harness';
import { openaiProvider } from '../support/org-yaml';

/** `/v1/messages` natively to Anthropic providers, driven by the official Anthropic SDK (as Claude Code uses it). */
describe('Anthropic Messages wire through the gateway (official @anthropic-ai/sdk)', () => {
  let h: VendorHarness;
  let client: Anthropic;
  let key: string;

  beforeAll(async () => {
    h = await startVendorHarness(
      (urls) => `
version: 1
providers:
  - name: anthropic
    type: anthropic
    baseUrl: ${urls.anthropic}
    credentials:
      - { label: a, apiKey: { env: ANTHROPIC_KEY_A } }
      - { label: b, apiKey: { env: ANTHROPIC_KEY_B } }
${openaiProvider(urls.openai)}
models:
  - slug: anthropic/claude-sonnet-4-5
    prices: [{ effectiveFrom: 2026-01-01, inputPer1M: "3", cachedInputPer1M: "0.30", cacheWritePer1M: "3.75", cacheWrite1hPer1M: "6", outputPer1M: "15" }]
  - slug: openai/gpt-5.4
    prices: [{ effectiveFrom: 2026-01-01, inputPer1M: "2", cachedInputPer1M: "0.50", outputPer1M: "8" }]
  - { slug: openai/gpt-4.1, responses: unavailable }
members: [{ identifier: dev }, { identifier: thinker }]
allocations:
  - { member: dev, model: anthropic/claude-sonnet-4-5 }
  - { member: dev, model: openai/gpt-5.4 }
  - { member: dev, model: openai/gpt-4.1 }
  - { member: thinker, model: anthropic/claude-sonnet-4-5, quota: { tokensPerMonth: 10000 } }
keys:
  - { member: dev, name: claude, allocations: [anthropic/claude-sonnet-4-5, openai/gpt-5.4, openai/gpt-4.1] }
  - { member: thinker, name: main, allocations: [anthropic/claude-sonnet-4-5] }
`,
      { ALLOT_UPSTREAM_IDLE_TIMEOUT_MS: '1500' },
    );
    key = h.keys['dev/claude']!;
    client = h.claude(key);
  });
  afterEach(() => h.clearScripts());
  afterAll(() => h?.stop());

  const lastSent = () => h.anthropic.received.at(-1)!;

  it('should answer messages.create, pass the client’s version and beta headers, and bill cache reads and writes exactly', async () => {
    h.anthropic.script({ cacheReadTokens: 40, cacheWrite5mTokens: 10 });
    const { data, response } = await client.messages
      .create(
        {
          model: 'anthropic/claude-sonnet-4-5',
          max_tokens: 256,
          system: 'Be brief.',
          messages: [{ role: 'user', content: 'Hello '.repeat(60) }],
        },
        { headers: { 'anthropic-beta': 'prompt-caching-2024-07-31' } },
      )
      .withResponse();
    expect(data.content).toEqual([{ type: 'text', text: 'Hello from the fake Anthropic upstream!' }]);
    const sent = lastSent();
    expect(sent.path).toBe('/v1/messages');
    expect(sent.headers['x-api-key']).toMatch(/^sk-ant-canary-/);
    expect(sent.headers['x-api-key']).not.toBe(key);
    expect(sent.headers.authorization).toBeUndefined();
    // The SDK's own anthropic-version is passed on (the adapter's default is only for clients that send none).
    expect(sent.headers['anthropic-version']).toMatch(/^\d{4}-\d{2}-\d{2}$/);
    expect(sent.headers['anthropic-beta']).toBe('prompt-caching-2024-07-31');
    expect(sent.body).toMatchObject({ model: 'claude-sonnet-4-5', max_tokens: 256, system: 'Be brief.' });

    const u = data.usage;
    expect(u.cache_read_input_tokens).toBe(40);
    expect(u.cache_creation_input_tokens).toBe(10);
    const record = await h.ledger(response.headers.get('x-request-id'));
    expect(record).toMatchObject({ endpoint: 'messages', outcome: 'success', stream: false });
    // Normalized: cache reads inside input, cache writes apart.
    expect(Number(record.input_tokens)).toBe(u.input_tokens + 40);
    expect(Number(record.cached_input_tokens)).toBe(40);
    expect(Number(record.cache_write_tokens)).toBe(10);
    expect(Number(record.output_tokens)).toBe(u.output_tokens);
    // $3 uncached input, $0.30 cache reads, $3.75 cache writes, $15 output, per 1M tokens.
    const micros = u.input_tokens * 3 + 40 * 0.3 + 10 * 3.75 + u.output_tokens * 15;
    expect(Number(record.cost_micros)).toBeCloseTo(micros, 6);
  });

  it('should stream, and record the same usage and cost as the JSON call', async () => {
    const body = { model: 'anthropic/claude-sonnet-4-5', max_tokens: 200, messages: [{ role: 'user' as const, content: 'same exchange' }] };
    const json = await client.messages.create(body).withResponse();
    const stream = client.messages.stream(body);
    const types: string[] = [];
    stream.on('streamEvent', (event) => types.push(event.type));
    const final = await stream.finalMessage();
    expect(final.content).toEqual(json.data.content);
    expect(types[0]).toBe('message_start');
    expect(types.at(-1)).toBe('message_stop');
    const a = await h.ledger(json.response.headers.get('x-request-id'));
    const requestId = (await stream.withResponse()).response.headers.get('x-request-id');
    const b = await h.ledger(requestId);
    for (const field of ['input_tokens', 'cached_input_tokens', 'cache_write_tokens', 'output_tokens', 'cost_micros']) {
      expect([field, b[field]]).toEqual([field, a[field]]);
    }
    expect(b.stream).toBe(true);
  });

  it('should record 1-hour cache writes apart and price them at their own price, JSON and stream alike', async () => {
    const body = {
      model: 'anthropic/claude-sonnet-4-5',
      max_tokens: 200,
      messages: [{ role: 'user' as const, content: 'cache me for an hour' }],
    };
    h.anthropic.script(
      { cacheReadTokens: 2, cacheWrite5mTokens: 3, cacheWrite1hTokens: 4 },
      { cacheReadTokens: 2, cacheWrite5mTokens: 3, cacheWrite1hTokens: 4 },
    );
    const json = await client.messages.create(body).withResponse();
    // The client sees Anthropic's own usage, untouched.
    expect(json.data.usage).toMatchObject({
      cache_read_input_tokens: 2,
      cache_creation_input_tokens: 7,
      cache_creation: { ephemeral_5m_input_tokens: 3, ephemeral_1h_input_tokens: 4 },
    });
    const stream = client.messages.stream(body);
    await stream.finalMessage();
    const a = await h.ledger(json.response.headers.get('x-request-id'));
    const b = await h.ledger((await stream.withResponse()).response.headers.get('x-request-id'));
    for (const record of [a, b]) {
      expect(Number(record.cache_write_tokens)).toBe(7);
      expect(Number(record.cache_write_1h_tokens)).toBe(4);
      // $3 input, $0.30 reads, $3.75 5-minute writes, $6 1-hour writes, $15 output, per 1M tokens.
      const u = json.data.usage;
      const micros = u.input_tokens * 3 + 2 * 0.3 + 3 * 3.75 + 4 * 6 + u.output_tokens * 15;
      expect(Number(record.cost_micros)).toBeCloseTo(micros, 6);
    }
    expect(b.cost_micros).toBe(a.cost_micros);
  });

  it('should carry a tool-use round trip and replay thinking blocks with their signatures byte-identical', async () => {
    h.anthropic.script(
      {
        thinking: { text: 'I should list the files.', signature: 'EqQBCkYIARgCKkBsig+/==' },
        toolUse: { name: 'bash', input: { command: 'ls' } },
      },
      { content: 'There are 3 files.' },
    );
    const tools: Anthropic.Tool[] = [
      { name: 'bash', description: 'Run a command', input_schema: { type: 'object', properties: { command: { type: 'string' } } } },
    ];
    const messages: Anthropic.MessageParam[] = [{ role: 'user', content: 'How many files?' }];
    const first = await client.messages
      .stream({
        model: 'anthropic/claude-sonnet-4-5',
        max_tokens: 1024,
        tools,
        messages,
        thinking: { type: 'enabled', budget_tokens: 512 },
      })
      .finalMessage();
    expect(first.stop_reason).toBe('tool_use');
    const [thinking, toolUse] = first.content;
    expect(thinking).toMatchObject({ type: 'thinking', thinking: 'I should list the files.', signature: 'EqQBCkYIARgCKkBsig+/==' });
    expect(toolUse).toMatchObject({ type: 'tool_use', name: 'bash', input: { command: 'ls' } });

    const second = await client.messages.create({
      model: 'anthropic/claude-sonnet-4-5',
      max_tokens: 1024,
      tools,
      thinking: { type: 'enabled', budget_tokens: 512 },
      messages: [
        ...messages,
        { role: 'assistant', content: first.content },
        { role: 'user', content: [{ type: 'tool_result', tool_use_id: (toolUse as Anthropic.ToolUseBlock).id, content: 'a b c' }] },
      ],
    });
    expect(second.content).toEqual([{ type: 'text', text: 'There are 3 files.' }]);
    expect(lastSent().raw).toContain(JSON.stringify(thinking));
  });

  it('should count tokens through the same preflight', async () => {
    const counted = await client.messages.countTokens({
      model: 'anthropic/claude-sonnet-4-5',
      messages: [{ role: 'user', content: 'count me' }],
    });
    expect(counted.input_tokens).toBeGreaterThan(0);
    expect(lastSent().path).toBe('/v1/messages/count_tokens');
  });

  it('should retry an overloaded (529) provider on its other credential before any byte, and relay a persistent one in Anthropic shape', async () => {
    h.anthropic.script({ status: 529 });
    const ok = await client.messages.create({
      model: 'anthropic/claude-sonnet-4-5',
      max_tokens: 50,
      messages: [{ role: 'user', content: 'retry' }],
    });
    expect(ok.type).toBe('message');
    const [firstTry, secondTry] = h.anthropic.received.slice(-2);
    expect(firstTry!.headers['x-api-key']).not.toBe(secondTry!.headers['x-api-key']);

    h.anthropic.script({ status: 529 }, { status: 529 });
    const failure = await client.messages
      .create({ model: 'anthropic/claude-sonnet-4-5', max_tokens: 50, messages: [{ role: 'user', content: 'busy' }] })
      .catch((e: unknown) => e);
    expect(failure).toBeInstanceOf(Anthropic.APIError);
    expect((failure as InstanceType<typeof Anthropic.APIError>).status).toBe(529);
    expect((failure as { error: unknown }).error).toMatchObject({ type: 'error', error: { type: 'overloaded_error' } });
  });

  it('should accept x-api-key, default anthropic-version, and end a stream cut mid-way with an error event billed at least its input', async () => {
    h.anthropic.script({ cutAfterEvents: 4 });
    const res = await fetch(`${h.server.url}/v1/messages`, {
      method: 'POST',
      headers: { 'x-api-key': key, 'content-type': 'application/json' },
      body: JSON.stringify({
        model: 'anthropic/claude-sonnet-4-5',
        max_tokens: 50,
        stream: true,
        messages: [{ role: 'user', content: 'cut' }],
      }),
    });
    const text = await res.text();
    expect(lastSent().headers['anthropic-version']).toBe('2023-06-01');
    expect(text.trimEnd().split('\n\n').at(-1)).toMatch(/^event: error\ndata: \{"type":"error","error":\{"type":"api_error"/);
    const record = await h.ledger(res.headers.get('x-request-id'));
    expect(record).toMatchObject({ outcome: 'upstream_error', error_code: 'upstream_unreachable' });
    expect(Number(record.input_tokens)).toBeGreaterThan(0);
  });

  it('should answer refusals in Anthropic shape: bad key, malformed JSON; and accept a Bearer key', async () => {
    const bad = h.claude('allot_k1_not-a-real-key');
    const denied = await bad.messages
      .create({ model: 'anthropic/claude-sonnet-4-5', max_tokens: 5, messages: [{ role: 'user', content: 'x' }] })
      .catch((e: unknown) => e);
    expect(denied).toBeInstanceOf(Anthropic.AuthenticationError);
    expect((denied as { error: unknown }).error).toMatchObject({ type: 'error', error: { type: 'authentication_error' } });

    const bearer = h.claude(key, { authToken: key, apiKey: null });
    expect(
      (await bearer.messages.create({ model: 'anthropic/claude-sonnet-4-5', max_tokens: 5, messages: [{ role: 'user', content: 'x' }] }))
        .type,
    ).toBe('message');

    const malformed = await fetch(`${h.server.url}/v1/messages`, {
      method: 'POST',
      headers: { 'x-api-key': key, 'content-type': 'application/json' },
      body: '{"model":',
    });
    expect(malformed.status).toBe(400);
    expect(await malformed.json()).toMatchObject({ type: 'error', error: { type: 'invalid_request_error' } });
  });

  describe('chat completions translated to a Claude model (official openai SDK)', () => {
    it('should answer and bill a chat completion from Anthropic, with system, usage and cache mapped', async () => {
      h.anthropic.script({ cacheReadTokens: 20 });
      const openai = h.client(key);
      const { data, response } = await openai.chat.completions
        .create({
          model: 'anthropic/claude-sonnet-4-5',
          messages: [
            { role: 'system', content: 'Be brief.' },
            { role: 'user', content: 'Hello there '.repeat(20) },
          ],
          max_tokens: 300,
          temperature: 0.2,
        })
        .withResponse();
      expect(data.object).toBe('chat.completion');
      expect(data.model).toBe('anthropic/claude-sonnet-4-5');
      expect(data.choices[0]!.message.content).toBe('Hello from the fake Anthropic upstream!');
      expect(data.choices[0]!.finish_reason).toBe('stop');
      const sent = lastSent();
      expect(sent.path).toBe('/v1/messages');
      expect(sent.body).toMatchObject({
        model: 'claude-sonnet-4-5',
        max_tokens: 300,
        temperature: 0.2,
        system: [{ type: 'text', text: 'Be brief.' }],
      });
      const record = await h.ledger(response.headers.get('x-request-id'));
      expect(record).toMatchObject({ endpoint: 'chat.completions', outcome: 'success' });
      expect(Number(record.input_tokens)).toBe(data.usage!.prompt_tokens);
      expect(Number(record.cached_input_tokens)).toBe(20);
      expect(data.usage!.prompt_tokens_details!.cached_tokens).toBe(20);
      expect(Number(record.output_tokens)).toBe(data.usage!.completion_tokens);
    });

    it('should stream tool-call arguments as chat deltas and report usage when asked', async () => {
      h.anthropic.script({ toolUse: { name: 'ls', input: { dir: '.', all: true } } });
      const stream = await h.client(key).chat.completions.create({
        model: 'anthropic/claude-sonnet-4-5',
        messages: [{ role: 'user', content: 'list' }],
        tools: [{ type: 'function', function: { name: 'ls', parameters: { type: 'object', properties: { dir: { type: 'string' } } } } }],
        stream: true,
        stream_options: { include_usage: true },
      });
      let args = '';
      let name = '';
      let finish: string | null = null;
      let usage: { prompt_tokens: number; completion_tokens: number } | undefined;
      for await (const chunk of stream) {
        const call = chunk.choices[0]?.delta.tool_calls?.[0];
        if (call?.function?.name) name = call.function.name;
        args += call?.function?.arguments ?? '';
        finish = chunk.choices[0]?.finish_reason ?? finish;
        if (chunk.usage) usage = chunk.usage;
      }
      expect(name).toBe('ls');
      expect(JSON.parse(args)).toEqual({ dir: '.', all: true });
      expect(finish).toBe('tool_calls');
      expect(usage!.completion_tokens).toBeGreaterThan(0);
      expect(lastSent().body).toMatchObject({ stream: true, tools: [{ name: 'ls', input_schema: { type: 'object' } }] });
    });

    it('should reserve the thinking budget a reasoning effort adds on top of max_tokens against the quota', async () => {
      const thinker = h.client(h.keys['thinker/main']!);
      const ask = (reasoning_effort: 'low' | 'high') =>
        thinker.chat.completions.create({
          model: 'anthropic/claude-sonnet-4-5',
          messages: [{ role: 'user', content: 'Think, then answer.' }],
          max_tokens: 300,
          reasoning_effort,
        });
      // 300 + 16,384 thinking tokens cannot fit a 10,000-token quota: refused before any upstream call.
      const before = h.anthropic.received.length;
      const refused = await ask('high').catch((e: unknown) => e);
      expect(refused).toMatchObject({ status: 429, code: 'insufficient_quota' });
      expect(h.anthropic.received.length).toBe(before);
      // 300 + 1,024 fits, and Claude is asked for exactly that much room.
      await ask('low');
      expect(lastSent().body).toMatchObject({ max_tokens: 1324, thinking: { type: 'enabled', budget_tokens: 1024 } });
    });

    it('should keep thinking off while a chat client’s tool loop runs (its calls come back unsigned), and on again after', async () => {
      const openai = h.client(key);
      const tools = [{ type: 'function' as const, function: { name: 'ls', parameters: { type: 'object', properties: {} } } }];
      const question = { role: 'user' as const, content: 'List the files.' };
      h.anthropic.script({ thinking: { text: 'A listing will do.', signature: 'EqQBchatLoop==' }, toolUse: { name: 'ls', input: {} } });
      const first = await openai.chat.completions.create({
        model: 'anthropic/claude-sonnet-4-5',
        messages: [question],
        tools,
        reasoning_effort: 'low',
      });
      const call = first.choices[0]!.message.tool_calls![0]!;
      expect(lastSent().body).toMatchObject({ thinking: { type: 'enabled', budget_tokens: 1024 } });

      // The client replays the call without Claude's signed thinking (chat has no place for it): thinking stays off.
      const loop = [
        question,
        { role: 'assistant' as const, content: null, tool_calls: [call] },
        { role: 'tool' as const, tool_call_id: call.id, content: 'a.txt b.txt' },
      ];
      const { data: second, response } = await openai.chat.completions
        .create({ model: 'anthropic/claude-sonnet-4-5', messages: loop, tools, reasoning_effort: 'low' })
        .withResponse();
      expect(second.choices[0]!.message.content).toBe('Hello from the fake Anthropic upstream!');
      expect(response.headers.get('x-allot-adjusted-params')).toBe('reasoning_effort');
      expect(lastSent().body).not.toHaveProperty('thinking');

      // The loop ended with an answer: the next question thinks again.
      await openai.chat.completions.create({
        model: 'anthropic/claude-sonnet-4-5',
        messages: [
          ...loop,
          { role: 'assistant', content: second.choices[0]!.message.content },
          { role: 'user', content: 'And the sizes?' },
        ],
        tools,
        reasoning_effort: 'low',
      });
      expect(lastSent().body).toMatchObject({ thinking: { type: 'enabled', budget_tokens: 1024 } });
    });

    it('should refuse what has no Anthropic counterpart with a 400 naming it, before any upstream call', async () => {
      const before = h.anthropic.received.length;
      const failure = await h
        .client(key)
        .chat.completions.create({ model: 'anthropic/claude-sonnet-4-5', messages: [{ role: 'user', content: 'x' }], n: 2 })
        .catch((e: unknown) => e);
      expect(failure).toMatchObject({ status: 400, code: 'unsupported' });
      expect((failure as Error).message).toContain('"n"');
      expect(h.anthropic.received.length).toBe(before);
    });
  });

  describe('the Messages wire translated to an OpenAI model (official @anthropic-ai/sdk, as Claude Code)', () => {
    const tools: Anthropic.Tool[] = [{ name: 'bash', input_schema: { type: 'object', properties: { command: { type: 'string' } } } }];
    /** What the ledger charges for usage an Anthropic client saw (prices of openai/gpt-5.4, µ$ per token). */
    const costSeen = (u: Anthropic.Usage) => u.input_tokens * 2 + (u.cache_read_input_tokens ?? 0) * 0.5 + u.output_tokens * 8;

    it('should answer a message from an OpenAI model through its Responses API, in Anthropic shape, and bill it', async () => {
      h.fake.script({ cachedTokens: 8 });
      const { data, response } = await client.messages
        .create({ model: 'openai/gpt-5.4', max_tokens: 200, system: 'Be brief.', messages: [{ role: 'user', content: 'Say hello' }] })
        .withResponse();
      expect(data).toMatchObject({ type: 'message', role: 'assistant', model: 'openai/gpt-5.4', stop_reason: 'end_turn' });
      expect(data.content).toEqual([{ type: 'text', text: 'Hello from the fake Responses API!' }]);
      const sent = h.fake.received.at(-1)!;
      expect(sent.path).toBe('/v1/responses');
      expect(sent.body).toEqual({
        model: 'gpt-5.4',
        instructions: 'Be brief.',
        input: [{ type: 'message', role: 'user', content: [{ type: 'input_text', text: 'Say hello' }] }],
        max_output_tokens: 200,
        store: false,
      });
      expect(data.usage.cache_read_input_tokens).toBe(8);
      const record = await h.ledger(response.headers.get('x-request-id'));
      expect(record).toMatchObject({ endpoint: 'messages', outcome: 'success', cached_input_tokens: '8' });
      expect(Number(record.input_tokens)).toBe(data.usage.input_tokens + (data.usage.cache_read_input_tokens ?? 0));
      expect(Number(record.output_tokens)).toBe(data.usage.output_tokens);
      expect(Number(record.cost_micros)).toBe(costSeen(data.usage));
    });

    it('should stream a tool-use turn with thinking, and replay its reasoning item byte-identical before the call on the next turn', async () => {
      const encryptedContent = 'gAAAAABo-opaque+/reasoning==';
      h.fake.script(
        {
          reasoning: { summary: 'The user wants a listing.', encryptedContent },
          toolCall: { name: 'bash', arguments: '{"command":"ls -la"}' },
        },
        { content: 'Three files.', cachedTokens: 16 },
      );
      const messages: Anthropic.MessageParam[] = [{ role: 'user', content: 'list files' }];
      const thinking = { type: 'enabled' as const, budget_tokens: 4096 };
      const { data: stream, response } = await client.messages
        .stream({ model: 'openai/gpt-5.4', max_tokens: 8000, thinking, tools, messages })
        .withResponse();
      const first = await stream.finalMessage();
      expect(first.stop_reason).toBe('tool_use');
      expect(first.content.map((b) => b.type)).toEqual(['thinking', 'tool_use']);
      const thought = first.content[0] as Anthropic.ThinkingBlock;
      expect(thought.thinking).toBe('The user wants a listing.');
      expect(thought.signature).toMatch(/^allot\.openai\.v1\./);
      const toolUse = first.content[1] as Anthropic.ToolUseBlock;
      expect(toolUse).toMatchObject({ id: 'call_fake_0001', name: 'bash', input: { command: 'ls -la' } });
      expect(h.fake.received.at(-1)!.body).toMatchObject({
        stream: true,
        store: false,
        include: ['reasoning.encrypted_content'],
        reasoning: { effort: 'medium', summary: 'auto' },
        max_output_tokens: 8000,
        tools: [{ type: 'function', name: 'bash', strict: false }],
      });
      const firstRecord = await h.ledger(response.headers.get('x-request-id'));
      expect(firstRecord).toMatchObject({ endpoint: 'messages', stream: true, outcome: 'success', reasoning_tokens: '12' });
      expect(Number(firstRecord.input_tokens)).toBe(first.usage.input_tokens + (first.usage.cache_read_input_tokens ?? 0));
      expect(Number(firstRecord.output_tokens)).toBe(first.usage.output_tokens);
      expect(Number(firstRecord.cost_micros)).toBe(costSeen(first.usage));

      // Claude Code replays the assistant turn as it received it, thinking block first.
      const { data: second, response: secondResponse } = await client.messages
        .create({
          model: 'openai/gpt-5.4',
          max_tokens: 8000,
          thinking,
          tools,
          messages: [
            ...messages,
            { role: 'assistant', content: first.content },
            { role: 'user', content: [{ type: 'tool_result', tool_use_id: toolUse.id, content: 'a b c' }] },
          ],
        })
        .withResponse();
      expect(second.content).toEqual([{ type: 'text', text: 'Three files.' }]);
      expect(secondResponse.headers.get('x-allot-adjusted-params')).toBeNull();
      const replay = h.fake.received.at(-1)!.body;
      expect(replay).toMatchObject({ include: ['reasoning.encrypted_content'], store: false });
      expect(replay.input).toEqual([
        { type: 'message', role: 'user', content: [{ type: 'input_text', text: 'list files' }] },
        {
          type: 'reasoning',
          id: 'rs_fake_0001',
          summary: [{ type: 'summary_text', text: 'The user wants a listing.' }],
          encrypted_content: encryptedContent,
        },
        { type: 'function_call', call_id: 'call_fake_0001', name: 'bash', arguments: '{"command":"ls -la"}' },
        { type: 'function_call_output', call_id: 'call_fake_0001', output: 'a b c' },
      ]);
      const secondRecord = await h.ledger(secondResponse.headers.get('x-request-id'));
      expect(secondRecord).toMatchObject({ cached_input_tokens: '16' });
      expect(Number(secondRecord.input_tokens)).toBe(second.usage.input_tokens + (second.usage.cache_read_input_tokens ?? 0));
      expect(Number(secondRecord.cost_micros)).toBe(costSeen(second.usage));
    });

    it('should accept a history Claude thought in, leaving its signed thinking out and saying so', async () => {
      const { data, response } = await client.messages
        .create({
          model: 'openai/gpt-5.4',
          max_tokens: 300,
          tools,
          messages: [
            { role: 'user', content: 'list files' },
            {
              role: 'assistant',
              content: [
                { type: 'thinking', thinking: 'Claude thought this.', signature: 'EqQBCkYIBxgCKkDAnthropicSignature' },
                { type: 'redacted_thinking', data: 'EmwKAhgBEgy3va3pzix/LafPsn4a' },
                { type: 'tool_use', id: 'toolu_01', name: 'bash', input: { command: 'ls' } },
              ],
            },
            { role: 'user', content: [{ type: 'tool_result', tool_use_id: 'toolu_01', content: 'a b c', is_error: false }] },
          ],
        })
        .withResponse();
      expect(data.type).toBe('message');
      expect(response.headers.get('x-allot-adjusted-params')).toBe('messages.thinking');
      expect((h.fake.received.at(-1)!.body.input as { type: string }[]).map((item) => item.type)).toEqual([
        'message',
        'function_call',
        'function_call_output',
      ]);
    });

    it('should end a stream whose response failed with an Anthropic error event, and refuse a failed JSON answer in Anthropic shape', async () => {
      h.fake.script({ failWith: { code: 'server_error', message: 'The model crashed.' } });
      const { data: stream, response } = await client.messages
        .create({ model: 'openai/gpt-5.4', max_tokens: 100, messages: [{ role: 'user', content: 'hi' }], stream: true })
        .withResponse();
      const failure = await (async () => {
        for await (const _event of stream);
      })().catch((e: unknown) => e);
      expect((failure as Error).message).toContain('The model crashed.');
      expect(await h.ledger(response.headers.get('x-request-id'))).toMatchObject({
        outcome: 'upstream_error',
        error_code: 'server_error',
      });

      h.fake.script({ failWith: { code: 'server_error', message: 'The model crashed.' } });
      const refused = await client.messages
        .create({ model: 'openai/gpt-5.4', max_tokens: 100, messages: [{ role: 'user', content: 'hi' }] })
        .catch((e: unknown) => e);
      expect(refused).toBeInstanceOf(Anthropic.APIError);
      expect((refused as { status: number }).status).toBe(502);
      expect((refused as { error: unknown }).error).toMatchObject({
        type: 'error',
        error: { type: 'api_error', message: 'The model crashed.' },
      });
    });

    it('should keep the chat path for a model whose provider lacks the Responses API: a streamed tool call and its result', async () => {
      h.fake.script({ toolCall: { name: 'bash', arguments: '{"command":"ls -la"}' } }, { content: 'Three files.' });
      const messages: Anthropic.MessageParam[] = [{ role: 'user', content: 'list files' }];
      const first = await client.messages.stream({ model: 'openai/gpt-4.1', max_tokens: 300, tools, messages }).finalMessage();
      expect(first.stop_reason).toBe('tool_use');
      const toolUse = first.content.find((b): b is Anthropic.ToolUseBlock => b.type === 'tool_use')!;
      expect(toolUse).toMatchObject({ name: 'bash', input: { command: 'ls -la' } });
      expect(first.usage.output_tokens).toBeGreaterThan(0);
      expect(h.fake.received.at(-1)!.path).toBe('/v1/chat/completions');
      expect(h.fake.received.at(-1)!.body).toMatchObject({
        model: 'gpt-4.1',
        stream: true,
        stream_options: { include_usage: true },
        tools: [{ type: 'function', function: { name: 'bash' } }],
      });

      const second = await client.messages.create({
        model: 'openai/gpt-4.1',
        max_tokens: 300,
        tools,
        messages: [
          ...messages,
          { role: 'assistant', content: first.content },
          { role: 'user', content: [{ type: 'tool_result', tool_use_id: toolUse.id, content: 'a b c' }] },
        ],
      });
      expect(second.content).toEqual([{ type: 'text', text: 'Three files.' }]);
      const replay = h.fake.received.at(-1)!.body.messages as Record<string, unknown>[];
      expect(replay.at(-2)).toMatchObject({
        role: 'assistant',
        tool_calls: [{ id: toolUse.id, function: { name: 'bash', arguments: '{"command":"ls -la"}' } }],
      });
      expect(replay.at(-1)).toEqual({ role: 'tool', tool_call_id: toolUse.id, content: 'a b c' });
    });

    it('should count tokens for an OpenAI model locally, with no upstream call', async () => {
      const before = h.fake.received.length;
      const { data, response } = await client.messages
        .countTokens({ model: 'openai/gpt-5.4', messages: [{ role: 'user', content: 'count these words please' }] })
        .withResponse();
      expect(data.input_tokens).toBeGreaterThanOrEqual(5);
      expect(data.input_tokens).toBeLessThan(40);
      expect(h.fake.received.length).toBe(before);
      expect(await h.ledger(response.headers.get('x-request-id'))).toMatchObject({
        endpoint: 'messages.count_tokens',
        outcome: 'success',
        input_tokens: '0',
        output_tokens: '0',
      });
    });

    it('should refuse a server tool it cannot translate, in Anthropic shape, before any upstream call', async () => {
      const before = h.fake.received.length;
      const failure = await client.messages
        .create({
          model: 'openai/gpt-5.4',
          max_tokens: 50,
          messages: [{ role: 'user', content: 'search' }],
          tools: [{ type: 'web_search_20250305', name: 'web_search' }],
        })
        .catch((e: unknown) => e);
      expect(failure).toBeInstanceOf(Anthropic.BadRequestError);
      expect((failure as { error: unknown }).error).toMatchObject({ type: 'error', error: { type: 'invalid_request_error' } });
      expect((failure as Error).message).toContain('web_search_20250305');
      expect(h.fake.received.length).toBe(before);
    });
  });

  describe('the Responses API on a Claude model (official openai SDK)', () => {
    it('should answer responses.create and stream a function call from Anthropic, through the chat translation', async () => {
      const openai = h.client(key);
      const text = await openai.responses.create({
        model: 'anthropic/claude-sonnet-4-5',
        instructions: 'Be brief.',
        input: 'hi',
        store: false,
      });
      expect(text.output_text).toBe('Hello from the fake Anthropic upstream!');
      expect(lastSent().body).toMatchObject({
        system: [{ type: 'text', text: 'Be brief.' }],
        messages: [{ role: 'user', content: [{ type: 'text', text: 'hi' }] }],
      });

      h.anthropic.script({ toolUse: { name: 'ls', input: { dir: '.' } } });
      const stream = openai.responses.stream({
        model: 'anthropic/claude-sonnet-4-5',
        input: 'list',
        tools: [{ type: 'function', name: 'ls', parameters: { type: 'object', properties: { dir: { type: 'string' } } }, strict: false }],
        store: false,
      });
      const final = await stream.finalResponse();
      expect(final.output.find((item) => item.type === 'function_call')).toMatchObject({ name: 'ls', arguments: '{"dir":"."}' });
      expect(final.usage!.input_tokens).toBeGreaterThan(0);

      // Reasoning effort turns thinking on (the signed round trip: responses-on-vendors.e2e-spec.ts).
      await openai.responses.create({ model: 'anthropic/claude-sonnet-4-5', input: 'think', reasoning: { effort: 'high' }, store: false });
      expect(lastSent().body).toMatchObject({ thinking: { type: 'enabled', budget_tokens: 16384 } });
    });
  });
});
