// `npm run cli -- <command>`: build the gateway if stale, then run its CLI.
import { spawnSync } from 'node:child_process';
import { join } from 'node:path';
import { buildIfStale, GATEWAY_DIST, ROOT } from './build-if-stale.mjs';

buildIfStale('gateway');
const result = spawnSync(process.execPath, [join(GATEWAY_DIST, 'cli.js'), ...process.argv.slice(2)], { cwd: ROOT, stdio: 'inherit' });
process.exit(result.status ?? 1);
