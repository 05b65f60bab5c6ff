import { mkdtempSync, readFileSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import request from 'supertest';
import { FIXTURE_PROVIDER_ENV } from '../support/canary-secrets';
import { runCliProcess, startGatewayProcess } from '../support/processes';

const FIXTURE = join(__dirname, '../fixtures/org.yaml');
const SECRETS = FIXTURE_PROVIDER_ENV;

/**
 * What `npm start` does on a fresh machine: no DATABASE_URL, no REDIS_URL, an empty data folder. The gateway
 * must come up on the embedded database, serve the console, print the first-admin link, let the CLI work beside
 * it, stop cleanly on SIGTERM and find its data again on the next start.
 */
describe('fresh start on the embedded database', () => {
  const dataDir = mkdtempSync(join(tmpdir(), 'allot-fresh-'));
  // The gateway logs at trace level (the processes helper's default); the CLI at the default level, so its stderr
  // is exactly what a user sees.
  const env = { ALLOT_DATA_DIR: dataDir, PORT: '0', HOST: '127.0.0.1' };
  const cliEnv = { ...env, ...SECRETS, LOG_LEVEL: 'info' };
  const outputs: string[] = [];

  afterAll(() => rmSync(dataDir, { recursive: true, force: true }));

  it('should start, serve, share its database with the CLI, stop cleanly and reuse its data', async () => {
    const first = await startGatewayProcess(env, 120_000);
    let firstKey: string;
    try {
      await request(first.url).get('/healthz').expect(200, { status: 'ok' });
      await request(first.url).get('/readyz').expect(200);
      const home = await request(first.url).get('/').expect(200);
      expect(home.text).toMatch(/<app-root/);
      expect(first.output()).toMatch(/Generated an encryption key in .*encryption\.keys/);
      const link = /one-time link[^\n]*\n\s+(\S+)/.exec(first.output())![1]!;
      await request(first.url)
        .get(`/api/v1/invitations/${link.split('/').pop()}`)
        .expect(200);
      firstKey = readFileSync(join(dataDir, 'encryption.keys'), 'utf8');

      // The CLI joins the running embedded engine instead of opening its files a second time.
      const applied = await runCliProcess(cliEnv, ['apply', '-f', FIXTURE]);
      expect(applied.stderr).toBe('');
      expect(applied.code).toBe(0);
      expect(applied.stdout).toContain('22 change(s) applied.');
      outputs.push(applied.stdout, applied.stderr);
    } finally {
      expect(await first.stop('SIGTERM')).toBe(0);
      outputs.push(first.output());
    }

    const second = await startGatewayProcess(env, 120_000);
    try {
      await request(second.url).get('/readyz').expect(200, { status: 'ready', database: 'up', migrations: 'current' });
      expect(second.output()).not.toMatch(/Generated an encryption key/);
      expect(second.output()).not.toMatch(/migrations applied/);
      expect(readFileSync(join(dataDir, 'encryption.keys'), 'utf8')).toBe(firstKey!);
      const again = await runCliProcess(cliEnv, ['apply', '-f', FIXTURE]);
      expect(again.stdout.trim()).toBe('No changes: the stored organization already matches the file.');
      outputs.push(again.stdout, again.stderr);
    } finally {
      expect(await second.stop('SIGINT')).toBe(0);
      outputs.push(second.output());
    }

    // No provider key set in the environment ever appears in what the processes printed.
    const everything = outputs.join('\n');
    for (const secret of Object.values(SECRETS)) expect(everything).not.toContain(secret);
  });
});
