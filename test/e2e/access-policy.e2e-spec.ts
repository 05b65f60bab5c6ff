import { OrgConfigService } from '../../apps/gateway/src/org-config/org-config.service';
import { FAKE_PROVIDER_KEY, startGatewayHarness, type GatewayHarness } from '../support/gateway-harness';

/** C3 on the hot path: tag policy decides who may call a model, before any quota is held or upstream byte sent. */
const org = (
  fakeUrl: string,
  {
    bobTags = '[research, contractors]',
    carolTags = '[]',
    restrictedAccess = '{ default: restricted, allowTags: [research], denyTags: [contractors] }',
  } = {},
) => `
version: 1
providers:
  - name: openai
    type: openai
    baseUrl: ${fakeUrl}/v1
    credentials: [{ label: main, apiKey: { env: FAKE_OPENAI_KEY } }]
tags:
  - { name: research }
  - { name: contractors }
  - { name: ml }
models:
  - slug: openai/gpt-open
    access: { default: open, denyTags: [contractors] }
  - slug: openai/gpt-restricted
    access: ${restrictedAccess}
members:
  - { identifier: alice, tags: [research] }
  - { identifier: bob, tags: ${bobTags} }
  - { identifier: carol, tags: ${carolTags} }
allocations:
  - { member: alice, model: openai/gpt-open, limits: { rpm: 2 } }
  - { member: alice, model: openai/gpt-restricted }
  - { member: bob, model: openai/gpt-open, limits: { rpm: 2 } }
  - { member: bob, model: openai/gpt-restricted }
  - { member: carol, model: openai/gpt-open }
  - { member: carol, model: openai/gpt-restricted }
keys:
  - { member: alice, name: k, allocations: [openai/gpt-open, openai/gpt-restricted] }
  - { member: bob, name: k, allocations: [openai/gpt-open, openai/gpt-restricted] }
  - { member: carol, name: k, allocations: [openai/gpt-open, openai/gpt-restricted] }
`;

describe('Model access policy on /v1', () => {
  let h: GatewayHarness;
  const call = async (member: string, model: string) =>
    fetch(`${h.server.url}/v1/chat/completions`, {
      method: 'POST',
      headers: { authorization: `Bearer ${h.keys[`${member}/k`]}`, 'content-type': 'application/json' },
      body: JSON.stringify({ model, messages: [{ role: 'user', content: 'hi' }] }),
    });
  const modelIds = async (member: string) => (await h.client(h.keys[`${member}/k`]!).models.list()).data.map((m) => m.id);
  const apply = (yaml: string) => h.server.app.get(OrgConfigService).apply('org.yaml', yaml, { FAKE_OPENAI_KEY: FAKE_PROVIDER_KEY });

  beforeAll(async () => {
    h = await startGatewayHarness((url) => org(url));
  });
  afterAll(() => h?.stop());

  it('should let a member with an allowed tag call a restricted model', async () => {
    const res = await call('alice', 'openai/gpt-restricted');
    expect(res.status).toBe(200);
    expect(await modelIds('alice')).toEqual(['openai/gpt-open', 'openai/gpt-restricted']);
  });

  it('should refuse a restricted model to a member without the tag, without an upstream call, and record it', async () => {
    const before = h.fake.received.length;
    const res = await call('carol', 'openai/gpt-restricted');
    expect(res.status).toBe(403);
    const body = (await res.json()) as { error: { code: string; type: string; param: string; message: string } };
    expect(body.error).toMatchObject({ code: 'model_forbidden', type: 'permission_error', param: 'model' });
    // Members are not told which tags would have let them in.
    expect(body.error.message).not.toContain('research');
    expect(h.fake.received.length).toBe(before);
    const record = await h.ledger(res.headers.get('x-request-id'));
    expect(record).toMatchObject({ outcome: 'rejected_policy', status_code: 403, error_code: 'model_forbidden', cost_micros: null });
    expect(record.allocation_id).not.toBeNull();
    expect(await modelIds('carol')).toEqual(['openai/gpt-open']);
  });

  it('should let a denied tag win over an allowed one, and not count refused calls against the rate limit', async () => {
    for (let i = 0; i < 3; i++) expect((await call('bob', 'openai/gpt-open')).status).toBe(403);
    expect((await call('bob', 'openai/gpt-restricted')).status).toBe(403);
    expect(await modelIds('bob')).toEqual([]);
    const one = await h
      .client(h.keys['bob/k']!)
      .models.retrieve('openai/gpt-open')
      .catch((e: { status: number }) => e.status);
    expect(one).toBe(404);
    // The three refusals held none of bob's 2 requests per minute.
    await apply(org(h.fake.url, { bobTags: '[research]' }));
    expect((await call('bob', 'openai/gpt-open')).status).toBe(200);
    expect((await call('bob', 'openai/gpt-open')).status).toBe(200);
    expect((await call('bob', 'openai/gpt-open')).status).toBe(429);
  });

  it('should apply tag and policy changes to the next call', async () => {
    await apply(org(h.fake.url, { carolTags: '[research]' }));
    expect((await call('carol', 'openai/gpt-restricted')).status).toBe(200);
    await apply(org(h.fake.url, { carolTags: '[research]', restrictedAccess: '{ default: restricted, allowTags: [ml] }' }));
    expect((await call('carol', 'openai/gpt-restricted')).status).toBe(403);
    expect((await call('alice', 'openai/gpt-restricted')).status).toBe(403);
    expect(await modelIds('alice')).toEqual(['openai/gpt-open']);
  });
});
