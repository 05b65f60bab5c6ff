// Builds the gateway and/or the console when their sources are newer than the last build, so `npm start` and
// `npm run cli` work on a fresh clone and stay fast afterwards.
import { spawnSync } from 'node:child_process';
import { existsSync, readdirSync, statSync, writeFileSync } from 'node:fs';
import { join, resolve } from 'node:path';

export const ROOT = resolve(import.meta.dirname, '..');
export const GATEWAY_DIST = join(ROOT, 'dist/gateway/apps/gateway/src');

const TARGETS = {
  gateway: {
    sources: ['apps/gateway/src', 'libs', 'migrations', 'package-lock.json', 'tsconfig.json', 'apps/gateway/tsconfig.app.json'],
    stamp: 'dist/gateway/.build-stamp',
    command: ['npx', ['nest', 'build', 'gateway']],
  },
  console: {
    sources: ['apps/console', 'libs/contracts', 'angular.json', 'package-lock.json'],
    stamp: 'dist/console/.build-stamp',
    command: ['npx', ['ng', 'build', 'console']],
  },
};

function newestMtime(path) {
  if (!existsSync(path)) return 0;
  const stat = statSync(path);
  if (!stat.isDirectory()) return stat.mtimeMs;
  let newest = stat.mtimeMs;
  for (const entry of readdirSync(path)) {
    if (entry === 'node_modules' || entry.startsWith('.')) continue;
    newest = Math.max(newest, newestMtime(join(path, entry)));
  }
  return newest;
}

export function buildIfStale(...names) {
  for (const name of names) {
    const target = TARGETS[name];
    const stamp = join(ROOT, target.stamp);
    const built = existsSync(stamp) ? statSync(stamp).mtimeMs : 0;
    const newest = Math.max(...target.sources.map((s) => newestMtime(join(ROOT, s))));
    if (built > newest) continue;
    process.stderr.write(`Building the ${name}…\n`);
    const [cmd, args] = target.command;
    const result = spawnSync(cmd, args, {
      cwd: ROOT,
      stdio: ['ignore', 'inherit', 'inherit'],
      env: { ...process.env, NG_CLI_ANALYTICS: 'false' },
    });
    if (result.status !== 0) {
      process.stderr.write(`Building the ${name} failed.\n`);
      process.exit(result.status ?? 1);
    }
    writeFileSync(stamp, new Date().toISOString());
  }
}
