import Anthropic, { APIConnectionError, APIConnectionTimeoutError, APIError, OverloadedError, RateLimitError } from '@anthropic-ai/sdk';
import { AnthropicFake } from '../fakes/anthropic-fake';
import { GeminiFake } from '../fakes/gemini-fake';

/**
 * The provider fakes speak the real wire: the Anthropic fake is driven by the official `@anthropic-ai/sdk`, the Gemini
 * fake by plain fetch against the shapes of the Generative Language API reference. Every number asserted here follows
 * from the fakes' documented token rules (prompt = ceil(JSON length / 4), output = ceil(length / 4) per block).
 */

const API_KEY = 'sk-ant-fake-key';

/** `event:` + `data:` pairs of an Anthropic SSE body. */
function anthropicEvents(body: string): { event: string; data: Record<string, unknown> }[] {
  return body
    .split('\n\n')
    .filter((block) => block.trim())
    .map((block) => {
      const [eventLine, dataLine, ...rest] = block.split('\n');
      expect(rest).toEqual([]);
      expect(eventLine).toMatch(/^event: /);
      expect(dataLine).toMatch(/^data: /);
      return { event: eventLine!.slice('event: '.length), data: JSON.parse(dataLine!.slice('data: '.length)) as Record<string, unknown> };
    });
}

interface GPart {
  text?: string;
  thought?: boolean;
  thoughtSignature?: string;
  functionCall?: { name: string; args: Record<string, unknown> };
}
interface GCandidate {
  content?: { parts: GPart[]; role: string };
  finishReason?: string;
  index: number;
  safetyRatings?: Record<string, unknown>[];
}
/** A GenerateContentResponse, as far as these tests read it. */
interface GResponse {
  candidates?: GCandidate[];
  promptFeedback?: { blockReason: string; safetyRatings?: Record<string, unknown>[] };
  usageMetadata: Record<string, unknown>;
  modelVersion: string;
  responseId: string;
}
const first = (r: GResponse): GCandidate => r.candidates![0]!;

/** The `data:` chunks of a Gemini SSE body (events end with CRLF CRLF). */
function geminiChunks(body: string): GResponse[] {
  expect(body.endsWith('\r\n\r\n')).toBe(true);
  return body
    .split('\r\n\r\n')
    .filter((event) => event)
    .map((event) => {
      expect(event).toMatch(/^data: /);
      return JSON.parse(event.slice('data: '.length)) as GResponse;
    });
}

