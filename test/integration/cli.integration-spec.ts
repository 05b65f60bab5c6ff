import { mkdtempSync, readFileSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { Client } from 'pg';
import { hashApiKey, isWellFormedApiKey } from '@allot/allocations';
import { FIXTURE_PROVIDER_ENV } from '../support/canary-secrets';
import { createTestDatabase, type TestDatabase } from '../support/test-database';
import { cli, testEnv } from '../support/test-runtime';

const FIXTURE = join(__dirname, '../fixtures/org.yaml');
const SECRETS = FIXTURE_PROVIDER_ENV;

describe('cli', () => {
  let db: TestDatabase;
  let env: Record<string, string>;
  let client: Client;
  const sql = async <T>(text: string, params: unknown[] = []) => (await client.query(text, params)).rows as T[];

  beforeAll(async () => {
    db = await createTestDatabase();
    env = { ...testEnv(db), ...SECRETS };
    expect((await cli(env, 'migrate')).stdout).toBe(
      'applied InitialSchema1795996800000\napplied StoredResponses1796083200000\napplied CacheWrite1h1796169600000',
    );
    client = new Client({ connectionString: db.url });
    await client.connect();
  });
  afterAll(async () => {
    await client?.end();
    await db?.close();
  });

  it('should report migration status and that migrations are current', async () => {
    expect(await cli(env, 'migrate')).toMatchObject({ code: 0, stdout: 'migrations are current' });
    expect(await cli(env, 'migrate', '--status')).toMatchObject({
      code: 0,
      stdout: '[x] InitialSchema1795996800000\n[x] StoredResponses1796083200000\n[x] CacheWrite1h1796169600000',
    });
    expect(await cli(env, 'migrate', '--check')).toMatchObject({ code: 0 });
  });

  it('should apply a file, print new keys once, and report no changes the second time', async () => {
    const first = await cli(env, 'apply', '-f', FIXTURE);
    expect(first.code).toBe(0);
    expect(first.stdout).toContain('22 change(s) applied.');
    const keys = [...first.stdout.matchAll(/: (allot_k1_\S+)/g)].map((m) => m[1]!);
    expect(keys).toHaveLength(2);
    for (const key of keys) {
      expect(isWellFormedApiKey(key)).toBe(true);
      expect(await sql(`SELECT 1 FROM api_keys WHERE key_hash = $1`, [hashApiKey(key)])).toHaveLength(1);
    }
    const second = await cli(env, 'apply', '-f', FIXTURE);
    expect(second).toMatchObject({ code: 0, stdout: 'No changes: the stored organization already matches the file.' });
  });

  it('should show a dry run without writing', async () => {
    const edited = join(mkdtempSync(join(tmpdir(), 'allot-cli-')), 'org.yaml');
    writeFileSync(edited, readFileSync(FIXTURE, 'utf8').replace('displayName: Bob', 'displayName: Robert'));
    const dry = await cli(env, 'apply', '-f', edited, '--dry-run');
    expect(dry.stdout).toBe('~ member bob: displayName\n1 change(s) would be applied (dry run, nothing written).');
    expect(await sql(`SELECT display_name FROM members WHERE identifier = 'bob'`)).toEqual([{ display_name: 'Bob' }]);
  });

  it('should reject a broken file with line numbers and exit 1', async () => {
    const broken = join(mkdtempSync(join(tmpdir(), 'allot-cli-')), 'broken.yaml');
    writeFileSync(broken, 'version: 1\nmembers:\n  - identifier: dave\n    role: owner\n');
    const result = await cli(env, 'apply', '-f', broken);
    expect(result.code).toBe(1);
    expect(result.stderr).toContain(`${broken} is invalid; nothing was applied:`);
    expect(result.stderr).toMatch(new RegExp(`${broken}:4:11: members\\[0\\]\\.role: Invalid option`));
    expect(await sql(`SELECT 1 FROM members WHERE identifier = 'dave'`)).toHaveLength(0);
  });

  it('should create a key for an existing allocation and refuse one for someone else’s or a missing one', async () => {
    const ok = await cli(
      env,
      'create-key',
      '--member',
      'alice@example.com',
      '--name',
      'ci',
      '--allocation',
      'azure/gpt-5.4#research',
      '--expires',
      '2031-01-01',
    );
    expect(ok.code).toBe(0);
    const key = /\n {2}(allot_k1_\S+)$/.exec(ok.stdout)![1]!;
    const [row] = await sql<{ name: string; origin: string; expires_at: Date }>(
      `SELECT name, origin, expires_at FROM api_keys WHERE key_hash = $1`,
      [hashApiKey(key)],
    );
    expect(row).toMatchObject({ name: 'ci', origin: 'cli' });
    expect(row!.expires_at.toISOString()).toBe('2031-01-01T00:00:00.000Z');

    const notHers = await cli(env, 'create-key', '--member', 'alice@example.com', '--name', 'x', '--allocation', 'openai/tts-1');
    expect(notHers).toMatchObject({ code: 1 });
    expect(notHers.stderr).toContain('allocation_not_found: alice@example.com has no allocation "openai/tts-1"');
    const twoOfOneModel = await cli(
      env,
      'create-key',
      '--member',
      'alice@example.com',
      '--name',
      'x',
      '--allocation',
      'azure/gpt-5.4',
      '--allocation',
      'azure/gpt-5.4#research',
    );
    expect(twoOfOneModel.stderr).toContain('invalid_scope: a key holds at most one allocation per model');
  });

  it('should create an admin with a one-time link whose token is stored only as a hash', async () => {
    const result = await cli(env, 'create-admin', '--identifier', 'Carol@Example.com', '--name', 'Carol');
    expect(result.code).toBe(0);
    const token = /\/invite\/([A-Za-z0-9_-]{43})$/.exec(result.stdout)![1]!;
    const rows = await sql<{ token_hash: string; role: string }>(
      `SELECT i.token_hash, m.role FROM invitations i JOIN members m ON m.id = i.member_id WHERE m.identifier = 'carol@example.com'`,
    );
    expect(rows).toEqual([{ token_hash: hashApiKey(token), role: 'admin' }]);
    expect(result.stdout).toContain('Created admin carol@example.com.');
  });

  it('should answer bad usage with exit 2 and the command usage', async () => {
    const unknownOption = await cli(env, 'apply', '--file', FIXTURE, '--force');
    expect(unknownOption.code).toBe(2);
    expect(unknownOption.stderr).toMatch(/Unknown option '--force'[\s\S]*Usage: npm run cli -- apply -f <org.yaml>/);
    expect((await cli(env, 'apply')).stderr).toContain('--file is required');
    expect((await cli(env, 'apply', '-f', '/nonexistent/org.yaml')).stderr).toContain('cannot read /nonexistent/org.yaml: ENOENT');
    expect((await cli(env, 'create-key', '--member', 'a', '--name', 'b')).stderr).toContain('--allocation is required');
    expect((await cli(env, 'migrate', '--down', 'two')).code).toBe(2);
    const unknown = await cli(env, 'frobnicate');
    expect(unknown.code).toBe(2);
    expect(unknown.stderr).toContain('Unknown command "frobnicate"');
  });

  it('should reject invalid configuration, naming every variable', async () => {
    const result = await cli({ ...env, PORT: 'x', ALLOT_TIME_ZONE: 'Nowhere/Land' }, 'migrate');
    expect(result.code).toBe(1);
    expect(result.stderr).toContain('PORT: must be a whole number between 0 and 65535 (got "x")');
    expect(result.stderr).toContain('ALLOT_TIME_ZONE: must be an IANA time zone');
  });

  it('should generate keyring entries', async () => {
    const result = await cli({}, 'generate-key', '--id', 'k2');
    expect(result.stdout).toMatch(/^k2:[A-Za-z0-9+/]{43}=$/);
  });
});
