import { mkdtempSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { Client } from 'pg';
import { OpenAiFake } from '../fakes/openai-fake';
import { PROVIDER_KEYS } from '../support/canary-secrets';
import { createTestDatabase, type TestDatabase } from '../support/test-database';
import { cli, testEnv } from '../support/test-runtime';

/** C6 and Codex setup from the CLI: `test-responses` records what a real tiny request shows; `codex-config` prints. */
describe('cli: test-responses and codex-config', () => {
  let db: TestDatabase;
  let fake: OpenAiFake;
  let env: Record<string, string>;
  let client: Client;
  const support = async (slug: string) =>
    (await client.query(`SELECT responses_support AS s, responses_support_source AS src FROM models WHERE slug = $1`, [slug])).rows[0] as {
      s: string;
      src: string | null;
    };

  beforeAll(async () => {
    db = await createTestDatabase();
    fake = await new OpenAiFake().start();
    env = { ...testEnv(db, { ALLOT_PUBLIC_URL: 'https://ai.example.com/' }), PROBE_KEY: PROVIDER_KEYS.harnessOpenai };
    const file = join(mkdtempSync(join(tmpdir(), 'allot-probe-')), 'org.yaml');
    writeFileSync(
      file,
      `version: 1
providers: [{ name: openai, type: openai, baseUrl: "${fake.url}/v1", credentials: [{ label: main, apiKey: { env: PROBE_KEY } }] }]
models:
  - { slug: openai/gpt-5.4 }
  - { slug: openai/gpt-old, responses: unavailable }
  - { slug: openai/embed, kind: embedding }
members: [{ identifier: dev }]
allocations: [{ member: dev, model: openai/gpt-5.4 }, { member: dev, model: openai/gpt-old }, { member: dev, model: openai/embed }]
keys: [{ member: dev, name: laptop, allocations: [openai/gpt-5.4, openai/gpt-old, openai/embed] }]
`,
    );
    expect((await cli(env, 'apply', '-f', file)).code).toBe(0);
    client = new Client({ connectionString: db.url });
    await client.connect();
  });
  afterAll(async () => {
    await client?.end();
    await fake?.stop();
    await db?.close();
  });

  it('should record "available" after a successful tiny request, with the provider key only in its header', async () => {
    const result = await cli(env, 'test-responses', '--model', 'openai/gpt-5.4');
    expect(result).toMatchObject({ code: 0, stdout: 'openai/gpt-5.4: Responses API available (tested: HTTP 200, a response object)' });
    const sent = fake.received.at(-1)!;
    expect(sent.path).toBe('/v1/responses');
    expect(sent.body).toMatchObject({ model: 'gpt-5.4', store: false, max_output_tokens: 16 });
    expect(sent.headers.authorization).toBe(`Bearer ${PROVIDER_KEYS.harnessOpenai}`);
    expect(await support('openai/gpt-5.4')).toEqual({ s: 'available', src: 'tested' });
  });

  it('should record "unavailable" when the provider has no Responses API, and change nothing on an inconclusive fault', async () => {
    fake.script({
      status: 404,
      errorBody: { error: { message: 'Unknown endpoint /v1/responses', type: 'invalid_request_error', param: null, code: null } },
    });
    expect((await cli(env, 'test-responses', '--model', 'openai/gpt-5.4')).stdout).toBe(
      'openai/gpt-5.4: Responses API unavailable (tested: HTTP 404: Unknown endpoint /v1/responses)',
    );
    expect(await support('openai/gpt-5.4')).toEqual({ s: 'unavailable', src: 'tested' });
    fake.script({ status: 503 });
    const failed = await cli(env, 'test-responses', '--model', 'openai/gpt-5.4');
    expect(failed.code).not.toBe(0);
    expect(failed.stderr).toContain('HTTP 503');
    expect(await support('openai/gpt-5.4')).toEqual({ s: 'unavailable', src: 'tested' });
    expect((await cli(env, 'test-responses', '--model', 'openai/gpt-5.4', '--set', 'available')).code).toBe(0);
    expect(await support('openai/gpt-5.4')).toEqual({ s: 'available', src: 'manual' });
    expect((await cli(env, 'test-responses', '--model', 'openai/nope')).code).not.toBe(0);
    expect((await cli(env, 'test-responses', '--model', 'openai/gpt-5.4', '--set', 'maybe')).code).not.toBe(0);
  });

  it('should print a Codex config for a key, never containing the key', async () => {
    const result = await cli(env, 'codex-config', '--member', 'dev', '--key-name', 'laptop');
    expect(result.code).toBe(0);
    expect(result.stdout).toBe(
      [
        '# ~/.codex/config.toml: Codex through Allot',
        '# Before running codex: export ALLOT_API_KEY=<your allot_k1_… key>',
        '# Models this key can use: openai/gpt-5.4, openai/gpt-old',
        'model = "openai/gpt-5.4"',
        'model_provider = "allot"',
        '',
        '[model_providers.allot]',
        'name = "Allot"',
        'base_url = "https://ai.example.com/v1"',
        'wire_api = "responses"',
        'env_key = "ALLOT_API_KEY"',
      ].join('\n'),
    );
    // A model without the Responses API is served through its chat API; an embedding model is refused, naming the usable ones.
    const viaChat = await cli(env, 'codex-config', '--member', 'dev', '--key-name', 'laptop', '--model', 'openai/gpt-old');
    expect(viaChat.stdout).toContain('model = "openai/gpt-old"');
    const refused = await cli(env, 'codex-config', '--member', 'dev', '--key-name', 'laptop', '--model', 'openai/embed');
    expect(refused.code).not.toBe(0);
    expect(refused.stderr).toContain('it can use: openai/gpt-5.4, openai/gpt-old');
    expect((await cli(env, 'codex-config', '--member', 'dev', '--key-name', 'nope')).code).not.toBe(0);
    expect((await cli(env, 'codex-config', '--key', 'not-a-key')).code).not.toBe(0);
  });
});
