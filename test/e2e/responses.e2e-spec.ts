import type OpenAI from 'openai';
import type { ResponseInputItem } from 'openai/resources/responses/responses';
import { StoredResponses } from '../../libs/proxy/src/responses/stored-responses.service';
import { FAKE_AZURE_KEY, startGatewayHarness, type GatewayHarness } from '../support/gateway-harness';
import { azureProvider, azureV1Provider, openaiProvider } from '../support/org-yaml';

const org = (fakeUrl: string) => `
version: 1
providers:
${openaiProvider(fakeUrl)}
${azureProvider(fakeUrl)}
${azureV1Provider(fakeUrl)}
models:
  - slug: openai/gpt-5.4
    prices: [{ effectiveFrom: 2026-01-01, inputPer1M: "1.25", cachedInputPer1M: "0.125", outputPer1M: "10" }]
  - slug: azure/gpt-5.4
  - slug: azure-v1/gpt-5.4
  - slug: openai/gpt-legacy
    responses: unavailable
members:
  - identifier: dev
  - identifier: other
  - identifier: tight
allocations:
  - { member: tight, model: openai/gpt-5.4, quota: { tokensPerMonth: 5 } }
  - { member: dev, model: openai/gpt-5.4 }
  - { member: dev, model: openai/gpt-legacy }
  - { member: other, model: openai/gpt-5.4 }
  - { member: dev, model: azure/gpt-5.4 }
  - { member: dev, model: azure-v1/gpt-5.4 }
keys:
  - { member: dev, name: codex, allocations: [openai/gpt-5.4, azure/gpt-5.4, azure-v1/gpt-5.4, openai/gpt-legacy] }
  - { member: other, name: k, allocations: [openai/gpt-5.4] }
  - { member: tight, name: k, allocations: [openai/gpt-5.4] }
`;

/** SSE events of a raw `/v1/responses` stream, in order, with their `event:` names. */
async function readEvents(res: Response): Promise<{ event: string | undefined; data: Record<string, unknown> }[]> {
  const text = await res.text();
  return text
    .split('\n\n')
    .filter((block) => block.includes('data:'))
    .map((block) => ({
      event: /^event: (.+)$/m.exec(block)?.[1],
      data: JSON.parse(/^data: (.+)$/m.exec(block)![1]!) as Record<string, unknown>,
    }));
}

