#!/usr/bin/env node
// Installs the pinned OpenAI Codex CLI for the real-client tests (`npm run test:codex`) into a cache folder outside
// package.json (it is about 400 MB with its native binary), once, and prints the path of its `codex` launcher.
// ALLOT_CODEX_DIR moves the cache (default: node_modules/.cache/allot-codex-<version>).
//
//   node scripts/ensure-codex.mjs          → installs if needed, prints the launcher path
import { spawnSync } from 'node:child_process';
import { existsSync, mkdirSync, renameSync, rmSync } from 'node:fs';
import { dirname, join, resolve } from 'node:path';
import { fileURLToPath } from 'node:url';

export const CODEX_VERSION = '0.171.0';
const ROOT = resolve(import.meta.dirname, '..');

export function codexDir() {
  return resolve(process.env.ALLOT_CODEX_DIR ?? join(ROOT, `node_modules/.cache/allot-codex-${CODEX_VERSION}`));
}

export function codexLauncher(dir = codexDir()) {
  return join(dir, 'node_modules/.bin/codex');
}

/** The installed version, or undefined when the launcher or its native binary is missing or broken. */
function installedVersion(launcher) {
  if (!existsSync(launcher)) return undefined;
  const result = spawnSync(launcher, ['--version'], { encoding: 'utf8', stdio: ['ignore', 'pipe', 'pipe'], timeout: 30_000 });
  return result.status === 0 ? /codex-cli (\S+)/.exec(result.stdout)?.[1] : undefined;
}

/** Installs @openai/codex@CODEX_VERSION unless it is already there; returns the launcher's path. */
export function ensureCodex({ log = (line) => process.stderr.write(`${line}\n`) } = {}) {
  const dir = codexDir();
  const launcher = codexLauncher(dir);
  if (installedVersion(launcher) === CODEX_VERSION) return launcher;

  // Installed beside the cache and moved in whole, so an interrupted or concurrent install never leaves a half
  // tree where the next run would look.
  const staging = `${dir}.staging-${process.pid}`;
  rmSync(staging, { recursive: true, force: true });
  mkdirSync(staging, { recursive: true });
  log(`Installing @openai/codex@${CODEX_VERSION} into ${dir} (about 400 MB, once)…`);
  const started = Date.now();
  const npm = process.platform === 'win32' ? 'npm.cmd' : 'npm';
  const result = spawnSync(
    npm,
    ['install', '--no-save', '--no-package-lock', '--no-audit', '--no-fund', '--prefix', staging, `@openai/codex@${CODEX_VERSION}`],
    { stdio: ['ignore', 'inherit', 'inherit'], env: { ...process.env, npm_config_update_notifier: 'false' } },
  );
  if (result.status !== 0) {
    rmSync(staging, { recursive: true, force: true });
    throw new Error(`npm install @openai/codex@${CODEX_VERSION} failed (exit ${result.status ?? result.signal})`);
  }
  const staged = installedVersion(codexLauncher(staging));
  if (staged !== CODEX_VERSION) {
    rmSync(staging, { recursive: true, force: true });
    throw new Error(`the installed codex reports version ${staged ?? '(none)'}, expected ${CODEX_VERSION}`);
  }
  rmSync(dir, { recursive: true, force: true });
  mkdirSync(dirname(dir), { recursive: true });
  renameSync(staging, dir);
  log(`Installed codex-cli ${CODEX_VERSION} in ${((Date.now() - started) / 1000).toFixed(1)} s.`);
  return launcher;
}

if (process.argv[1] && resolve(process.argv[1]) === fileURLToPath(import.meta.url)) {
  try {
    process.stdout.write(`${ensureCodex()}\n`);
  } catch (error) {
    process.stderr.write(`${error instanceof Error ? error.message : String(error)}\n`);
    process.exitCode = 1;
  }
}
