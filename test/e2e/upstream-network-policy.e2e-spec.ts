import { startGatewayHarness, type GatewayHarness } from '../support/gateway-harness';

/** The fake listens on 127.0.0.1; `named` reaches it through a host name, so through the gateway's DNS lookup. */
const org = (fakeUrl: string) => `
version: 1
providers:
  - name: literal
    type: openai-compatible
    baseUrl: ${fakeUrl}/v1
    credentials:
      - { label: one, apiKey: { env: FAKE_OPENAI_KEY } }
      - { label: two, apiKey: { env: FAKE_OPENAI_KEY } }
  - name: named
    type: openai-compatible
    baseUrl: ${fakeUrl.replace('127.0.0.1', 'localhost')}/v1
    credentials: [{ label: main, apiKey: { env: FAKE_OPENAI_KEY } }]
models:
  - slug: literal/llama
  - slug: named/llama
members:
  - identifier: alice
allocations:
  - { member: alice, model: literal/llama }
  - { member: alice, model: named/llama }
keys:
  - { member: alice, name: laptop, allocations: [literal/llama, named/llama] }
`;

const chat = (h: GatewayHarness, model: string, stream = false) =>
  fetch(`${h.server.url}/v1/chat/completions`, {
    method: 'POST',
    headers: { authorization: `Bearer ${h.keys['alice/laptop']!}`, 'content-type': 'application/json' },
    body: JSON.stringify({ model, stream, messages: [{ role: 'user', content: 'hi' }] }),
  });

describe('provider network policy (SSRF protection)', () => {
  describe('with no network allowed (the production default)', () => {
    let h: GatewayHarness;
    beforeAll(async () => {
      // Empty counts as unset: nothing is exempt from the blocked ranges.
      h = await startGatewayHarness(org, { ALLOT_UPSTREAM_ALLOWED_NETWORKS: '' });
    });
    afterAll(() => h?.stop());

    it.each([
      ['an IP literal (checked before connecting)', 'literal/llama', false],
      ['a host name (checked when it is resolved)', 'named/llama', true],
    ])('should refuse a provider on loopback reached through %s, without contacting it', async (_how, model, stream) => {
      const response = await chat(h, model, stream);
      expect(response.status).toBe(502);
      const body = (await response.json()) as { error: { code: string; type: string; message: string } };
      expect(body.error).toMatchObject({
        code: 'upstream_address_blocked',
        type: 'api_error',
        message: "The provider's address is not allowed by this gateway's network policy.",
      });
      expect(JSON.stringify(body)).not.toMatch(/127\.0\.0\.1|localhost|::1/);
      expect(h.fake.received).toHaveLength(0);
      expect(await h.ledger(response.headers.get('x-request-id'))).toMatchObject({
        outcome: 'upstream_error',
        status_code: 502,
        error_code: 'upstream_address_blocked',
        first_byte_ms: null,
      });
    });

    it('should refuse every later call too, never contacting the provider', async () => {
      for (const model of ['literal/llama', 'named/llama']) expect((await chat(h, model)).status).toBe(502);
      expect(h.fake.received).toHaveLength(0);
    });
  });

  describe('with loopback allowed (ALLOT_UPSTREAM_ALLOWED_NETWORKS=127.0.0.0/8,::1/128)', () => {
    let h: GatewayHarness;
    beforeAll(async () => {
      h = await startGatewayHarness(org);
    });
    afterAll(() => h?.stop());

    it.each(['literal/llama', 'named/llama'])('should relay %s', async (model) => {
      const before = h.fake.received.length;
      const response = await chat(h, model);
      expect(response.status).toBe(200);
      expect(h.fake.received).toHaveLength(before + 1);
      expect(await h.ledger(response.headers.get('x-request-id'))).toMatchObject({ outcome: 'success', status_code: 200 });
    });
  });
});
