import { Keyring, createLogger, loadConfig, type AppConfig } from '@allot/platform';
import { runCli } from '../../apps/gateway/src/cli';
import { openCliRuntime } from '../../apps/gateway/src/runtime';
import type { TestDatabase } from './test-database';

/** Environment for a process talking to `db` with the given keyring (a fresh one by default). */
export function testEnv(db: TestDatabase, extra: Record<string, string> = {}): Record<string, string> {
  return {
    DATABASE_URL: db.url,
    DATABASE_POOL_SIZE: '4',
    ALLOT_ENCRYPTION_KEYS: Keyring.generateEntry('test1'),
    LOG_LEVEL: 'silent',
    // CI's second pass runs the gateway with Redis too (change bus and shared counters).
    ...(process.env.TEST_REDIS_URL ? { REDIS_URL: process.env.TEST_REDIS_URL } : {}),
    ...extra,
  };
}

export function testConfig(env: Record<string, string>): AppConfig {
  return loadConfig(env);
}

/** The same container the CLI uses, migrated and with the keyring verified. */
export function openTestRuntime(env: Record<string, string>) {
  const config = loadConfig(env);
  return openCliRuntime(config, createLogger('silent'), { migrate: true, verifyKeyring: true });
}

/** Runs a CLI command in-process and captures what it prints. */
export async function cli(env: Record<string, string | undefined>, ...argv: string[]) {
  const lines: string[] = [];
  const stderr: string[] = [];
  const write = process.stderr.write.bind(process.stderr);
  process.stderr.write = ((chunk: string | Uint8Array) => {
    stderr.push(String(chunk));
    return true;
  }) as typeof process.stderr.write;
  try {
    const code = await runCli(argv, env, (line) => lines.push(line));
    return { code, stdout: lines.join('\n'), stderr: stderr.join('') };
  } finally {
    process.stderr.write = write;
  }
}
