import { mkdtempSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import OpenAI from 'openai';
import { OpenAiFake } from '../fakes/openai-fake';
import { KEYRING_ENTRIES, PROVIDER_KEYS } from '../support/canary-secrets';
import { runCliProcess, startGatewayProcess, type GatewayProcess } from '../support/processes';
import { createTestDatabase, type TestDatabase } from '../support/test-database';

/**
 * P4 across processes: a gateway process and a CLI process share one PostgreSQL; pausing through the CLI reaches the
 * gateway over LISTEN/NOTIFY and ends the open stream. Needs a PostgreSQL server, so it runs in `npm run test:pg`
 * (CI's second pass); the in-process variant in openai-gateway.e2e-spec runs everywhere.
 */
const onPostgres = process.env.TEST_DATABASE_URL ? describe : describe.skip;

onPostgres('revocation across processes (PostgreSQL)', () => {
  let db: TestDatabase;
  let fake: OpenAiFake;
  let gateway: GatewayProcess;
  let env: Record<string, string>;
  let memberKey: string;

  beforeAll(async () => {
    db = await createTestDatabase();
    fake = await new OpenAiFake().start();
    env = {
      DATABASE_URL: db.url,
      ALLOT_ENCRYPTION_KEYS: KEYRING_ENTRIES.x1,
      PORT: '0',
      HOST: '127.0.0.1',
      ALLOT_UPSTREAM_ALLOWED_NETWORKS: '127.0.0.0/8,::1/128',
      FAKE_KEY: PROVIDER_KEYS.crossProcess,
    };
    const file = join(mkdtempSync(join(tmpdir(), 'allot-xp-')), 'org.yaml');
    writeFileSync(
      file,
      `version: 1
providers: [{ name: openai, type: openai, baseUrl: "${fake.url}/v1", credentials: [{ label: main, apiKey: { env: FAKE_KEY } }] }]
models: [{ slug: openai/gpt-5.4-mini }]
members: [{ identifier: bob }]
allocations: [{ member: bob, model: openai/gpt-5.4-mini }]
keys: [{ member: bob, name: laptop, allocations: [openai/gpt-5.4-mini] }]
`,
    );
    const applied = await runCliProcess(env, ['apply', '-f', file]);
    expect(applied.code).toBe(0);
    memberKey = /bob\/laptop: (allot_k1_\S+)/.exec(applied.stdout)![1]!;
    gateway = await startGatewayProcess(env);
  });
  afterAll(async () => {
    await gateway?.stop();
    await fake?.stop();
    await db?.close();
  });

  it('should end a stream on the gateway process within 1 s of a pause made by the CLI process', async () => {
    const client = new OpenAI({ apiKey: memberKey, baseURL: `${gateway.url}/v1`, maxRetries: 0 });
    fake.script({ content: 'z'.repeat(2000), chunkDelayMs: 20 });
    const stream = await client.chat.completions.create({
      model: 'gpt-5.4-mini',
      messages: [{ role: 'user', content: 'x' }],
      stream: true,
    });
    const iterator = stream[Symbol.asyncIterator]();
    await iterator.next();
    let endedAt = 0;
    const ending = (async () => {
      for (let next = await iterator.next(); !next.done; next = await iterator.next());
    })().catch((error: unknown) => {
      endedAt = Date.now();
      return error as Error;
    });
    const paused = await runCliProcess(env, ['pause-allocation', '--member', 'bob', '--model', 'openai/gpt-5.4-mini']);
    const cliDoneAt = Date.now();
    expect(paused.stdout.trim()).toBe('allocation bob openai/gpt-5.4-mini#default is now paused');
    const error = await ending;
    expect(error?.message).toMatch(/is paused/);
    expect(endedAt - cliDoneAt).toBeLessThan(1000);
    const next = await client.chat.completions.create({ model: 'gpt-5.4-mini', messages: [] }).catch((e: unknown) => e);
    expect((next as InstanceType<typeof OpenAI.PermissionDeniedError>).code).toBe('allocation_paused');
    expect(gateway.output()).not.toContain(PROVIDER_KEYS.crossProcess);
    expect(gateway.output()).not.toContain(memberKey);
  });
});
