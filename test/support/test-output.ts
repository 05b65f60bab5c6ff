import { appendFileSync, closeSync, mkdirSync, openSync, writeSync } from 'node:fs';
import { basename, join, resolve } from 'node:path';
import type { Logger } from 'pino';
import { createLogger } from '@allot/platform';

/**
 * The test run's output: every log line of every in-process gateway and CLI (at trace level) and everything the
 * spawned processes print. `scripts/test-backend.mjs` empties it before Jest starts and runs
 * `scripts/scan-secrets.mjs` over it afterwards, which fails the run on any leaked key. ALLOT_TEST_OUTPUT_DIR
 * moves it (the runner passes its choice on to Jest).
 *
 * File names: `<spec>.<name>-<pid>-<n>.<suffix>`; `.log` files are scanned for every kind of secret, `.display`
 * files (what a CLI prints to stdout on purpose, e.g. a new key shown once) for everything but the kinds a
 * command is designed to show (see scan-secrets.mjs).
 */
export const TEST_OUTPUT_DIR = resolve(process.env.ALLOT_TEST_OUTPUT_DIR ?? join(__dirname, '../.output'));

export function testOutputDir(): string {
  mkdirSync(TEST_OUTPUT_DIR, { recursive: true });
  return TEST_OUTPUT_DIR;
}

/** The spec file running now (`quota` for quota.e2e-spec.ts), to tell which test wrote a file. */
function currentSpec(): string {
  const path = typeof expect === 'undefined' ? undefined : expect.getState().testPath;
  return path ? basename(path).replace(/(\.(e2e-spec|integration-spec|spec))?\.ts$/, '') : 'nospec';
}

/**
 * A new output file base (without suffix) whose `.log` file is created exclusively and returned open. Jest gives
 * every spec file fresh modules in the same worker, so a module counter alone would repeat; `wx` never does.
 */
function reserve(name: string): { base: string; fd: number } {
  const dir = testOutputDir();
  const stem = `${currentSpec()}.${name.replace(/[^A-Za-z0-9_.-]/g, '_')}-${process.pid}`;
  for (let n = 1; ; n++) {
    const base = join(dir, `${stem}-${n}`);
    try {
      return { base, fd: openSync(`${base}.log`, 'wx') };
    } catch (error) {
      if ((error as NodeJS.ErrnoException).code !== 'EEXIST') throw error;
    }
  }
}

/** An output file to append to as data arrives (spawned processes). Appends are synchronous: nothing is lost on a crash. */
export interface TestOutputFile {
  /** Path of the `.log` file. */
  path: string;
  /** Appends to the `.log` file. */
  append(data: string | Uint8Array): void;
  /** Appends to the sibling `.display` file (created on first use). */
  appendDisplay(data: string | Uint8Array): void;
}

export function testOutputFile(name: string): TestOutputFile {
  const { base, fd } = reserve(name);
  closeSync(fd);
  return {
    path: `${base}.log`,
    append: (data) => appendFileSync(`${base}.log`, data),
    appendDisplay: (data) => appendFileSync(`${base}.display`, data),
  };
}

export type TestLogger = Logger & {
  /** The `.log` file this logger writes to. */
  readonly file: TestOutputFile;
  /** Closes the file; lines logged later are still appended (reopening the file each time), never dropped. */
  close(): void;
};

/** A trace-level JSON logger (the product's own `createLogger`, with its redaction) writing synchronously to a new file. */
export function testLogger(name: string): TestLogger {
  const { base, fd: opened } = reserve(name);
  let fd = opened;
  const path = `${base}.log`;
  const destination = {
    write(line: string) {
      if (fd >= 0) writeSync(fd, line);
      else appendFileSync(path, line);
    },
  };
  const file: TestOutputFile = {
    path,
    append: (data) => destination.write(typeof data === 'string' ? data : Buffer.from(data).toString()),
    appendDisplay: (data) => appendFileSync(`${base}.display`, data),
  };
  return Object.assign(createLogger('trace', destination), {
    file,
    close() {
      if (fd < 0) return;
      closeSync(fd);
      fd = -1;
    },
  });
}