describe('AnthropicFake through the official @anthropic-ai/sdk', () => {
  let fake: AnthropicFake;
  let client: Anthropic;
  const hello = [{ role: 'user' as const, content: 'Say hello' }]; // prompt: ceil(39 / 4) = 10 tokens

  beforeAll(async () => {
    fake = await new AnthropicFake().start();
    client = new Anthropic({ apiKey: API_KEY, baseURL: fake.url, maxRetries: 0 });
  });
  afterAll(() => fake.stop());
  afterEach(() => fake.clearScripts());

  it('messages.create: a text message with usage, headers recorded', async () => {
    const message = await client.messages.create(
      { model: 'claude-sonnet-4-6', max_tokens: 256, messages: hello },
      { headers: { 'anthropic-beta': 'prompt-caching-2024-07-31' } },
    );
    expect(message.id).toBe('msg_fake_0001'); // the first messages request of this fake
    expect(message.type).toBe('message');
    expect(message.role).toBe('assistant');
    expect(message.model).toBe('claude-sonnet-4-6');
    expect(message.content).toEqual([{ type: 'text', text: 'Hello from the fake Anthropic upstream!' }]);
    expect(message.stop_reason).toBe('end_turn');
    expect(message.stop_sequence).toBeNull();
    expect(message.usage).toEqual({
      input_tokens: 10,
      cache_creation_input_tokens: 0,
      cache_read_input_tokens: 0,
      cache_creation: { ephemeral_5m_input_tokens: 0, ephemeral_1h_input_tokens: 0 },
      output_tokens: 10, // ceil(39 / 4)
      service_tier: 'standard',
    });
    const req = fake.received.at(-1)!;
    expect(req.method).toBe('POST');
    expect(req.path).toBe('/v1/messages');
    // SDK 1.14 sends the API key as a bearer token (raw clients send x-api-key; see the stream test below).
    expect(req.headers.authorization).toBe(`Bearer ${API_KEY}`);
    expect(req.headers['anthropic-version']).toMatch(/^\d{4}-\d{2}-\d{2}$/);
    expect(req.headers['anthropic-beta']).toBe('prompt-caching-2024-07-31');
    expect(req.body).toMatchObject({ model: 'claude-sonnet-4-6', max_tokens: 256, messages: hello });
  });

  it('the raw stream is the documented event sequence, each event an event: line and a data: line', async () => {
    fake.script({ content: 'Hi there!', cacheReadTokens: 4, cacheWrite5mTokens: 3, cacheWrite1hTokens: 2 });
    const res = await fetch(`${fake.url}/v1/messages`, {
      method: 'POST',
      headers: { 'content-type': 'application/json', 'x-api-key': API_KEY, 'anthropic-version': '2023-06-01' },
      body: JSON.stringify({ model: 'claude-haiku-4-5', max_tokens: 64, stream: true, system: 'You are terse.', messages: hello }),
    });
    expect(res.status).toBe(200);
    expect(res.headers.get('content-type')).toMatch(/^text\/event-stream/);
    expect(res.headers.get('request-id')).toMatch(/^req_/);
    expect(fake.received.at(-1)!.headers).toMatchObject({ 'x-api-key': API_KEY, 'anthropic-version': '2023-06-01' });
    const events = anthropicEvents(await res.text());
    expect(events.map((e) => e.event)).toEqual([
      'message_start',
      'ping',
      'content_block_start',
      'content_block_delta',
      'content_block_delta',
      'content_block_stop',
      'message_delta',
      'message_stop',
    ]);
    for (const e of events) expect(e.data.type).toBe(e.event);
    // prompt ceil((16 + 39) / 4) = 14 = 5 uncached + 4 read + 3 + 2 written; output ceil(9 / 4) = 3.
    expect(events[0]!.data.message).toEqual({
      id: expect.stringMatching(/^msg_/),
      type: 'message',
      role: 'assistant',
      model: 'claude-haiku-4-5',
      content: [],
      stop_reason: null,
      stop_sequence: null,
      usage: {
        input_tokens: 5,
        cache_creation_input_tokens: 5,
        cache_read_input_tokens: 4,
        cache_creation: { ephemeral_5m_input_tokens: 3, ephemeral_1h_input_tokens: 2 },
        output_tokens: 1,
        service_tier: 'standard',
      },
    });
    expect(events[2]!.data).toEqual({ type: 'content_block_start', index: 0, content_block: { type: 'text', text: '' } });
    expect(events.slice(3, 5).map((e) => e.data.delta)).toEqual([
      { type: 'text_delta', text: 'Hi th' },
      { type: 'text_delta', text: 'ere!' },
    ]);
    expect(events[5]!.data).toEqual({ type: 'content_block_stop', index: 0 });
    expect(events[6]!.data).toEqual({
      type: 'message_delta',
      delta: { stop_reason: 'end_turn', stop_sequence: null },
      usage: { input_tokens: 5, cache_creation_input_tokens: 5, cache_read_input_tokens: 4, output_tokens: 3 },
    });
  });

  it('messages.stream → finalMessage(): text, with cache usage', async () => {
    fake.script({ cacheReadTokens: 6 });
    const stream = client.messages.stream({ model: 'claude-sonnet-4-6', max_tokens: 256, messages: hello });
    const deltas: string[] = [];
    stream.on('text', (delta) => deltas.push(delta));
    const message = await stream.finalMessage();
    expect(deltas.join('')).toBe('Hello from the fake Anthropic upstream!');
    expect(message.content).toEqual([{ type: 'text', text: 'Hello from the fake Anthropic upstream!' }]);
    expect(message.stop_reason).toBe('end_turn');
    expect(message.usage).toMatchObject({
      input_tokens: 4,
      cache_read_input_tokens: 6,
      cache_creation_input_tokens: 0,
      cache_creation: { ephemeral_5m_input_tokens: 0, ephemeral_1h_input_tokens: 0 },
      output_tokens: 10,
    });
  });

  it('messages.stream → finalMessage(): a tool_use assembled from input_json_delta', async () => {
    fake.script({ toolUse: { name: 'get_weather', input: { city: 'Paris', unit: 'celsius' } } });
    const tools = [
      {
        name: 'get_weather',
        description: 'Weather for a city',
        input_schema: { type: 'object' as const, properties: { city: { type: 'string' } }, required: ['city'] },
      },
    ];
    const stream = client.messages.stream({
      model: 'claude-sonnet-4-6',
      max_tokens: 256,
      tools,
      messages: [{ role: 'user', content: 'Weather in Paris?' }],
    });
    const partials: string[] = [];
    stream.on('inputJson', (partial) => partials.push(partial));
    const message = await stream.finalMessage();
    expect(message.stop_reason).toBe('tool_use');
    expect(message.content).toHaveLength(1);
    const block = message.content[0]!;
    expect(block.type).toBe('tool_use');
    if (block.type !== 'tool_use') throw new Error('not a tool_use block');
    expect(block.id).toBe(message.id.replace('msg_', 'toolu_'));
    expect(block.id).toMatch(/^toolu_fake_\d{4}$/);
    expect(block.name).toBe('get_weather');
    expect(block.input).toEqual({ city: 'Paris', unit: 'celsius' });
    expect(partials.join('')).toBe('{"city":"Paris","unit":"celsius"}');
    expect(partials.length).toBeGreaterThan(1);
    // prompt ceil((47 + 152) / 4) = 50; output ceil(33 / 4) = 9.
    expect(message.usage).toMatchObject({ input_tokens: 50, output_tokens: 9 });
  });

  it('messages.stream → finalMessage(): thinking with its signature, redacted thinking, then text', async () => {
    fake.script({
      thinking: { text: 'Let me think about this carefully.', signature: 'EqQBCkYIBxgCKkDfakeSignature==' },
      redactedThinking: 'RkFLRS1SRURBQ1RFRA==',
      content: 'Paris is sunny.',
    });
    const stream = client.messages.stream({
      model: 'claude-sonnet-4-6',
      max_tokens: 2048,
      thinking: { type: 'enabled', budget_tokens: 1024 },
      messages: hello,
    });
    const thinking: string[] = [];
    stream.on('thinking', (delta) => thinking.push(delta));
    const message = await stream.finalMessage();
    expect(thinking.join('')).toBe('Let me think about this carefully.');
    expect(message.content).toEqual([
      { type: 'thinking', thinking: 'Let me think about this carefully.', signature: 'EqQBCkYIBxgCKkDfakeSignature==' },
      { type: 'redacted_thinking', data: 'RkFLRS1SRURBQ1RFRA==' },
      { type: 'text', text: 'Paris is sunny.' },
    ]);
    expect(message.stop_reason).toBe('end_turn');
    // output: thinking ceil(34 / 4) = 9, redacted ceil(20 / 4) = 5, text ceil(15 / 4) = 4.
    expect(message.usage).toMatchObject({ input_tokens: 10, output_tokens: 18 });
  });

  it('the same thinking answer as JSON, and stop_reason / stop_sequence from the script', async () => {
    fake.script({ stopReason: 'stop_sequence', content: 'One, two' });
    const message = await client.messages.create({
      model: 'claude-sonnet-4-6',
      max_tokens: 64,
      stop_sequences: ['three'],
      messages: hello,
    });
    expect(message.stop_reason).toBe('stop_sequence');
    expect(message.stop_sequence).toBe('three');
    expect(message.usage.output_tokens).toBe(2);
  });

  it('529 → OverloadedError with type overloaded_error and the request id', async () => {
    fake.script({ status: 529 });
    const error: unknown = await client.messages.create({ model: 'claude-sonnet-4-6', max_tokens: 64, messages: hello }).catch((e) => e);
    expect(error).toBeInstanceOf(OverloadedError);
    const e = error as OverloadedError;
    expect(e.status).toBe(529);
    expect(e.type).toBe('overloaded_error');
    expect(e.requestID).toMatch(/^req_/);
    expect(e.error).toEqual({ type: 'error', error: { type: 'overloaded_error', message: 'Overloaded' }, request_id: e.requestID });
  });

  it('429 with retry-after: the SDK retries after the header and then succeeds', async () => {
    fake.script({ status: 429, retryAfter: '0' });
    const retrying = new Anthropic({ apiKey: API_KEY, baseURL: fake.url, maxRetries: 1 });
    const before = fake.received.length;
    const message = await retrying.messages.create({ model: 'claude-sonnet-4-6', max_tokens: 64, messages: hello });
    expect(message.content).toEqual([{ type: 'text', text: 'Hello from the fake Anthropic upstream!' }]);
    expect(fake.received.length - before).toBe(2);

    fake.script({ status: 429 });
    const error: unknown = await client.messages.create({ model: 'claude-sonnet-4-6', max_tokens: 64, messages: hello }).catch((e) => e);
    expect(error).toBeInstanceOf(RateLimitError);
    expect((error as RateLimitError).type).toBe('rate_limit_error');
  });

  it('an error event mid-stream surfaces as the SDK error of type overloaded_error', async () => {
    fake.script({ errorEventAfter: 4 });
    const stream = client.messages.stream({ model: 'claude-sonnet-4-6', max_tokens: 64, messages: hello });
    const error: unknown = await stream.finalMessage().catch((e) => e);
    expect(error).toBeInstanceOf(APIError);
    expect((error as APIError).type).toBe('overloaded_error');
  });

  it('a stream cut mid-way fails; a hung request times out and counts as aborted', async () => {
    fake.script({ cutAfterEvents: 3 });
    const cut: unknown = await client.messages
      .stream({ model: 'claude-sonnet-4-6', max_tokens: 64, messages: hello })
      .finalMessage()
      .catch((e) => e);
    expect(cut).toBeInstanceOf(Error);

    fake.script({ hang: true });
    const before = fake.aborted;
    const hung: unknown = await client.messages
      .create({ model: 'claude-sonnet-4-6', max_tokens: 64, messages: hello }, { timeout: 300 })
      .catch((e) => e);
    expect(hung).toBeInstanceOf(APIConnectionTimeoutError);
    expect(hung).toBeInstanceOf(APIConnectionError);
    for (let i = 0; i < 50 && fake.aborted === before; i++) await new Promise((r) => setTimeout(r, 20));
    expect(fake.aborted).toBe(before + 1);
  });

  it('count_tokens answers the prompt size that messages reports (input + cache read + cache write)', async () => {
    const params = { model: 'claude-sonnet-4-6', system: 'You are terse.', messages: hello };
    const count = await client.messages.countTokens(params);
    expect(count).toEqual({ input_tokens: 14 });
    expect(fake.received.at(-1)!.path).toBe('/v1/messages/count_tokens');

    fake.script({ cacheReadTokens: 8, cacheWrite1hTokens: 2 });
    const { usage } = await client.messages.create({ ...params, max_tokens: 64 });
    expect(usage.input_tokens + usage.cache_read_input_tokens! + usage.cache_creation_input_tokens!).toBe(14);
    expect(usage).toMatchObject({
      input_tokens: 4,
      cache_read_input_tokens: 8,
      cache_creation_input_tokens: 2,
      cache_creation: { ephemeral_5m_input_tokens: 0, ephemeral_1h_input_tokens: 2 },
    });
  });
});

