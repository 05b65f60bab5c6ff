import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import type { DataSource } from 'typeorm';
import { hashApiKey, isWellFormedApiKey } from '@allot/allocations';
import { KeyringService } from '@allot/platform';
import { OrgConfigService } from '../../apps/gateway/src/org-config/org-config.service';
import { OrgConfigInvalid } from '../../apps/gateway/src/org-config/yaml-source';
import { FIXTURE_PROVIDER_ENV, PROVIDER_KEYS } from '../support/canary-secrets';
import { createTestDatabase, type TestDatabase } from '../support/test-database';
import { openTestRuntime, testEnv } from '../support/test-runtime';

const FIXTURE = join(__dirname, '../fixtures/org.yaml');
const fixture = readFileSync(FIXTURE, 'utf8');
const SECRETS = FIXTURE_PROVIDER_ENV;

describe(OrgConfigService.name, () => {
  let db: TestDatabase;
  let runtime: Awaited<ReturnType<typeof openTestRuntime>>;
  let service: OrgConfigService;
  let ds: DataSource;
  const env = { ...SECRETS };

  const count = async (table: string) => Number((await ds.query<{ n: string }[]>(`SELECT count(*) AS n FROM ${table}`))[0]!.n);
  const state = async () => ({ export: await service.export(), audit: await count('audit_events'), keys: await count('api_keys') });
  const invalid = async (text: string) => {
    try {
      await service.apply('org.yaml', text, env);
    } catch (error) {
      if (error instanceof OrgConfigInvalid) return error;
      throw error;
    }
    throw new Error('expected the file to be rejected');
  };

  beforeAll(async () => {
    db = await createTestDatabase();
    runtime = await openTestRuntime(testEnv(db));
    service = runtime.app.get(OrgConfigService);
    ds = runtime.dataSource;
  });
  afterAll(async () => {
    await runtime?.close();
    await db?.close();
  });

  it('should create the whole organization and show each new key once', async () => {
    const result = await service.apply('org.yaml', fixture, env);
    expect(result.changes).toEqual(
      expect.arrayContaining([
        '+ provider azure',
        '+ credential azure/primary',
        '+ model azure/gpt-5.4',
        '+ price azure/gpt-5.4 from 2026-01-01T00:00:00.000Z',
        '+ member alice@example.com',
        '~ member alice@example.com tags: +team-ml',
        '+ allocation alice@example.com|azure/gpt-5.4|research',
        '+ key alice@example.com/laptop',
      ]),
    );
    expect(result.changes).toHaveLength(2 + 3 + 3 + 3 + 2 + 2 + 1 + 4 + 2);
    expect(result.createdKeys.map((k) => `${k.member}/${k.name}`)).toEqual(['alice@example.com/laptop', 'bob/narrator']);
    for (const key of result.createdKeys) {
      expect(isWellFormedApiKey(key.plaintext)).toBe(true);
      const rows = await ds.query<{ key_hash: string }[]>(`SELECT key_hash FROM api_keys WHERE key_hash = $1`, [hashApiKey(key.plaintext)]);
      expect(rows).toHaveLength(1);
    }
    const scope = await ds.query<{ slug: string; name: string }[]>(
      `SELECT m.slug, a.name FROM api_key_allocations s JOIN api_keys k ON k.id = s.key_id JOIN allocations a ON a.id = s.allocation_id
       JOIN models m ON m.id = a.model_id WHERE k.name = 'laptop' ORDER BY m.slug`,
    );
    expect(scope).toEqual([
      { slug: 'azure/gpt-5.4', name: 'default' },
      { slug: 'openai/text-embedding-3-small', name: 'default' },
    ]);
  });

  it('should store money as exact micro-dollars and tokens as BIGINT', async () => {
    const [price] = await ds.query(
      `SELECT input_per_million_micros, cached_input_per_million_micros, output_per_million_micros FROM price_versions p JOIN models m ON m.id = p.model_id WHERE m.slug = 'azure/gpt-5.4'`,
    );
    expect(price).toEqual({
      input_per_million_micros: '1250000',
      cached_input_per_million_micros: '125000',
      output_per_million_micros: '10000000',
    });
    const [tts] = await ds.query(
      `SELECT unit, unit_per_million_micros FROM price_versions p JOIN models m ON m.id = p.model_id WHERE m.slug = 'openai/tts-1'`,
    );
    expect(tts).toEqual({ unit: 'character', unit_per_million_micros: '15000000' });
    const [allocation] = await ds.query(
      `SELECT quota_tokens_monthly, quota_cost_micros_monthly, rpm_limit, max_concurrency FROM allocations WHERE name = 'default' AND quota_tokens_monthly IS NOT NULL`,
    );
    expect(allocation).toEqual({
      quota_tokens_monthly: '5000000',
      quota_cost_micros_monthly: '25000000',
      rpm_limit: 60,
      max_concurrency: 4,
    });
  });

  it('should encrypt provider keys bound to their row and never store or audit them in plaintext', async () => {
    const rows = await ds.query<{ id: string; label: string; secret_ciphertext: string; secret_env: string }[]>(
      `SELECT id, label, secret_ciphertext, secret_env FROM provider_credentials ORDER BY label`,
    );
    expect(rows.map((r) => r.label)).toEqual(['main', 'primary', 'secondary']);
    const keyring = runtime.app.get(KeyringService);
    for (const row of rows) {
      expect(row.secret_ciphertext).toMatch(/^v1\.test1\./);
      expect(keyring.decryptSecret(row.secret_ciphertext, `provider_credentials:${row.id}`)).toBe(
        SECRETS[row.secret_env as keyof typeof SECRETS],
      );
    }
    const everything =
      JSON.stringify(await ds.query(`SELECT * FROM provider_credentials`)) + JSON.stringify(await ds.query(`SELECT * FROM audit_events`));
    for (const secret of Object.values(SECRETS)) expect(everything).not.toContain(secret);
    expect(await count('audit_events')).toBe(22); // one per change of the first apply
  });

  it('should change nothing when the same file is applied again', async () => {
    const before = await state();
    const result = await service.apply('org.yaml', fixture, env);
    expect(result.changes).toEqual([]);
    expect(result.createdKeys).toEqual([]);
    expect(await state()).toEqual(before);
  });

  it('should export without secrets in a format that applies back with no changes', async () => {
    const text = await service.export();
    for (const secret of Object.values(SECRETS)) expect(text).not.toContain(secret);
    expect(text).not.toMatch(/allot_k1_/);
    expect(text).toContain('env: TEST_AZURE_KEY');
    expect(text).toContain('inputPer1M: "1.25"');
    const result = await service.apply('export.yaml', text, env);
    expect(result.changes).toEqual([]);
  });

  it('should apply exactly the fields that changed', async () => {
    const edited = fixture.replace('costPerMonth: "25.00"', 'costPerMonth: "30.5"').replace('rpm: 60', 'rpm: 120');
    const result = await service.apply('org.yaml', edited, env);
    expect(result.changes).toEqual(['~ allocation alice@example.com|azure/gpt-5.4|default: quotaCostMicrosMonthly, rpmLimit']);
    const [row] = await ds.query(
      `SELECT quota_cost_micros_monthly, rpm_limit FROM allocations WHERE name = 'default' AND quota_tokens_monthly IS NOT NULL`,
    );
    expect(row).toEqual({ quota_cost_micros_monthly: '30500000', rpm_limit: 120 });
  });

  it('should rotate a provider key when its variable holds a new value', async () => {
    const result = await service.apply('org.yaml', fixture, { ...env, TEST_OPENAI_KEY: PROVIDER_KEYS.rotatedOpenai });
    expect(result.changes).toContain('~ credential openai/main: apiKey');
    const [row] = await ds.query(`SELECT id, secret_ciphertext FROM provider_credentials WHERE label = 'main'`);
    expect(runtime.app.get(KeyringService).decryptSecret(row.secret_ciphertext, `provider_credentials:${row.id}`)).toBe(
      PROVIDER_KEYS.rotatedOpenai,
    );
    await service.apply('org.yaml', fixture, env);
  });

  it('should pause, resume and revoke allocations and revoke keys', async () => {
    const paused = fixture.replace('    quota: { tokensPerMonth: 5000000', '    status: paused\n    quota: { tokensPerMonth: 5000000');
    expect((await service.apply('org.yaml', paused, env)).changes).toEqual([
      '~ allocation alice@example.com|azure/gpt-5.4|default: status, pausedAt',
    ]);
    expect((await service.apply('org.yaml', fixture, env)).changes).toEqual([
      '~ allocation alice@example.com|azure/gpt-5.4|default: status, pausedAt',
    ]);
    const revoked = fixture.replace('    expiresAt: 2030-01-01T00:00:00Z', '    expiresAt: 2030-01-01T00:00:00Z\n    revoked: true');
    expect((await service.apply('org.yaml', revoked, env)).changes).toEqual(['~ key bob/narrator: revokedAt, revokedReason']);
    expect((await service.apply('org.yaml', revoked, env)).changes).toEqual([]);
    expect(await service.export()).not.toContain('narrator');
  });

  it('should reject a YAML syntax error with its line and change nothing', async () => {
    const before = await state();
    const error = await invalid('version: 1\nmembers:\n  - identifier: x\n   displayName: [unclosed\n');
    expect(error.problems[0]!.line).toBe(4);
    expect(await state()).toEqual(before);
  });

  it('should report every schema problem with its line, including unknown fields', async () => {
    const before = await state();
    const text = fixture
      .replace('    contextWindow: 400000', '    contextWindw: 400000')
      .replace('    role: admin', '    role: superuser')
      .replace('        outputPer1M: 10', '        outputPer1M: "ten"');
    const error = await invalid(text);
    const lines = text.split('\n');
    const lineOf = (needle: string) => lines.findIndex((l) => l.includes(needle)) + 1;
    expect(error.problems.map((p) => [p.line, p.path])).toEqual(
      expect.arrayContaining([
        [lineOf('contextWindw'), 'models[0].contextWindw'],
        [lineOf('role: superuser'), 'members[1].role'],
        [lineOf('outputPer1M: "ten"'), 'models[0].prices[0].outputPer1M'],
      ]),
    );
    expect(error.message).toMatch(/org\.yaml:\d+:\d+: models\[0\]\.contextWindw: unknown field "contextWindw"/);
    expect(await state()).toEqual(before);
  });

  it('should report every broken reference and missing secret at once and change nothing', async () => {
    const before = await state();
    const text = fixture
      .replace('    model: openai/tts-1', '    model: openai/tts-2')
      .replace(
        'allocations: [azure/gpt-5.4, openai/text-embedding-3-small]',
        'allocations: [azure/gpt-5.4#nope, openai/text-embedding-3-small]',
      )
      .replace('    tags: [team-ml]', '    tags: [team-ml, unknown-tag]');
    const error = await (async () => {
      try {
        await service.apply('org.yaml', text, { TEST_AZURE_KEY: 'x' });
      } catch (e) {
        return e as OrgConfigInvalid;
      }
      throw new Error('expected a rejection');
    })();
    const messages = error.problems.map((p) => p.message).join('\n');
    expect(messages).toContain('environment variable TEST_AZURE_KEY_2 is not set');
    expect(messages).toContain('environment variable TEST_OPENAI_KEY is not set');
    expect(messages).toContain('model "openai/tts-2" does not exist');
    expect(messages).toContain('has no active allocation "nope" of azure/gpt-5.4');
    expect(messages).toContain('tag "unknown-tag" does not exist');
    expect(error.problems.every((p) => typeof p.line === 'number')).toBe(true);
    expect(await state()).toEqual(before);
  });

  it('should refuse to rewrite a price version (prices are append-only)', async () => {
    const before = await state();
    const error = await invalid(fixture.replace('inputPer1M: "1.25"', 'inputPer1M: "1.50"'));
    expect(error.problems[0]!.message).toMatch(/prices are append-only/);
    expect(await state()).toEqual(before);
    const revokedNarrator = fixture.replace(
      '    expiresAt: 2030-01-01T00:00:00Z',
      '    expiresAt: 2030-01-01T00:00:00Z\n    revoked: true',
    );
    const appended = revokedNarrator.replace(
      '        outputPer1M: 10',
      '        outputPer1M: 10\n      - effectiveFrom: 2027-01-01T00:00:00Z\n        inputPer1M: "1.50"\n        cacheWritePer1M: "1.875"\n        cacheWrite1hPer1M: "3"\n        outputPer1M: "12"',
    );
    expect((await service.apply('org.yaml', appended, env)).changes).toEqual(['+ price azure/gpt-5.4 from 2027-01-01T00:00:00.000Z']);
    // Both cache-write prices are stored, exported and applied back unchanged.
    const exported = await service.export();
    expect(exported).toMatch(/cacheWritePer1M: "1\.875"\n\s+cacheWrite1hPer1M: "3(\.0+)?"/);
    expect((await service.apply('export.yaml', exported, env)).changes).toEqual([]);
  });

  it('should not lift a quarantine, and say so', async () => {
    await ds.query(`UPDATE allocations SET status = 'quarantined' WHERE name = 'research'`);
    const result = await service.apply('org.yaml', fixture.replace('    status: paused\n', '    status: active\n'), env);
    expect(result.notes).toEqual([
      'allocation alice@example.com|azure/gpt-5.4|research is quarantined; apply does not lift a quarantine (an admin unquarantines it)',
    ]);
  });
});
