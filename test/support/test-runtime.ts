import { loadConfig, type AppConfig } from '@allot/platform';
import { runCli } from '../../apps/gateway/src/cli';
import { openCliRuntime } from '../../apps/gateway/src/runtime';
import { KEYRING_ENTRIES } from './canary-secrets';
import type { TestDatabase } from './test-database';
import { testLogger } from './test-output';

/**
 * Environment for a process talking to `db` with the given keyring (the canary `test1` by default). In-process
 * gateways and CLIs log through `testLogger` whatever LOG_LEVEL says; `trace` is for anything that reads it.
 */
export function testEnv(db: TestDatabase, extra: Record<string, string> = {}): Record<string, string> {
  return {
    DATABASE_URL: db.url,
    DATABASE_POOL_SIZE: '4',
    // The fake providers listen on loopback, which the gateway refuses to connect to unless allowed.
    ALLOT_UPSTREAM_ALLOWED_NETWORKS: '127.0.0.0/8,::1/128',
    ALLOT_ENCRYPTION_KEYS: KEYRING_ENTRIES.test1,
    LOG_LEVEL: 'trace',
    // CI's second pass runs the gateway with Redis too (change bus and shared counters).
    ...(process.env.TEST_REDIS_URL ? { REDIS_URL: process.env.TEST_REDIS_URL } : {}),
    ...extra,
  };
}

export function testConfig(env: Record<string, string>): AppConfig {
  return loadConfig(env);
}

/** The same container the CLI uses, migrated and with the keyring verified. */
export async function openTestRuntime(env: Record<string, string>) {
  const config = loadConfig(env);
  const logger = testLogger('runtime');
  try {
    const runtime = await openCliRuntime(config, logger, { migrate: true, verifyKeyring: true });
    return {
      ...runtime,
      close: async () => {
        await runtime.close();
        logger.close();
      },
    };
  } catch (error) {
    logger.close();
    throw error;
  }
}

/**
 * Runs a CLI command in-process and captures what it prints. Its logs go to a trace-level test log, followed by
 * what it wrote to stderr; its stdout, which shows new keys once by design, goes to the `.display` file beside it.
 */
export async function cli(env: Record<string, string | undefined>, ...argv: string[]) {
  const lines: string[] = [];
  const stderr: string[] = [];
  const logger = testLogger(`cli-${argv[0] ?? 'help'}`);
  const write = process.stderr.write.bind(process.stderr);
  process.stderr.write = ((chunk: string | Uint8Array) => {
    stderr.push(String(chunk));
    return true;
  }) as typeof process.stderr.write;
  try {
    const code = await runCli(argv, env, (line) => lines.push(line), { logger });
    return { code, stdout: lines.join('\n'), stderr: stderr.join('') };
  } finally {
    process.stderr.write = write;
    if (stderr.length > 0) logger.file.append(stderr.join(''));
    if (lines.length > 0) logger.file.appendDisplay(`${lines.join('\n')}\n`);
    logger.close();
  }
}
