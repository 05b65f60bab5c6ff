import OpenAI from 'openai';
import type { Pool } from 'pg';
import { AllocationAdminService, KeyResolver } from '@allot/allocations';
import type { StartedServer } from '../../apps/gateway/src/server';
import type { OpenAiFake } from '../fakes/openai-fake';
import {
  FAKE_AZURE_KEY as AZURE_KEY,
  FAKE_PROVIDER_KEY as PROVIDER_KEY,
  startGatewayHarness,
  type GatewayHarness,
} from '../support/gateway-harness';
import { azureProvider, azureV1Provider, openaiProvider } from '../support/org-yaml';

const org = (fakeUrl: string) => `
version: 1
providers:
${openaiProvider(fakeUrl)}
${azureProvider(fakeUrl)}
${azureV1Provider(fakeUrl)}
models:
  - slug: azure-v1/gpt-5.4
  - slug: openai/gpt-5.4-mini
    prices: [{ effectiveFrom: 2026-01-01, inputPer1M: "0.25", cachedInputPer1M: "0.025", outputPer1M: "2" }]
  - slug: openai/text-embedding-3-small
    kind: embedding
    prices: [{ effectiveFrom: 2026-01-01, inputPer1M: "0.02", outputPer1M: "0" }]
  - slug: azure/gpt-5.4
    prices: [{ effectiveFrom: 2026-01-01, inputPer1M: "1.25", outputPer1M: "10" }]
  - slug: openai/gpt-unpriced
members:
  - identifier: alice
allocations:
  - { member: alice, model: openai/gpt-5.4-mini }
  - { member: alice, model: openai/text-embedding-3-small }
  - { member: alice, model: azure/gpt-5.4 }
  - { member: alice, model: openai/gpt-unpriced }
  - { member: alice, model: azure-v1/gpt-5.4 }
keys:
  - member: alice
    name: v1
    allocations: [azure-v1/gpt-5.4]
  - member: alice
    name: sdk
    allocations: [openai/gpt-5.4-mini, openai/text-embedding-3-small, azure/gpt-5.4]
`;

