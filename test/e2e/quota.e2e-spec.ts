import OpenAI from 'openai';
import { QuotaService } from '@allot/billing';
import { outputCap, promptTokens } from '../../libs/proxy/src/preflight/estimate';
import { FAKE_PROVIDER_KEY, startGatewayHarness, type GatewayHarness } from '../support/gateway-harness';

const MESSAGES = [{ role: 'user' as const, content: 'Count to three.' }];
const MAX_TOKENS = 100;
/** What preflight reserves for each of these calls. */
const REQUEST = { messages: MESSAGES, max_tokens: MAX_TOKENS };
const ESTIMATE = { inputTokens: promptTokens(REQUEST), maxOutputTokens: outputCap(REQUEST, null, 8192) };
const RESERVATION = ESTIMATE.inputTokens + ESTIMATE.maxOutputTokens;
/**
 * A cost quota (µ$) between what the call costs with its prompt at the input price ($1 per 1M: prompt + output µ$)
 * and with its prompt written to a 1-hour cache ($2 per 1M: 2 × prompt + output µ$).
 */
const CACHE_COST_QUOTA_MICROS = ESTIMATE.inputTokens + MAX_TOKENS + Math.ceil(ESTIMATE.inputTokens / 2);

const org = (fakeUrl: string) => `
version: 1
providers:
  - name: openai
    type: openai
    baseUrl: ${fakeUrl}/v1
    credentials: [{ label: main, apiKey: { env: FAKE_OPENAI_KEY } }]
  - name: pool
    type: openai
    baseUrl: ${fakeUrl}/v1
    credentials: [{ label: one, apiKey: { env: FAKE_OPENAI_KEY } }, { label: two, apiKey: { env: FAKE_AZURE_KEY } }]
models:
  - slug: pool/gpt-5.4-mini
  - slug: openai/gpt-5.4-mini
    prices: [{ effectiveFrom: 2026-01-01, inputPer1M: "0.25", outputPer1M: "2" }]
  - slug: openai/gpt-cached
    prices: [{ effectiveFrom: 2026-01-01, inputPer1M: "1", cacheWrite1hPer1M: "2", outputPer1M: "1" }]
members:
  - identifier: carol
  - identifier: dave
  - identifier: erin
allocations:
  - member: carol
    model: openai/gpt-5.4-mini
    quota: { tokensPerMonth: ${RESERVATION * 10 + RESERVATION - 1} }
  - member: dave
    model: openai/gpt-5.4-mini
    limits: { rpm: 3, concurrency: 2 }
  - member: dave
    model: pool/gpt-5.4-mini
  - member: erin
    model: openai/gpt-cached
    quota: { costPerMonth: "${(CACHE_COST_QUOTA_MICROS / 1e6).toFixed(6)}" }
keys:
  - { member: carol, name: k, allocations: [openai/gpt-5.4-mini] }
  - { member: dave, name: k, allocations: [openai/gpt-5.4-mini, pool/gpt-5.4-mini] }
  - { member: erin, name: k, allocations: [openai/gpt-cached] }
`;

