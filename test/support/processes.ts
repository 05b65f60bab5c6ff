import { spawn, type ChildProcess } from 'node:child_process';
import { join } from 'node:path';
import { testOutputFile } from './test-output';

const ROOT = join(__dirname, '../..');
export const GATEWAY_MAIN = join(ROOT, 'dist/gateway/apps/gateway/src/main.js');
export const GATEWAY_CLI = join(ROOT, 'dist/gateway/apps/gateway/src/cli.js');

/** A real gateway process; everything it prints is kept for assertions (and for the secret scan). */
export interface GatewayProcess {
  child: ChildProcess;
  url: string;
  output: () => string;
  stop(signal?: NodeJS.Signals): Promise<number | null>;
}

/**
 * Starts `main.js` and resolves once it prints where it listens. It logs at trace level unless `env` says
 * otherwise (its JSON log lines go to stdout around the human message the tests read); everything it prints is
 * also appended to a `.log` file in the test output, which the secret scan reads.
 */
export function startGatewayProcess(env: Record<string, string>, timeoutMs = 60_000): Promise<GatewayProcess> {
  const child = spawn(process.execPath, [GATEWAY_MAIN], {
    cwd: ROOT,
    env: { PATH: process.env.PATH ?? '', LOG_LEVEL: 'trace', ...env },
    stdio: ['ignore', 'pipe', 'pipe'],
  });
  const file = testOutputFile('gateway-process');
  let out = '';
  const collect = (d: Buffer) => {
    out += d.toString();
    file.append(d);
  };
  child.stdout!.on('data', collect);
  child.stderr!.on('data', collect);
  const exited = new Promise<number | null>((resolve) => child.on('exit', (code) => resolve(code)));
  return new Promise((resolve, reject) => {
    const timer = setTimeout(() => {
      child.kill('SIGKILL');
      reject(new Error(`gateway did not start in ${timeoutMs} ms:\n${out}`));
    }, timeoutMs);
    const poll = setInterval(() => {
      const match = /Allot is running at (http:\/\/\S+)/.exec(out);
      if (!match) return;
      clearInterval(poll);
      clearTimeout(timer);
      resolve({
        child,
        url: match[1]!,
        output: () => out,
        stop: async (signal = 'SIGTERM') => {
          child.kill(signal);
          return exited;
        },
      });
    }, 50);
    void exited.then((code) => {
      if (/Allot is running/.test(out)) return;
      clearInterval(poll);
      clearTimeout(timer);
      reject(new Error(`gateway exited with ${code} before listening:\n${out}`));
    });
  });
}

/**
 * Runs the built CLI as its own process, logging at trace level (to its stderr) unless `env` sets LOG_LEVEL; a
 * test that checks stderr for what a user sees sets it. Its stderr is kept in a `.log` file in the test output;
 * its stdout, where commands like `apply` show each new key once by design, in a `.display` file.
 */
export function runCliProcess(
  env: Record<string, string>,
  args: string[],
): Promise<{ code: number | null; stdout: string; stderr: string }> {
  return new Promise((resolve) => {
    const child = spawn(process.execPath, [GATEWAY_CLI, ...args], {
      cwd: ROOT,
      env: { PATH: process.env.PATH ?? '', LOG_LEVEL: 'trace', ...env },
    });
    const file = testOutputFile(`cli-process-${args[0] ?? 'help'}`);
    let stdout = '';
    let stderr = '';
    child.stdout.on('data', (d: Buffer) => {
      stdout += d.toString();
      file.appendDisplay(d);
    });
    child.stderr.on('data', (d: Buffer) => {
      stderr += d.toString();
      file.append(d);
    });
    child.on('exit', (code) => resolve({ code, stdout, stderr }));
  });
}