describe('OpenAI wire through the gateway (official openai SDK)', () => {
  let h: GatewayHarness;
  let fake: OpenAiFake;
  let server: StartedServer;
  let client: OpenAI;
  let pg: Pool;
  let memberKey: string;
  const ledger = (requestId: string | null | undefined) => h.ledger(requestId);

  beforeAll(async () => {
    h = await startGatewayHarness(org, {
      ALLOT_UPSTREAM_FIRST_BYTE_TIMEOUT_MS: '1500',
      ALLOT_UPSTREAM_IDLE_TIMEOUT_MS: '1500',
      ALLOT_BODY_LIMIT_MB: '2',
    });
    ({ fake, server, pg } = h);
    memberKey = h.keys['alice/sdk']!;
    client = h.client(memberKey);
  });
  afterAll(() => h?.stop());

  it('should answer a chat completion and bill it exactly', async () => {
    const { data, response } = await client.chat.completions
      .create({
        model: 'openai/gpt-5.4-mini',
        messages: [{ role: 'user', content: 'Say hello' }],
        temperature: 0.3,
        user: 'u-1',
        top_logprobs: undefined,
      })
      .withResponse();
    expect(data.choices[0]!.message.content).toBe('Hello from the fake upstream!');
    const sent = fake.received.at(-1)!;
    expect(sent.path).toBe('/v1/chat/completions');
    expect(sent.headers.authorization).toBe(`Bearer ${PROVIDER_KEY}`);
    expect(sent.body).toMatchObject({ model: 'gpt-5.4-mini', temperature: 0.3, user: 'u-1' });
    const record = await ledger(response.headers.get('x-request-id'));
    expect(record).toMatchObject({ outcome: 'success', status_code: 200, endpoint: 'chat.completions', stream: false });
    const usage = data.usage!;
    expect(Number(record.input_tokens)).toBe(usage.prompt_tokens);
    expect(Number(record.output_tokens)).toBe(usage.completion_tokens);
    // $0.25 / $2 per 1M tokens, exactly.
    const expected = (usage.prompt_tokens * 250_000 + usage.completion_tokens * 2_000_000) / 1_000_000;
    expect(Number(record.cost_micros)).toBeCloseTo(expected, 6);
  });

  it('should stream, strip the usage chunk it forced, and bill the stream exactly like the JSON call', async () => {
    const jsonCall = await client.chat.completions
      .create({ model: 'openai/gpt-5.4-mini', messages: [{ role: 'user', content: 'same exchange' }] })
      .withResponse();
    const stream = await client.chat.completions
      .create({ model: 'openai/gpt-5.4-mini', messages: [{ role: 'user', content: 'same exchange' }], stream: true })
      .withResponse();
    let text = '';
    let sawUsage = false;
    for await (const chunk of stream.data) {
      text += chunk.choices[0]?.delta?.content ?? '';
      if (chunk.usage || chunk.choices.length === 0) sawUsage = true;
    }
    expect(text).toBe('Hello from the fake upstream!');
    expect(sawUsage).toBe(false);
    expect((fake.received.at(-1)!.body.stream_options as { include_usage: boolean }).include_usage).toBe(true);
    const a = await ledger(jsonCall.response.headers.get('x-request-id'));
    const b = await ledger(stream.response.headers.get('x-request-id'));
    for (const field of [
      'input_tokens',
      'cached_input_tokens',
      'output_tokens',
      'reasoning_tokens',
      'total_tokens',
      'cost_micros',
      'price_version_id',
    ]) {
      expect([field, b[field]]).toEqual([field, a[field]]);
    }
    expect(b.stream).toBe(true);
  });

  it('should pass the usage chunk through to a client that asked for it', async () => {
    fake.script({ cachedTokens: 4, reasoningTokens: 3 });
    const { data: stream, response } = await client.chat.completions
      .create({
        model: 'openai/gpt-5.4-mini',
        messages: [{ role: 'user', content: 'with usage' }],
        stream: true,
        stream_options: { include_usage: true },
      })
      .withResponse();
    let usage: OpenAI.CompletionUsage | undefined;
    for await (const chunk of stream) if (chunk.usage) usage = chunk.usage;
    expect(usage?.prompt_tokens_details?.cached_tokens).toBe(4);
    const record = await ledger(response.headers.get('x-request-id'));
    expect(record).toMatchObject({ cached_input_tokens: '4', reasoning_tokens: '3' });
  });

  it('should stream tool-call arguments', async () => {
    fake.script({ toolCall: { name: 'get_weather', arguments: '{"city":"Taipei","unit":"celsius"}' } });
    const stream = client.chat.completions.stream({
      model: 'gpt-5.4-mini',
      messages: [{ role: 'user', content: 'weather?' }],
      tools: [
        { type: 'function', function: { name: 'get_weather', parameters: { type: 'object', properties: { city: { type: 'string' } } } } },
      ],
    });
    const final = await stream.finalChatCompletion();
    const call = final.choices[0]!.message.tool_calls![0]!;
    expect(call.type === 'function' && call.function).toEqual({ name: 'get_weather', arguments: '{"city":"Taipei","unit":"celsius"}' });
    expect(fake.received.at(-1)!.body.tools).toHaveLength(1);
  });

  it('should create embeddings and list the key’s models', async () => {
    const embedding = await client.embeddings.create({
      model: 'openai/text-embedding-3-small',
      input: ['a', 'bb'],
      dimensions: 3,
      encoding_format: 'float',
    });
    expect(embedding.data).toHaveLength(2);
    expect(fake.received.at(-1)!.body).toMatchObject({ dimensions: 3, model: 'text-embedding-3-small' });
    const models = await client.models.list();
    expect(models.data.map((m) => m.id)).toEqual(['azure/gpt-5.4', 'openai/gpt-5.4-mini', 'openai/text-embedding-3-small']);
    expect((await client.models.retrieve('gpt-5.4-mini')).id).toBe('openai/gpt-5.4-mini');
  });

  it('should call Azure deployments with the api-key header and api-version', async () => {
    const result = await client.chat.completions.create({ model: 'azure/gpt-5.4', messages: [{ role: 'user', content: 'hi' }] });
    expect(result.choices[0]!.message.content).toBe('Hello from the fake upstream!');
    const sent = fake.received.at(-1)!;
    expect(sent.path).toBe('/openai/deployments/contoso-gpt54/chat/completions?api-version=2024-10-21');
    expect(sent.headers['api-key']).toBe(AZURE_KEY);
    expect(sent.headers.authorization).toBeUndefined();
  });

  it('should call Azure’s /openai/v1 surface with the deployment as the model', async () => {
    const v1 = h.client(h.keys['alice/v1']!);
    const result = await v1.chat.completions.create({ model: 'gpt-5.4', messages: [{ role: 'user', content: 'hi' }] });
    expect(result.choices[0]!.message.content).toBe('Hello from the fake upstream!');
    const sent = fake.received.at(-1)!;
    expect(sent.path).toBe('/openai/v1/chat/completions');
    expect(sent.body.model).toBe('contoso-gpt54-v1');
    expect(sent.headers['api-key']).toBe(AZURE_KEY);
  });

  it('should refuse a model outside the key’s scope, listing the models it may call', async () => {
    const error = await client.chat.completions.create({ model: 'openai/gpt-unpriced', messages: [] }).catch((e: unknown) => e);
    expect(error).toBeInstanceOf(OpenAI.NotFoundError);
    expect((error as InstanceType<typeof OpenAI.NotFoundError>).code).toBe('model_not_in_scope');
    expect((error as Error).message).toContain(
      'Models this key can call: openai/gpt-5.4-mini, openai/text-embedding-3-small, azure/gpt-5.4',
    );
    expect(await ledger((error as InstanceType<typeof OpenAI.NotFoundError>).requestID)).toMatchObject({
      outcome: 'rejected_scope',
      status_code: 404,
      requested_model: 'openai/gpt-unpriced',
    });
  });

  it('should refuse a bad key and a paused allocation with their own codes', async () => {
    const bad = new OpenAI({ apiKey: 'allot_k1_not-a-real-key', baseURL: `${server.url}/v1`, maxRetries: 0 });
    const unauthorized = await bad.models.list().catch((e: unknown) => e);
    expect(unauthorized).toBeInstanceOf(OpenAI.AuthenticationError);
    await pg.query(`UPDATE allocations a SET status = 'paused' FROM models m WHERE m.id = a.model_id AND m.slug = 'azure/gpt-5.4'`);
    server.app.get(KeyResolver).invalidateAll();
    const paused = await client.chat.completions.create({ model: 'azure/gpt-5.4', messages: [] }).catch((e: unknown) => e);
    expect(paused).toBeInstanceOf(OpenAI.PermissionDeniedError);
    expect((paused as InstanceType<typeof OpenAI.PermissionDeniedError>).code).toBe('allocation_paused');
    await pg.query(`UPDATE allocations SET status = 'active'`);
    server.app.get(KeyResolver).invalidateAll();
  });

  it('should keep an upstream 429 with its Retry-After and redact the provider key from upstream messages', async () => {
    fake.script({
      status: 429,
      retryAfter: '7',
      errorBody: { error: { message: `Rate limit for key ${PROVIDER_KEY}`, type: 'requests', param: null, code: 'rate_limit_exceeded' } },
    });
    const error = (await client.chat.completions.create({ model: 'gpt-5.4-mini', messages: [] }).catch((e: unknown) => e)) as InstanceType<
      typeof OpenAI.RateLimitError
    >;
    expect(error).toBeInstanceOf(OpenAI.RateLimitError);
    expect(error.headers.get('retry-after')).toBe('7');
    expect(error.message).not.toContain(PROVIDER_KEY);
    expect(error.message).toContain('[redacted]');
    // Refused by the provider: nothing to bill (a client that retries must not pay for every refusal).
    expect(await ledger(error.requestID)).toMatchObject({ outcome: 'upstream_error', status_code: 429, input_tokens: '0' });
  });

  it('should end a stream cut mid-way with an error event, never a clean end', async () => {
    fake.script({ cutAfterEvents: 3 });
    const { data: stream, response } = await client.chat.completions
      .create({ model: 'gpt-5.4-mini', messages: [{ role: 'user', content: 'cut' }], stream: true })
      .withResponse();
    const error = await (async () => {
      for await (const chunk of stream) void chunk;
    })().catch((e: unknown) => e);
    expect(error).toBeInstanceOf(Error);
    expect(String((error as Error).message)).toMatch(/ended the stream before it was complete/);
    expect(await ledger(response.headers.get('x-request-id'))).toMatchObject({ outcome: 'upstream_error', stream: true });
  });

  it('should answer malformed JSON and a missing model in the OpenAI error shape', async () => {
    const raw = await fetch(`${server.url}/v1/chat/completions`, {
      method: 'POST',
      headers: { authorization: `Bearer ${memberKey}`, 'content-type': 'application/json' },
      body: '{"model":',
    });
    expect(raw.status).toBe(400);
    expect(await raw.json()).toEqual({
      error: { message: 'The request body is not valid JSON.', type: 'invalid_request_error', param: null, code: 'invalid_request' },
    });
    const noModel = await client.chat.completions.create({ messages: [] } as never).catch((e: unknown) => e);
    expect(noModel).toBeInstanceOf(OpenAI.BadRequestError);
    expect((noModel as InstanceType<typeof OpenAI.BadRequestError>).param).toBe('model');
  });

  it('should answer 504 when the provider never answers, and record a timeout', async () => {
    fake.script({ hang: true });
    const started = Date.now();
    const error = (await client.chat.completions.create({ model: 'azure/gpt-5.4', messages: [] }).catch((e: unknown) => e)) as InstanceType<
      typeof OpenAI.APIError
    >;
    expect(error.status).toBe(504);
    expect(error.code).toBe('upstream_timeout');
    expect(Date.now() - started).toBeLessThan(5000);
    expect(await ledger(error.requestID)).toMatchObject({ outcome: 'upstream_timeout', status_code: 504 });
  });

  it('should end a stream that goes silent with a timeout error event', async () => {
    fake.script({ content: 'abcdefghij', chunkDelayMs: 2500 });
    const { data: stream, response } = await client.chat.completions
      .create({ model: 'azure/gpt-5.4', messages: [{ role: 'user', content: 'slow' }], stream: true })
      .withResponse();
    const error = await (async () => {
      for await (const chunk of stream) void chunk;
    })().catch((e: unknown) => e);
    expect(String((error as Error).message)).toMatch(/did not answer in time/);
    expect(await ledger(response.headers.get('x-request-id'))).toMatchObject({ outcome: 'upstream_timeout', stream: true });
  });

  it('should not pass the provider’s own headers (such as openai-model) through', async () => {
    const { response } = await client.chat.completions.create({ model: 'azure/gpt-5.4', messages: [] }).withResponse();
    expect(response.headers.get('openai-model')).toBeNull();
    expect(response.headers.get('x-request-id')).toMatch(/^[0-9a-f-]{36}$/);
  });

  it('should refuse bad input in the OpenAI shape without calling the provider', async () => {
    const before = fake.received.length;
    const post = (body: string, headers: Record<string, string> = {}) =>
      fetch(`${server.url}/v1/chat/completions`, {
        method: 'POST',
        headers: { authorization: `Bearer ${memberKey}`, 'content-type': 'application/json', ...headers },
        body,
      });
    const oversize = await post(
      JSON.stringify({ model: 'gpt-5.4-mini', messages: [{ role: 'user', content: 'x'.repeat(3 * 1024 * 1024) }] }),
    );
    expect(oversize.status).toBe(413);
    expect(((await oversize.json()) as { error: { code: string } }).error.code).toBe('request_too_large');
    const wrongType = await post(JSON.stringify({ model: 42, messages: [] }));
    expect(wrongType.status).toBe(400);
    expect(await wrongType.json()).toMatchObject({ error: { param: 'model', code: 'invalid_request' } });
    const notObject = await post('[1,2,3]');
    expect(notObject.status).toBe(400);
    const injected = await post(JSON.stringify({ model: 'gpt\r\nx-injected: yes', messages: [] }));
    expect(injected.status).toBe(404);
    expect(injected.headers.get('x-injected')).toBeNull();
    const noBearer = await post(JSON.stringify({ model: 'gpt-5.4-mini', messages: [] }), { authorization: 'Basic Zm9vOmJhcg==' });
    expect(noBearer.status).toBe(401);
    expect(fake.received.length).toBe(before);
  });

  /** Opens a slow stream, waits for its first content, runs `act`, and reports how the stream ended. */
  const interruptStream = async (act: () => Promise<unknown>) => {
    fake.script({ content: 'x'.repeat(500), chunkDelayMs: 50 });
    const { data: stream, response } = await client.chat.completions
      .create({ model: 'openai/gpt-5.4-mini', messages: [{ role: 'user', content: 'long' }], stream: true })
      .withResponse();
    const iterator = stream[Symbol.asyncIterator]();
    await iterator.next();
    await iterator.next();
    const actedAt = Date.now();
    await act();
    let received = 0;
    const error = await (async () => {
      for (let next = await iterator.next(); !next.done; next = await iterator.next()) received++;
    })().catch((e: unknown) => e);
    return {
      error: error as Error | undefined,
      endedAfterMs: Date.now() - actedAt,
      received,
      requestId: response.headers.get('x-request-id'),
    };
  };

  it('should end an open stream within 1 s when its allocation is paused, and refuse the next call', async () => {
    const admin = server.app.get(AllocationAdminService);
    const ended = await interruptStream(() => admin.change({ member: 'alice', model: 'openai/gpt-5.4-mini' }, 'pause', 'test'));
    expect(ended.error?.message).toMatch(/allocation of openai\/gpt-5.4-mini is paused/);
    expect(ended.endedAfterMs).toBeLessThan(1000);
    expect(ended.received).toBeLessThan(20);
    const next = await client.chat.completions.create({ model: 'openai/gpt-5.4-mini', messages: [] }).catch((e: unknown) => e);
    expect((next as InstanceType<typeof OpenAI.PermissionDeniedError>).code).toBe('allocation_paused');
    const record = await ledger(ended.requestId);
    expect(record).toMatchObject({ outcome: 'rejected_status', error_code: 'allocation_paused', stream: true });
    await admin.change({ member: 'alice', model: 'openai/gpt-5.4-mini' }, 'resume', 'test');
    await client.chat.completions.create({ model: 'openai/gpt-5.4-mini', messages: [] });
  });

  it('should drop a parameter the model refuses, retry once, bill once, and remember it for the next call', async () => {
    fake.clearScripts();
    const refusal = {
      error: {
        message: "Unsupported value: 'temperature' does not support 0.2 with this model. Only the default (1) value is supported.",
        type: 'invalid_request_error',
        param: 'temperature',
        code: 'unsupported_value',
      },
    };
    fake.script({ status: 400, errorBody: refusal });
    const before = fake.received.length;
    const { data, response } = await client.chat.completions
      .create({ model: 'azure/gpt-5.4', messages: [{ role: 'user', content: 'refused knob' }], temperature: 0.2, max_tokens: 50 })
      .withResponse();
    expect(data.choices[0]!.message.content).toBe('Hello from the fake upstream!');
    // gpt-5.4 is a reasoning family: max_tokens is renamed before sending (known rule); temperature after the 400.
    expect(response.headers.get('x-allot-adjusted-params')).toBe('max_tokens, temperature');
    const sent = fake.received.slice(before);
    expect(sent).toHaveLength(2);
    expect(sent[0]!.body).toMatchObject({ temperature: 0.2, max_completion_tokens: 50 });
    expect(sent[0]!.body).not.toHaveProperty('max_tokens');
    expect(sent[1]!.body).not.toHaveProperty('temperature');
    expect(sent[1]!.body).toMatchObject({ max_completion_tokens: 50 });
    const record = await ledger(response.headers.get('x-request-id'));
    expect(record).toMatchObject({ outcome: 'success', status_code: 200 });
    expect(Number(record.output_tokens)).toBe(data.usage!.completion_tokens);
    const records = await pg.query(`SELECT count(*)::int AS n FROM call_records WHERE request_id = $1`, [record.request_id]);
    expect(records.rows[0].n).toBe(1);

    // Learned: the next call (a stream) goes out without it, in one request.
    const again = await client.chat.completions
      .create({ model: 'azure/gpt-5.4', messages: [{ role: 'user', content: 'again' }], temperature: 0.7, stream: true })
      .withResponse();
    let text = '';
    for await (const chunk of again.data) text += chunk.choices[0]?.delta?.content ?? '';
    expect(text).toBe('Hello from the fake upstream!');
    expect(again.response.headers.get('x-allot-adjusted-params')).toBe('temperature');
    expect(fake.received.length).toBe(before + 3);
    expect(fake.received.at(-1)!.body).not.toHaveProperty('temperature');
  });

  it('should pass a refusal of a parameter that changes meaning through, after one request', async () => {
    fake.clearScripts();
    fake.script({
      status: 400,
      errorBody: {
        error: { message: "Unsupported value: 'n' must be 1.", type: 'invalid_request_error', param: 'n', code: 'unsupported_value' },
      },
    });
    const before = fake.received.length;
    const failure = await client.chat.completions
      .create({ model: 'openai/gpt-5.4-mini', messages: [{ role: 'user', content: 'two answers' }], n: 2 })
      .catch((e: unknown) => e);
    expect(failure).toBeInstanceOf(OpenAI.BadRequestError);
    const error = failure as InstanceType<typeof OpenAI.BadRequestError>;
    expect(error.status).toBe(400);
    expect(error.param).toBe('n');
    expect(error.code).toBe('unsupported_value');
    expect(fake.received.length).toBe(before + 1);
    expect(fake.received.at(-1)!.body).toMatchObject({ n: 2 });
    const record = await ledger(error.headers?.get('x-request-id'));
    expect(record).toMatchObject({ outcome: 'client_error', status_code: 400, error_code: 'unsupported_value' });
  });

  it('should abort the upstream request when the client goes away mid-stream, and record it once', async () => {
    const abortedBefore = fake.aborted;
    fake.script({ content: 'y'.repeat(500), chunkDelayMs: 50 });
    const controller = new AbortController();
    const { data: stream, response } = await client.chat.completions
      .create({ model: 'openai/gpt-5.4-mini', messages: [{ role: 'user', content: 'bye' }], stream: true }, { signal: controller.signal })
      .withResponse();
    const iterator = stream[Symbol.asyncIterator]();
    await iterator.next();
    controller.abort();
    await iterator.next().catch(() => undefined);
    for (let i = 0; i < 40 && fake.aborted === abortedBefore; i++) await new Promise((r) => setTimeout(r, 25));
    expect(fake.aborted).toBe(abortedBefore + 1);
    const record = await ledger(response.headers.get('x-request-id'));
    expect(record).toMatchObject({ outcome: 'client_disconnected', stream: true });
    const rows = await pg.query(`SELECT count(*)::int AS n FROM call_records WHERE request_id = $1`, [
      response.headers.get('x-request-id'),
    ]);
    expect(rows.rows[0].n).toBe(1);
  });

  it('should end an open stream when its key is revoked, and refuse the key afterwards', async () => {
    const admin = server.app.get(AllocationAdminService);
    const ended = await interruptStream(() => admin.revokeKey('alice', 'sdk', 'test'));
    expect(ended.error?.message).toMatch(/API key has been revoked/);
    expect(ended.endedAfterMs).toBeLessThan(1000);
    const next = await client.models.list().catch((e: unknown) => e);
    expect((next as InstanceType<typeof OpenAI.AuthenticationError>).code).toBe('key_revoked');
  });
});