describe('GeminiFake over fetch (Generative Language API v1beta)', () => {
  let fake: GeminiFake;
  const KEY = 'AIza-fake-key';
  const contents = [{ role: 'user', parts: [{ text: 'Say hello' }] }]; // prompt: ceil(48 / 4) = 12 tokens
  const post = (path: string, body: unknown, headers: Record<string, string> = { 'x-goog-api-key': KEY }) =>
    fetch(`${fake.url}${path}`, {
      method: 'POST',
      headers: { 'content-type': 'application/json', ...headers },
      body: JSON.stringify(body),
    });

  beforeAll(async () => {
    fake = await new GeminiFake().start();
  });
  afterAll(() => fake.stop());
  afterEach(() => fake.clearScripts());

  it('generateContent: text, usageMetadata, modelVersion, responseId; the key arrives in x-goog-api-key', async () => {
    const res = await post('/v1beta/models/gemini-2.5-flash:generateContent', { contents });
    expect(res.status).toBe(200);
    expect(res.headers.get('content-type')).toMatch(/^application\/json/);
    const json = (await res.json()) as GResponse;
    expect(json).toEqual({
      candidates: [
        { content: { parts: [{ text: 'Hello from the fake Gemini upstream!' }], role: 'model' }, finishReason: 'STOP', index: 0 },
      ],
      usageMetadata: {
        promptTokenCount: 12,
        candidatesTokenCount: 9, // ceil(36 / 4)
        totalTokenCount: 21,
        promptTokensDetails: [{ modality: 'TEXT', tokenCount: 12 }],
      },
      modelVersion: 'gemini-2.5-flash',
      responseId: 'fakeResp0001', // the first generate request of this fake
    });
    const req = fake.received.at(-1)!;
    expect(req.path).toBe('/v1beta/models/gemini-2.5-flash:generateContent');
    expect(req.headers['x-goog-api-key']).toBe(KEY);
    expect(req.body).toEqual({ contents });
  });

  it('streamGenerateContent?alt=sse: chunks assemble the text; the last carries finishReason and the full usage', async () => {
    fake.script({ cachedTokens: 5 });
    const res = await post('/v1beta/models/gemini-2.5-flash:streamGenerateContent?alt=sse', { contents });
    expect(res.status).toBe(200);
    expect(res.headers.get('content-type')).toMatch(/^text\/event-stream/);
    const chunks = geminiChunks(await res.text());
    expect(chunks).toHaveLength(5); // 36 characters in pieces of 8
    expect(
      chunks
        .map((c) =>
          first(c)
            .content!.parts.map((p) => p.text)
            .join(''),
        )
        .join(''),
    ).toBe('Hello from the fake Gemini upstream!');
    for (const c of chunks.slice(0, -1)) expect(first(c).finishReason).toBeUndefined();
    const responseIds = new Set(chunks.map((c) => c.responseId));
    expect(responseIds.size).toBe(1);
    expect(chunks.every((c) => c.modelVersion === 'gemini-2.5-flash')).toBe(true);
    expect(chunks[0]!.usageMetadata).toMatchObject({ promptTokenCount: 12, candidatesTokenCount: 2, totalTokenCount: 14 });
    const last = chunks.at(-1)!;
    expect(first(last).finishReason).toBe('STOP');
    expect(last.usageMetadata).toEqual({
      promptTokenCount: 12,
      candidatesTokenCount: 9,
      totalTokenCount: 21,
      cachedContentTokenCount: 5,
      promptTokensDetails: [{ modality: 'TEXT', tokenCount: 12 }],
      cacheTokensDetails: [{ modality: 'TEXT', tokenCount: 5 }],
    });
  });

  it('a function call with thoughts: thought summary, functionCall with thoughtSignature, thoughtsTokenCount', async () => {
    const body = {
      systemInstruction: { parts: [{ text: 'Be brief.' }] },
      contents,
      tools: [
        { functionDeclarations: [{ name: 'get_weather', parameters: { type: 'OBJECT', properties: { city: { type: 'STRING' } } } }] },
      ],
      generationConfig: { thinkingConfig: { includeThoughts: true } },
    };
    const script = {
      functionCall: { name: 'get_weather', args: { city: 'Paris' } },
      thoughts: { summary: 'Planning a weather lookup for Paris.', signature: 'CiQB0e2Kb-fake-signature' },
    };
    // prompt ceil(202 / 4) = 51; candidates ceil(46 / 4) = 12; thoughts ceil(36 / 4) = 9.
    const usage = {
      promptTokenCount: 51,
      candidatesTokenCount: 12,
      totalTokenCount: 72,
      promptTokensDetails: [{ modality: 'TEXT', tokenCount: 51 }],
      thoughtsTokenCount: 9,
    };

    fake.script(script);
    const json = (await (await post('/v1beta/models/gemini-2.5-pro:generateContent', body)).json()) as GResponse;
    expect(json.candidates).toEqual([
      {
        content: {
          parts: [
            { text: 'Planning a weather lookup for Paris.', thought: true },
            { functionCall: { name: 'get_weather', args: { city: 'Paris' } }, thoughtSignature: 'CiQB0e2Kb-fake-signature' },
          ],
          role: 'model',
        },
        finishReason: 'STOP',
        index: 0,
      },
    ]);
    expect(json.usageMetadata).toEqual(usage);

    fake.script(script);
    const chunks = geminiChunks(await (await post('/v1beta/models/gemini-2.5-pro:streamGenerateContent?alt=sse', body)).text());
    const parts = chunks.flatMap((c) => first(c).content?.parts ?? []);
    expect(
      parts
        .filter((p) => p.thought)
        .map((p) => p.text)
        .join(''),
    ).toBe('Planning a weather lookup for Paris.');
    expect(parts.filter((p) => p.functionCall)).toEqual([
      { functionCall: { name: 'get_weather', args: { city: 'Paris' } }, thoughtSignature: 'CiQB0e2Kb-fake-signature' },
    ]);
    expect(first(chunks.at(-1)!).finishReason).toBe('STOP');
    expect(chunks.at(-1)!.usageMetadata).toEqual(usage);

    // Without includeThoughts the summary is not sent, the signature and the thought tokens are.
    fake.script(script);
    const quiet = (await (
      await post('/v1beta/models/gemini-2.5-pro:generateContent', { ...body, generationConfig: {} })
    ).json()) as GResponse;
    expect(first(quiet).content!.parts).toEqual([
      { functionCall: { name: 'get_weather', args: { city: 'Paris' } }, thoughtSignature: 'CiQB0e2Kb-fake-signature' },
    ]);
    expect(quiet.usageMetadata.thoughtsTokenCount).toBe(9);
  });

  it('finishReason MAX_TOKENS from the script; the JSON-array stream form without alt=sse', async () => {
    fake.script({ content: 'Cut short', finishReason: 'MAX_TOKENS' });
    const res = await post('/v1beta/models/gemini-2.5-flash:streamGenerateContent', { contents });
    expect(res.headers.get('content-type')).toMatch(/^application\/json/);
    const chunks = (await res.json()) as GResponse[];
    expect(chunks).toHaveLength(2);
    expect(chunks.map((c) => first(c).content!.parts[0]!.text).join('')).toBe('Cut short');
    expect(first(chunks[1]!).finishReason).toBe('MAX_TOKENS');
    expect(chunks[1]!.usageMetadata).toMatchObject({ promptTokenCount: 12, candidatesTokenCount: 3, totalTokenCount: 15 });
  });

  it('safety: a blocked prompt has promptFeedback and no candidates; a safety stop has SAFETY and safetyRatings', async () => {
    fake.script({ blockedPrompt: 'SAFETY' });
    const blocked = (await (await post('/v1beta/models/gemini-2.5-flash:generateContent', { contents })).json()) as GResponse;
    expect(blocked.candidates).toBeUndefined();
    expect(blocked.promptFeedback!.blockReason).toBe('SAFETY');
    expect(blocked.promptFeedback!.safetyRatings).toContainEqual({
      category: 'HARM_CATEGORY_DANGEROUS_CONTENT',
      probability: 'HIGH',
      blocked: true,
    });
    expect(blocked.usageMetadata).toEqual({
      promptTokenCount: 12,
      totalTokenCount: 12,
      promptTokensDetails: [{ modality: 'TEXT', tokenCount: 12 }],
    });

    fake.script({ safetyStop: true });
    const stopped = (await (await post('/v1beta/models/gemini-2.5-flash:generateContent', { contents })).json()) as GResponse;
    expect(stopped.candidates).toEqual([
      { finishReason: 'SAFETY', index: 0, safetyRatings: expect.arrayContaining([expect.objectContaining({ blocked: true })]) },
    ]);
    expect(stopped.usageMetadata).toMatchObject({ promptTokenCount: 12, totalTokenCount: 12 });

    fake.script({ safetyStop: true, content: 'Here is how' });
    const chunks = geminiChunks(await (await post('/v1beta/models/gemini-2.5-flash:streamGenerateContent?alt=sse', { contents })).text());
    expect(chunks).toHaveLength(3);
    expect(first(chunks.at(-1)!)).toEqual({
      finishReason: 'SAFETY',
      index: 0,
      safetyRatings: expect.arrayContaining([expect.objectContaining({ category: 'HARM_CATEGORY_DANGEROUS_CONTENT' })]),
    });
  });

  it('?key= in the URL is refused with a Google error, counted, and consumes no script', async () => {
    fake.script({ status: 429, retryAfter: '7' });
    const before = fake.keyInUrl;
    const res = await post(`/v1beta/models/gemini-2.5-flash:generateContent?key=${KEY}`, { contents }, {});
    expect(res.status).toBe(400);
    const json = (await res.json()) as { error: Record<string, unknown> };
    expect(json.error).toMatchObject({ code: 400, status: 'INVALID_ARGUMENT', message: expect.stringContaining('x-goog-api-key') });
    expect(fake.keyInUrl).toBe(before + 1);

    // The scripted 429 answers the next request: a Google error, with Retry-After and RetryInfo.
    const limited = await post('/v1beta/models/gemini-2.5-flash:generateContent', { contents });
    expect(limited.status).toBe(429);
    expect(limited.headers.get('retry-after')).toBe('7');
    expect(await limited.json()).toEqual({
      error: {
        code: 429,
        message: expect.any(String),
        status: 'RESOURCE_EXHAUSTED',
        details: [{ '@type': 'type.googleapis.com/google.rpc.RetryInfo', retryDelay: '7s' }],
      },
    });
  });

  it('cutAfterEvents ends the stream body early; a hung request the client aborts counts in aborted', async () => {
    fake.script({ cutAfterEvents: 2 });
    const cut = await post('/v1beta/models/gemini-2.5-flash:streamGenerateContent?alt=sse', { contents });
    expect(cut.status).toBe(200);
    await expect(cut.text()).rejects.toThrow();

    fake.script({ hang: true });
    const before = fake.aborted;
    const controller = new AbortController();
    setTimeout(() => controller.abort(), 100);
    await expect(
      fetch(`${fake.url}/v1beta/models/gemini-2.5-flash:generateContent`, {
        method: 'POST',
        headers: { 'content-type': 'application/json', 'x-goog-api-key': KEY },
        body: JSON.stringify({ contents }),
        signal: controller.signal,
      }),
    ).rejects.toThrow();
    for (let i = 0; i < 50 && fake.aborted === before; i++) await new Promise((r) => setTimeout(r, 20));
    expect(fake.aborted).toBe(before + 1);
  });

  it('countTokens answers the prompt size generateContent reports', async () => {
    const res = await post('/v1beta/models/gemini-2.5-flash:countTokens', { contents });
    expect(await res.json()).toEqual({ totalTokens: 12, promptTokensDetails: [{ modality: 'TEXT', tokenCount: 12 }] });
  });
});