describe('Responses API through the gateway (official openai SDK)', () => {
  let h: GatewayHarness;
  let client: OpenAI;
  let key: string;
  const raw = (body: Record<string, unknown>, headers: Record<string, string> = {}, signal?: AbortSignal, path = '/v1/responses') =>
    fetch(`${h.server.url}${path}`, {
      method: 'POST',
      headers: { authorization: `Bearer ${key}`, 'content-type': 'application/json', accept: 'text/event-stream', ...headers },
      body: JSON.stringify(body),
      signal,
    });

  beforeAll(async () => {
    h = await startGatewayHarness(org, { ALLOT_UPSTREAM_IDLE_TIMEOUT_MS: '1500' });
    key = h.keys['dev/codex']!;
    client = h.client(key);
  });
  afterEach(() => h.fake.clearScripts());
  afterAll(() => h?.stop());

  it('should answer responses.create and bill it exactly', async () => {
    h.fake.script({ cachedTokens: 8 });
    const { data, response } = await client.responses
      .create({ model: 'openai/gpt-5.4', input: 'Say hello', instructions: 'Be brief.' })
      .withResponse();
    expect(data.output_text).toBe('Hello from the fake Responses API!');
    const sent = h.fake.received.at(-1)!;
    expect(sent.path).toBe('/v1/responses');
    expect(sent.body).toMatchObject({ model: 'gpt-5.4', input: 'Say hello', instructions: 'Be brief.' });
    const record = await h.ledger(response.headers.get('x-request-id'));
    const usage = data.usage!;
    expect(record).toMatchObject({ outcome: 'success', endpoint: 'responses', stream: false, status_code: 200 });
    expect(Number(record.input_tokens)).toBe(usage.input_tokens);
    expect(Number(record.cached_input_tokens)).toBe(8);
    expect(Number(record.output_tokens)).toBe(usage.output_tokens);
    // $1.25 per 1M uncached input, $0.125 cached, $10 output.
    const micros = ((usage.input_tokens - 8) * 1.25 + 8 * 0.125 + usage.output_tokens * 10) / 1;
    expect(Number(record.cost_micros)).toBeCloseTo(micros, 6);
  });

  it('should stream with event lines and record the same usage and cost as the JSON call', async () => {
    const body = { model: 'openai/gpt-5.4', input: 'same exchange', reasoning: { effort: 'low' as const } };
    h.fake.script({ reasoning: { summary: 'thinking it over', encryptedContent: 'gAAAAB-opaque' } });
    const json = await client.responses.create(body).withResponse();
    h.fake.script({ reasoning: { summary: 'thinking it over', encryptedContent: 'gAAAAB-opaque' } });
    const stream = client.responses.stream(body);
    const types: string[] = [];
    for await (const event of stream) types.push(event.type);
    const final = await stream.finalResponse();
    expect(final.output_text).toBe('Hello from the fake Responses API!');
    expect(types[0]).toBe('response.created');
    expect(types.at(-1)).toBe('response.completed');
    expect(types).toContain('response.reasoning_summary_text.delta');
    expect(types).toContain('response.output_text.delta');
    const a = await h.ledger(json.response.headers.get('x-request-id'));
    const b = await h.ledger(
      (await h.pg.query(`SELECT request_id FROM call_records WHERE endpoint = 'responses' AND stream ORDER BY started_at DESC LIMIT 1`))
        .rows[0].request_id,
    );
    for (const field of ['input_tokens', 'cached_input_tokens', 'output_tokens', 'reasoning_tokens', 'total_tokens', 'cost_micros']) {
      expect([field, b[field]]).toEqual([field, a[field]]);
    }
    expect(Number(b.reasoning_tokens)).toBe(12);
  });

  it('should carry a function-call round trip with reasoning replayed byte-identical, and unknown types untouched', async () => {
    const encrypted = 'gAAAAABo+/=opaque' + 'x'.repeat(2000);
    h.fake.script({
      reasoning: { summary: 'I should run a command', encryptedContent: encrypted },
      toolCall: { name: 'exec_command', arguments: '{"cmd":"echo hello"}' },
    });
    const history: ResponseInputItem[] = [
      { type: 'message', role: 'developer', content: [{ type: 'input_text', text: 'You are a coding agent.' }] },
      { type: 'message', role: 'user', content: [{ type: 'input_text', text: 'create hello.txt' }] },
    ];
    const tools = [
      { type: 'function', name: 'exec_command', parameters: { type: 'object', properties: { cmd: { type: 'string' } } }, strict: false },
      { type: 'namespace', name: 'multi_agent_v1', description: 'agents', tools: [] },
      { type: 'web_search', external_web_access: false },
      { type: 'custom', name: 'apply_patch', format: { type: 'grammar', syntax: 'lark', definition: 'start: "x"' } },
    ];
    const common = {
      model: 'openai/gpt-5.4',
      tools,
      tool_choice: 'auto',
      parallel_tool_calls: true,
      store: false,
      include: ['reasoning.encrypted_content'],
      prompt_cache_key: 'thread-1',
      client_metadata: { session_id: 'thread-1' },
      stream: true,
    };
    const turn1 = await raw({ ...common, input: history }, { 'session-id': 'thread-1', 'x-codex-turn-metadata': '{"turn_id":"t1"}' });
    expect(turn1.status).toBe(200);
    expect(turn1.headers.get('x-codex-turn-state')).toBe('fake-turn-state-1');
    expect(turn1.headers.get('openai-model')).toBeNull();
    const events1 = await readEvents(turn1);
    expect(events1.every((e) => e.event === e.data.type)).toBe(true);
    const items = events1.filter((e) => e.data.type === 'response.output_item.done').map((e) => e.data.item as Record<string, unknown>);
    expect(items.map((i) => i.type)).toEqual(['reasoning', 'function_call']);
    expect(items[0]!.encrypted_content).toBe(encrypted);
    const sent1 = h.fake.received.at(-1)!;
    expect(sent1.headers['session-id']).toBe('thread-1');
    expect(sent1.headers['x-codex-turn-metadata']).toBe('{"turn_id":"t1"}');
    expect(sent1.headers.authorization).not.toContain(key);
    expect(sent1.body.tools).toEqual(tools);
    expect(sent1.body).toMatchObject({ client_metadata: { session_id: 'thread-1' }, prompt_cache_key: 'thread-1', store: false });

    const unusual = { type: 'custom_tool_call_output', id: 'ctco_1', call_id: 'call_x', output: 'ok', phase: 'later' };
    const turn2Input = [
      ...history,
      ...items,
      unusual,
      { type: 'function_call_output', id: 'fco_1', call_id: items[1]!.call_id, output: 'Process exited with code 0' },
    ];
    h.fake.script({ content: 'done' });
    const turn2 = await raw({ ...common, input: turn2Input }, { 'session-id': 'thread-1', 'x-codex-turn-state': 'fake-turn-state-1' });
    const events2 = await readEvents(turn2);
    expect(events2.at(-1)!.data.type).toBe('response.completed');
    const sent2 = h.fake.received.at(-1)!;
    expect(sent2.headers['x-codex-turn-state']).toBe('fake-turn-state-1');
    // Every input item reaches the provider exactly as the client sent it.
    expect(sent2.raw).toContain(JSON.stringify(turn2Input));
    expect(sent2.raw).toContain(JSON.stringify(items[0]));
  });

  it('should run a function-call round trip with the SDK: stream → function_call_output → final message, 41 KB first turn', async () => {
    const encrypted = 'gAAAAABp' + 'Zm9v'.repeat(600);
    h.fake.script(
      { reasoning: { summary: 'Run it', encryptedContent: encrypted }, toolCall: { name: 'exec_command', arguments: '{"cmd":"ls"}' } },
      { content: 'There are 3 files.' },
    );
    const systemPrompt = 'You are a coding agent. '.repeat(1700); // ≈ 41 KB, like Codex's first request
    const input: ResponseInputItem[] = [
      { type: 'message', role: 'developer', content: [{ type: 'input_text', text: systemPrompt }] },
      { type: 'message', role: 'user', content: [{ type: 'input_text', text: 'How many files are here?' }] },
    ];
    const tools = [{ type: 'function' as const, name: 'exec_command', parameters: { type: 'object', properties: {} }, strict: false }];
    const stream = client.responses.stream({
      model: 'openai/gpt-5.4',
      input,
      tools,
      store: false,
      include: ['reasoning.encrypted_content'],
    });
    const first = await stream.finalResponse();
    expect(h.fake.received.at(-1)!.raw.length).toBeGreaterThan(41_000);
    const [reasoning, call] = first.output;
    expect(reasoning).toMatchObject({ type: 'reasoning', encrypted_content: encrypted });
    expect(call).toMatchObject({ type: 'function_call', name: 'exec_command', arguments: '{"cmd":"ls"}' });
    const callId = (call as { call_id: string }).call_id;

    const second = await client.responses.create({
      model: 'openai/gpt-5.4',
      input: [...input, ...(first.output as ResponseInputItem[]), { type: 'function_call_output', call_id: callId, output: 'a b c' }],
      tools,
      store: false,
      include: ['reasoning.encrypted_content'],
    });
    expect(second.output_text).toBe('There are 3 files.');
    const replayed = h.fake.received.at(-1)!;
    // The reasoning item arrives exactly as the provider produced it, and the output carries the call's id.
    expect(replayed.raw).toContain(JSON.stringify(reasoning));
    expect((replayed.body.input as Record<string, unknown>[]).at(-1)).toEqual({
      type: 'function_call_output',
      call_id: callId,
      output: 'a b c',
    });
  });

  it('should keep multi-byte characters and events split across TCP writes intact', async () => {
    const text = 'héllo wörld — 日本語 ✓ 🚀 done';
    h.fake.script({ content: text, splitEvents: true });
    const stream = client.responses.stream({ model: 'openai/gpt-5.4', input: 'unicode please' });
    let deltas = '';
    for await (const event of stream) if (event.type === 'response.output_text.delta') deltas += event.delta;
    expect(deltas).toBe(text);
    expect((await stream.finalResponse()).output_text).toBe(text);
  });

  it('should accept a 20 MB request body', async () => {
    const big = 'a'.repeat(20 * 1024 * 1024);
    const response = await client.responses.create({ model: 'openai/gpt-5.4', input: [{ role: 'user', content: big }] });
    expect(response.status).toBe('completed');
    expect(h.fake.received.at(-1)!.raw.length).toBeGreaterThan(20 * 1024 * 1024);
  });

  it('should call Azure: /openai/responses with an api-version, and the /openai/v1 surface', async () => {
    await client.responses.create({ model: 'azure/gpt-5.4', input: 'hi' });
    const classic = h.fake.received.at(-1)!;
    expect(classic.path).toBe('/openai/responses?api-version=2025-04-01-preview');
    expect(classic.headers['api-key']).toBe(FAKE_AZURE_KEY);
    expect(classic.body.model).toBe('contoso-gpt54');
    await client.responses.create({ model: 'azure-v1/gpt-5.4', input: 'hi' });
    const v1 = h.fake.received.at(-1)!;
    expect(v1.path).toBe('/openai/v1/responses');
    expect(v1.body.model).toBe('contoso-gpt54-v1');
  });

  it('should end a stream cut mid-way with response.failed (server_error) and bill at least the input', async () => {
    h.fake.script({ cutAfterEvents: 4 });
    const res = await raw({ model: 'openai/gpt-5.4', input: 'cut me', stream: true });
    const events = await readEvents(res);
    const last = events.at(-1)!;
    expect(last.event).toBe('response.failed');
    expect(last.data.sequence_number).toBe(4);
    const failed = last.data.response as { id: string; status: string; error: { code: string; message: string } };
    expect(failed).toMatchObject({
      id: (events[0]!.data.response as { id: string }).id,
      status: 'failed',
      error: { code: 'server_error' },
    });
    expect(failed.id).toMatch(/^resp_fake_\d{4}$/);
    const record = await h.ledger(res.headers.get('x-request-id'));
    expect(record).toMatchObject({ outcome: 'upstream_error', error_code: 'upstream_unreachable' });
    expect(Number(record.input_tokens)).toBeGreaterThan(0);
  });

  it('should relay an upstream response.failed and record it as failed', async () => {
    h.fake.script({ failWith: { code: 'context_length_exceeded', message: 'Your input exceeds the context window of this model.' } });
    const res = await raw({ model: 'openai/gpt-5.4', input: 'too long', stream: true });
    const events = await readEvents(res);
    expect(events.at(-1)!.data).toMatchObject({ type: 'response.failed', response: { error: { code: 'context_length_exceeded' } } });
    expect(events.filter((e) => e.data.type === 'response.failed')).toHaveLength(1);
    const record = await h.ledger(res.headers.get('x-request-id'));
    expect(record).toMatchObject({ outcome: 'upstream_error', error_code: 'context_length_exceeded' });
  });

  it('should bill the full usage once when the client hangs up right after response.completed', async () => {
    h.fake.script({ chunkDelayMs: 150 });
    const abort = new AbortController();
    const res = await raw({ model: 'openai/gpt-5.4', input: 'hang up after completed', stream: true }, {}, abort.signal);
    const requestId = res.headers.get('x-request-id');
    const reader = res.body!.getReader();
    let text = '';
    while (!text.includes('response.completed')) {
      const { value, done } = await reader.read();
      if (done) break;
      text += new TextDecoder().decode(value);
    }
    abort.abort(); // the upstream is still holding the connection open for another 150 ms
    const usage = JSON.parse(/data: (\{"type":"response\.completed".*)/.exec(text)![1]!).response.usage as {
      input_tokens: number;
      output_tokens: number;
    };
    const record = await h.ledger(requestId);
    expect(record).toMatchObject({ outcome: 'success' });
    expect(Number(record.input_tokens)).toBe(usage.input_tokens);
    expect(Number(record.output_tokens)).toBe(usage.output_tokens);
    const count = await h.pg.query(`SELECT count(*)::int AS n FROM call_records WHERE request_id = $1`, [requestId]);
    expect(count.rows[0].n).toBe(1);
  });

  it('should abort the upstream and record partial usage once when the client leaves mid-stream', async () => {
    h.fake.script({ chunkDelayMs: 100 });
    const abortedBefore = h.fake.aborted;
    const abort = new AbortController();
    const res = await raw({ model: 'openai/gpt-5.4', input: 'leave early', stream: true }, {}, abort.signal);
    const requestId = res.headers.get('x-request-id');
    const reader = res.body!.getReader();
    await reader.read();
    abort.abort();
    const record = await h.ledger(requestId);
    expect(record).toMatchObject({ outcome: 'client_disconnected' });
    expect(Number(record.input_tokens)).toBeGreaterThan(0);
    for (let i = 0; i < 40 && h.fake.aborted === abortedBefore; i++) await new Promise((r) => setTimeout(r, 25));
    expect(h.fake.aborted).toBe(abortedBefore + 1);
  });

  it('should give every 429 a Retry-After, from the provider’s message when its header is missing', async () => {
    const limited = {
      error: { message: 'Rate limit reached. Please try again in 2.5s.', type: 'requests', param: null, code: 'rate_limit_exceeded' },
    };
    h.fake.script({ status: 429, errorBody: limited });
    const res = await raw({ model: 'openai/gpt-5.4', input: 'busy' });
    expect(res.status).toBe(429);
    expect(res.headers.get('retry-after')).toBe('3');
    expect(await res.json()).toMatchObject({
      error: { code: 'rate_limit_exceeded', message: 'Rate limit reached. Please try again in 2.5s.' },
    });
  });

  it('should report provider failures before the first byte of a stream as response.failed, in codes Codex acts on', async () => {
    const failedEvent = async (res: Response) => {
      expect(res.status).toBe(200);
      const events = await readEvents(res);
      expect(events).toHaveLength(1);
      expect(events[0]!.event).toBe('response.failed');
      return events[0]!.data.response as { id: string; status: string; error: { code: string; message: string } };
    };
    const bare429 = { error: { message: 'Too many requests', type: 'requests', param: null, code: 'rate_limit_exceeded' } };
    h.fake.script({ status: 429, errorBody: bare429, retryAfter: '4' });
    const limited = await failedEvent(await raw({ model: 'openai/gpt-5.4', input: 'busy', stream: true }));
    expect(limited).toMatchObject({
      status: 'failed',
      error: { code: 'rate_limit_exceeded', message: 'Too many requests. Please try again in 4s.' },
    });
    expect(limited.id).toMatch(/^resp_/);

    h.fake.script({
      status: 400,
      errorBody: { error: { message: 'Input too long.', type: 'invalid_request_error', param: 'input', code: 'context_length_exceeded' } },
    });
    expect((await failedEvent(await raw({ model: 'openai/gpt-5.4', input: 'long', stream: true }))).error.code).toBe(
      'context_length_exceeded',
    );

    h.fake.script({ status: 503 });
    const res = await raw({ model: 'openai/gpt-5.4', input: 'down', stream: true });
    expect((await failedEvent(res)).error.code).toBe('server_error');
    expect(await h.ledger(res.headers.get('x-request-id'))).toMatchObject({ outcome: 'upstream_error', error_code: 'server_error' });
  });

  it('should end a stream over quota with response.failed insufficient_quota, and a JSON call with a 429', async () => {
    const tight = h.client(h.keys['tight/k']!);
    const before = h.fake.received.length;
    const res = await fetch(`${h.server.url}/v1/responses`, {
      method: 'POST',
      headers: { authorization: `Bearer ${h.keys['tight/k']!}`, 'content-type': 'application/json' },
      body: JSON.stringify({ model: 'openai/gpt-5.4', input: 'anything at all', stream: true }),
    });
    expect(res.status).toBe(200);
    const events = await readEvents(res);
    expect(events.map((e) => e.event)).toEqual(['response.failed']);
    expect(events[0]!.data.response).toMatchObject({ status: 'failed', error: { code: 'insufficient_quota' } });
    expect(await h.ledger(res.headers.get('x-request-id'))).toMatchObject({ outcome: 'rejected_quota', status_code: 200 });
    await expect(tight.responses.create({ model: 'openai/gpt-5.4', input: 'json' })).rejects.toMatchObject({
      status: 429,
      code: 'insufficient_quota',
    });
    expect(h.fake.received.length).toBe(before);
  });

  it('should continue, retrieve, list and delete a stored response for its owner only', async () => {
    const first = await client.responses.create({ model: 'openai/gpt-5.4', input: 'remember me', store: true });
    expect(await client.responses.retrieve(first.id)).toMatchObject({ id: first.id, status: 'completed' });
    const items = await client.responses.inputItems.list(first.id);
    expect(items.data[0]).toMatchObject({ type: 'message', role: 'user' });

    const next = await client.responses.create({ model: 'openai/gpt-5.4', input: 'and now?', previous_response_id: first.id });
    expect(next.status).toBe('completed');
    expect(h.fake.received.at(-1)!.body).toMatchObject({ previous_response_id: first.id, model: 'gpt-5.4' });

    // Another member: the id does not exist for them, and nothing is sent upstream.
    const other = h.client(h.keys['other/k']!);
    const before = h.fake.received.length;
    await expect(other.responses.retrieve(first.id)).rejects.toMatchObject({ status: 404, code: 'response_not_found' });
    await expect(other.responses.create({ model: 'openai/gpt-5.4', input: 'x', previous_response_id: first.id })).rejects.toMatchObject({
      status: 400,
      code: 'previous_response_not_found',
      param: 'previous_response_id',
    });
    // The owner, through another allocation: told where it lives.
    const elsewhere = await client.responses
      .create({ model: 'azure/gpt-5.4', input: 'x', previous_response_id: first.id })
      .catch((e: unknown) => e);
    expect(elsewhere).toMatchObject({ status: 400, code: 'previous_response_other_allocation' });
    expect((elsewhere as Error).message).toContain('openai/gpt-5.4');
    expect(h.fake.received.length).toBe(before);

    // store: false is not remembered; deleting forgets; an expired row is refused and swept.
    const unstored = await client.responses.create({ model: 'openai/gpt-5.4', input: 'forget me', store: false });
    await expect(client.responses.create({ model: 'openai/gpt-5.4', input: 'x', previous_response_id: unstored.id })).rejects.toMatchObject(
      {
        code: 'previous_response_not_found',
      },
    );
    expect(await client.responses.delete(next.id)).toMatchObject({ id: next.id, deleted: true });
    await expect(client.responses.retrieve(next.id)).rejects.toMatchObject({ status: 404 });
    await h.pg.query(`UPDATE stored_responses SET expires_at = now() - interval '1 second' WHERE response_id = $1`, [first.id]);
    await expect(client.responses.create({ model: 'openai/gpt-5.4', input: 'x', previous_response_id: first.id })).rejects.toMatchObject({
      code: 'previous_response_not_found',
    });
    expect(await h.server.app.get(StoredResponses).sweepExpired()).toBe(1);
    expect((await h.pg.query(`SELECT count(*)::int AS n FROM stored_responses WHERE response_id = $1`, [first.id])).rows[0].n).toBe(0);
  });

  it('should forward /v1/responses/compact and bill it, or name the limitation where the provider lacks it', async () => {
    const res = await raw(
      { model: 'openai/gpt-5.4', input: [{ role: 'user', content: 'a long session' }] },
      {},
      undefined,
      '/v1/responses/compact',
    );
    expect(res.status).toBe(200);
    const body = (await res.json()) as { output: { type: string; encrypted_content: string }[]; usage: { input_tokens: number } };
    expect(body.output).toEqual([{ type: 'compaction', id: 'cmp_fake_0001', encrypted_content: 'gAAAAB-compacted-window' }]);
    expect(h.fake.received.at(-1)!.path).toBe('/v1/responses/compact');
    const record = await h.ledger(res.headers.get('x-request-id'));
    expect(record).toMatchObject({ endpoint: 'responses.compact', outcome: 'success' });
    expect(Number(record.input_tokens)).toBe(body.usage.input_tokens);
    expect(Number(record.output_tokens)).toBe(50);

    h.fake.script({ status: 404, errorBody: { error: { message: 'Not found', type: 'invalid_request_error', param: null, code: null } } });
    const unsupported = await raw({ model: 'openai/gpt-5.4', input: 'x' }, {}, undefined, '/v1/responses/compact');
    expect(unsupported.status).toBe(400);
    expect(await unsupported.json()).toMatchObject({
      error: { code: 'compaction_unsupported', message: expect.stringContaining('"openai"') },
    });
  });

  it('should serve a model without a Responses API through its chat API: JSON, and a streamed function call', async () => {
    const { data, response } = await client.responses
      .create({ model: 'openai/gpt-legacy', instructions: 'Be brief.', input: 'hi', max_output_tokens: 50, store: false })
      .withResponse();
    expect(data.output_text).toBe('Hello from the fake upstream!');
    expect(data.status).toBe('completed');
    const sent = h.fake.received.at(-1)!;
    expect(sent.path).toBe('/v1/chat/completions');
    expect(sent.body).toMatchObject({
      model: 'gpt-legacy',
      max_tokens: 50,
      messages: [
        { role: 'system', content: 'Be brief.' },
        { role: 'user', content: 'hi' },
      ],
    });
    const record = await h.ledger(response.headers.get('x-request-id'));
    expect(record).toMatchObject({ endpoint: 'responses', outcome: 'success' });
    expect(Number(record.input_tokens)).toBe(data.usage!.input_tokens);
    expect(Number(record.output_tokens)).toBe(data.usage!.output_tokens);

    h.fake.script({ toolCall: { name: 'exec_command', arguments: '{"cmd":"ls"}' } });
    const stream = client.responses.stream({
      model: 'openai/gpt-legacy',
      input: [{ type: 'message', role: 'developer', content: [{ type: 'input_text', text: 'You are a coding agent.' }] }],
      tools: [
        { type: 'function', name: 'exec_command', parameters: { type: 'object', properties: { cmd: { type: 'string' } } }, strict: false },
      ],
      store: false,
    });
    const types: string[] = [];
    for await (const event of stream) types.push(event.type);
    const final = await stream.finalResponse();
    expect(types[0]).toBe('response.created');
    expect(types).toContain('response.function_call_arguments.delta');
    expect(types.at(-1)).toBe('response.completed');
    const call = final.output.find((item) => item.type === 'function_call') as { call_id: string; name: string; arguments: string };
    expect(call).toMatchObject({ name: 'exec_command', arguments: '{"cmd":"ls"}', call_id: 'call_fake_1' });
    expect(final.usage!.output_tokens).toBeGreaterThan(0);
    expect(h.fake.received.at(-1)!.body).toMatchObject({
      stream: true,
      messages: [{ role: 'system', content: 'You are a coding agent.' }],
    });

    // The tool's output goes back as a tool message after the assistant's call.
    await client.responses.create({
      model: 'openai/gpt-legacy',
      input: [
        { type: 'message', role: 'user', content: 'go' },
        { type: 'function_call', call_id: call.call_id, name: call.name, arguments: call.arguments },
        { type: 'function_call_output', call_id: call.call_id, output: 'a b' },
      ],
      store: false,
    });
    expect((h.fake.received.at(-1)!.body.messages as unknown[]).slice(-2)).toEqual([
      {
        role: 'assistant',
        content: null,
        tool_calls: [{ id: call.call_id, type: 'function', function: { name: 'exec_command', arguments: '{"cmd":"ls"}' } }],
      },
      { role: 'tool', tool_call_id: call.call_id, content: 'a b' },
    ]);
  });

  it('should refuse, on that path, what needs the provider’s own Responses API, before any upstream call', async () => {
    const before = h.fake.received.length;
    await expect(client.responses.create({ model: 'openai/gpt-legacy', input: 'hi', store: true })).rejects.toMatchObject({
      status: 400,
      code: 'unsupported',
    });
    const compact = await raw({ model: 'openai/gpt-legacy', input: 'x' }, {}, undefined, '/v1/responses/compact');
    expect(compact.status).toBe(400);
    expect(await compact.json()).toMatchObject({ error: { code: 'responses_unsupported', param: 'model' } });
    expect(h.fake.received.length).toBe(before);
  });

  it('should refuse a bad request in the OpenAI error shape before any upstream call', async () => {
    const before = h.fake.received.length;
    const res = await raw({ input: 'no model', stream: true });
    expect(res.status).toBe(400);
    expect(await res.json()).toMatchObject({ error: { param: 'model', type: 'invalid_request_error' } });
    expect(h.fake.received.length).toBe(before);
  });
});
