// `npm start`: build what is stale, then run the gateway (which serves the console) in this process's place.
import { spawn } from 'node:child_process';
import { join } from 'node:path';
import { buildIfStale, GATEWAY_DIST, ROOT } from './build-if-stale.mjs';

buildIfStale('gateway', 'console');
const child = spawn(process.execPath, [join(GATEWAY_DIST, 'main.js')], {
  cwd: ROOT,
  stdio: 'inherit',
  env: { ...process.env, ALLOT_CONSOLE_DIR: process.env.ALLOT_CONSOLE_DIR || join(ROOT, 'dist/console/browser') },
});
for (const signal of ['SIGINT', 'SIGTERM']) process.on(signal, () => child.kill(signal));
child.on('exit', (code, signal) => process.exit(code ?? (signal ? 1 : 0)));
// npm does not pass SIGTERM on to its script's children: when whoever started us goes away, stop the gateway too.
const parent = process.ppid;
setInterval(() => {
  if (process.ppid !== parent) child.kill('SIGTERM');
}, 500).unref();
