#!/usr/bin/env node
// `npm run test:backend [-- jest args]`: Jest over the backend projects, then the secret scan over everything the
// run wrote to test/.output (the tests' trace-level logs, what spawned processes printed, and Jest's own output,
// teed into jest.log). The run fails if Jest fails or the scan finds a secret; the scan runs either way.
import { spawn } from 'node:child_process';
import { createWriteStream, mkdirSync, rmSync } from 'node:fs';
import { join, relative, resolve } from 'node:path';
import { formatReport, scanDirectory } from './scan-secrets.mjs';

const ROOT = resolve(import.meta.dirname, '..');
const OUTPUT = resolve(process.env.ALLOT_TEST_OUTPUT_DIR ?? join(ROOT, 'test/.output'));

rmSync(OUTPUT, { recursive: true, force: true });
mkdirSync(OUTPUT, { recursive: true });
const jestLog = createWriteStream(join(OUTPUT, 'jest.log'));

// Jest sees pipes instead of a terminal, so it would drop colours; keep them when this script has a terminal.
const env = { ...process.env, ALLOT_TEST_OUTPUT_DIR: OUTPUT };
if (process.stdout.isTTY && env.FORCE_COLOR === undefined && env.NO_COLOR === undefined) env.FORCE_COLOR = '1';

// Without --selectProjects, the default projects: the real-Codex project ('codex', which installs a 400 MB CLI) runs
// only when selected (`npm run test:codex`).
const DEFAULT_PROJECTS = ['unit', 'integration', 'e2e'];
const args = process.argv.slice(2);
const selects = args.some((arg) => arg === '--selectProjects' || arg.startsWith('--selectProjects='));
if (!selects) args.unshift(...DEFAULT_PROJECTS.map((name) => `--selectProjects=${name}`));

const jest = spawn(
  process.execPath,
  ['--experimental-vm-modules', '--disable-warning=ExperimentalWarning', join(ROOT, 'node_modules/jest/bin/jest.js'), ...args],
  { cwd: ROOT, env, stdio: ['inherit', 'pipe', 'pipe'] },
);
for (const [from, to] of [
  [jest.stdout, process.stdout],
  [jest.stderr, process.stderr],
]) {
  from.on('data', (chunk) => {
    to.write(chunk);
    jestLog.write(chunk);
  });
}
// A terminal's Ctrl-C reaches Jest directly (same process group); a signal sent to this script alone is passed on.
for (const signal of ['SIGINT', 'SIGTERM', 'SIGHUP']) process.on(signal, () => jest.kill(signal));

const jestCode = await new Promise((done) => jest.on('close', (code, signal) => done(code ?? (signal ? 1 : 0))));
await new Promise((done) => jestLog.end(done));

let scanCode;
try {
  const result = scanDirectory(OUTPUT);
  process.stdout.write(`\n${formatReport(result)}\n`);
  scanCode = result.findings.length > 0 ? 1 : 0;
} catch (error) {
  process.stderr.write(`\nSecret scan failed: ${error instanceof Error ? error.message : String(error)}\n`);
  scanCode = 2;
}
if (scanCode !== 0) {
  process.stdout.write(
    `The run's output is in ${relative(process.cwd(), OUTPUT) || OUTPUT}; see scripts/scan-secrets.mjs for the rules.\n`,
  );
}
process.exitCode = jestCode !== 0 ? jestCode : scanCode;