describe('quotas and limits', () => {
  let h: GatewayHarness;

  beforeAll(async () => {
    h = await startGatewayHarness(org);
  });
  afterAll(() => h?.stop());

  it('should admit exactly the reservations that fit when 50 calls race for room for 10', async () => {
    const client = h.client(h.keys['carol/k']!);
    h.fake.script(...Array.from({ length: 50 }, () => ({ delayMs: 300 })));
    const results = await Promise.all(
      Array.from({ length: 50 }, () =>
        client.chat.completions
          .create({ model: 'gpt-5.4-mini', messages: MESSAGES, max_tokens: MAX_TOKENS })
          .withResponse()
          .then((r) => ({ ok: true as const, requestId: r.response.headers.get('x-request-id') }))
          .catch((e: unknown) => ({ ok: false as const, error: e as InstanceType<typeof OpenAI.APIError> })),
      ),
    );
    h.fake.clearScripts(); // the 40 refused calls never reached the provider
    const admitted = results.filter((r) => r.ok);
    const refused = results.filter((r) => !r.ok);
    expect(admitted).toHaveLength(10);
    expect(refused).toHaveLength(40);
    for (const r of refused) {
      expect(r.error.status).toBe(429);
      expect(r.error.code).toBe('insufficient_quota');
      // Every 429 says when to come back: here, when the month's quota resets.
      const retryAfter = Number(r.error.headers?.get('retry-after'));
      expect(retryAfter).toBeGreaterThan(0);
      expect(retryAfter).toBeLessThanOrEqual(31 * 24 * 3600);
      expect(r.error.message).toMatch(
        /monthly token quota \(\d+ tokens\) does not leave room for this request; it resets at \d{4}-\d\d-01T/,
      );
    }

    // Every call is in the ledger once; the counters equal the ledger exactly, and nothing is still reserved.
    const ids = [...admitted.map((r) => r.requestId), ...refused.map((r) => r.error.requestID)];
    expect(new Set(ids).size).toBe(50);
    const rows = await Promise.all(ids.map((id) => h.ledger(id)));
    expect(rows.filter((r) => r.outcome === 'success')).toHaveLength(10);
    expect(rows.filter((r) => r.outcome === 'rejected_quota')).toHaveLength(40);
    const allocationId = String(rows[0]!.allocation_id);
    const sum = await h.pg.query(
      `SELECT sum(total_tokens)::text AS tokens, count(*)::int AS n FROM call_records WHERE allocation_id = $1`,
      [allocationId],
    );
    const counters = await h.server.app.get(QuotaService).counters(allocationId);
    expect(counters!.reserved.tokens).toBe(0n);
    expect(counters!.used.tokens).toBe(BigInt(sum.rows[0].tokens));
    expect(Number(sum.rows[0].tokens)).toBeLessThanOrEqual(RESERVATION * 10);
  });

  it('should reserve the prompt at its dearest price, a 1-hour cache write, against a cost quota', async () => {
    expect(ESTIMATE.inputTokens).toBeGreaterThan(2);
    const before = h.fake.received.length;
    const refused = await h
      .client(h.keys['erin/k']!)
      .chat.completions.create({ model: 'gpt-cached', messages: MESSAGES, max_tokens: MAX_TOKENS })
      .catch((e: unknown) => e as InstanceType<typeof OpenAI.APIError>);
    expect(refused).toMatchObject({ status: 429, code: 'insufficient_quota' });
    expect((refused as Error).message).toContain('monthly cost quota');
    expect(h.fake.received.length).toBe(before);
  });

  it('should refuse the call over the per-minute request limit with Retry-After', async () => {
    const client = h.client(h.keys['dave/k']!);
    for (let i = 0; i < 3; i++) await client.chat.completions.create({ model: 'openai/gpt-5.4-mini', messages: MESSAGES });
    const error = (await client.chat.completions
      .create({ model: 'openai/gpt-5.4-mini', messages: MESSAGES })
      .catch((e: unknown) => e)) as InstanceType<typeof OpenAI.RateLimitError>;
    expect(error).toBeInstanceOf(OpenAI.RateLimitError);
    expect(error.code).toBe('rate_limit_exceeded');
    const retryAfter = Number(error.headers.get('retry-after'));
    expect(retryAfter).toBeGreaterThanOrEqual(1);
    expect(retryAfter).toBeLessThanOrEqual(60);
    expect(await h.ledger(error.requestID)).toMatchObject({ outcome: 'rejected_rate_limit', status_code: 429 });
  });

  it('should retry a 5xx on the provider’s other credential before anything reaches the client, and record the call once', async () => {
    const client = h.client(h.keys['dave/k']!);
    h.fake.script({ status: 503 });
    const before = h.fake.received.length;
    const { data, response } = await client.chat.completions.create({ model: 'pool/gpt-5.4-mini', messages: MESSAGES }).withResponse();
    expect(data.choices[0]!.message.content).toBe('Hello from the fake upstream!');
    const attempts = h.fake.received.slice(before);
    expect(attempts).toHaveLength(2);
    expect(new Set(attempts.map((a) => a.headers.authorization)).size).toBe(2);
    const record = await h.ledger(response.headers.get('x-request-id'));
    expect(record.outcome).toBe('success');
    const [answered] = (await h.pg.query(`SELECT label FROM provider_credentials WHERE id = $1`, [record.credential_id])).rows;
    const second = attempts[1]!.headers.authorization === `Bearer ${FAKE_PROVIDER_KEY}` ? 'one' : 'two';
    expect(answered.label).toBe(second);
    const count = await h.pg.query(`SELECT count(*)::int AS n FROM call_records WHERE request_id = $1`, [
      response.headers.get('x-request-id'),
    ]);
    expect(count.rows[0].n).toBe(1);
  });

  it('should pass the last failure on when every credential fails', async () => {
    const client = h.client(h.keys['dave/k']!);
    h.fake.script({ status: 503 }, { status: 502 });
    const error = (await client.chat.completions
      .create({ model: 'pool/gpt-5.4-mini', messages: MESSAGES })
      .catch((e: unknown) => e)) as InstanceType<typeof OpenAI.APIError>;
    expect(error.status).toBe(502);
    expect(await h.ledger(error.requestID)).toMatchObject({ outcome: 'upstream_error', status_code: 502 });
  });
});
