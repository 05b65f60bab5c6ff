// `npm run bench`: the gateway (production build, auth + quota reservation + ledger on, pinned to one core) against a
// direct call to a fake upstream and a plain node:http pass-through proxy (the floor), in one run, JSON and stream, at
// concurrency 1, 16 and 64. `--streams N` adds the open-streams mode (N concurrent slow streams through one process).
import { spawn, spawnSync } from 'node:child_process';
import { mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { request as httpRequest, Agent } from 'node:http';
import { tmpdir, cpus } from 'node:os';
import { join } from 'node:path';
import { parseArgs } from 'node:util';
import autocannon from 'autocannon';
import pg from 'pg';
import { buildIfStale, GATEWAY_DIST, ROOT } from '../scripts/build-if-stale.mjs';

const { values: args } = parseArgs({
  options: {
    duration: { type: 'string', default: '5' },
    streams: { type: 'string' },
    quick: { type: 'boolean' },
    modes: { type: 'string', default: 'json,stream,resp-json,resp-stream' },
  },
});
const DURATION = Number(args.duration);
const CONCURRENCY = args.quick ? [16] : [1, 16, 64];
const pin = (core, cmd, cmdArgs) => (cpus().length > 1 ? ['taskset', ['-c', String(core), cmd, ...cmdArgs]] : [cmd, cmdArgs]);

function startProcess(core, script, env, nodeArgs = []) {
  const [cmd, cmdArgs] = pin(core, process.execPath, [...nodeArgs, script]);
  const child = spawn(cmd, cmdArgs, { env: { ...process.env, ...env }, stdio: ['ignore', 'pipe', 'pipe'] });
  let out = '';
  child.stdout.on('data', (d) => (out += d));
  child.stderr.on('data', (d) => (out += d));
  return new Promise((resolve, reject) => {
    const timer = setTimeout(() => reject(new Error(`${script} did not start:\n${out}`)), 120_000);
    const poll = setInterval(() => {
      const m = /listening (\d+)|Allot is running at http:\/\/[^:]+:(\d+)/.exec(out);
      if (!m) return;
      clearInterval(poll);
      clearTimeout(timer);
      resolve({ child, port: Number(m[1] ?? m[2]), output: () => out });
    }, 50);
    child.on('exit', (code) => reject(new Error(`${script} exited ${code}:\n${out}`)));
  });
}

const procStat = (pid) => {
  const fields = readFileSync(`/proc/${pid}/stat`, 'utf8').split(') ')[1].split(' ');
  return (Number(fields[11]) + Number(fields[12])) * (1000 / 100); // utime + stime, clock ticks → ms (CLK_TCK 100)
};
const procMem = (pid) => {
  const status = readFileSync(`/proc/${pid}/status`, 'utf8');
  const kb = (name) => Number(new RegExp(`${name}:\\s+(\\d+)`).exec(status)[1]);
  return { rssMb: kb('VmRSS') / 1024, peakMb: kb('VmHWM') / 1024 };
};

/** The two wires measured: chat completions and the Responses API, each JSON and stream. */
const WIRES = {
  chat: {
    path: '/v1/chat/completions',
    body: (stream) =>
      JSON.stringify({
        model: 'bench/model',
        messages: [{ role: 'user', content: 'Benchmark prompt of modest size.' }],
        max_tokens: 64,
        stream,
      }),
  },
  responses: {
    path: '/v1/responses',
    body: (stream) => JSON.stringify({ model: 'bench/model', input: 'Benchmark prompt of modest size.', max_output_tokens: 64, stream }),
  },
};

async function load(url, { wire = 'chat', concurrency, stream, key, pid }) {
  const body = WIRES[wire].body(stream);
  const headers = { 'content-type': 'application/json', ...(key ? { authorization: `Bearer ${key}` } : {}) };
  const run = (duration) =>
    autocannon({ url: `${url}${WIRES[wire].path}`, method: 'POST', body, headers, connections: concurrency, duration });
  await run(1); // warm-up
  const cpuBefore = pid ? procStat(pid) : 0;
  const result = await run(DURATION);
  const cpuMs = pid ? procStat(pid) - cpuBefore : NaN;
  const total = result.requests.total;
  return {
    rps: result.requests.average,
    p50: result.latency.p50,
    p99: result.latency.p99,
    errors: result.errors + result.non2xx + result.timeouts,
    cpuPerRequest: pid ? cpuMs / Math.max(1, total) : NaN,
  };
}

/**
 * Sequential requests timed with a high-resolution clock (autocannon reports whole milliseconds): time to the first
 * body byte, for JSON and streams alike; median and p99 over n requests per target. The targets take turns, one
 * request each, so a hiccup of the shared host falls on both rather than on whichever ran at that moment.
 */
async function sequentialLatency(targets, stream, n = 2000, warmup = 200) {
  const body = JSON.stringify({ model: 'bench/model', messages: [{ role: 'user', content: 'latency' }], stream });
  const agents = targets.map(() => new Agent({ keepAlive: true, maxSockets: 1 }));
  const times = targets.map(() => []);
  const once = (target, agent) =>
    new Promise((resolve, reject) => {
      const started = process.hrtime.bigint();
      const req = httpRequest(
        `${target.url}/v1/chat/completions`,
        {
          method: 'POST',
          agent,
          headers: { 'content-type': 'application/json', ...(target.key ? { authorization: `Bearer ${target.key}` } : {}) },
        },
        (res) => {
          let first;
          res.on('data', () => (first ??= Number(process.hrtime.bigint() - started) / 1e6));
          res.on('end', () => resolve(first));
        },
      );
      req.on('error', reject);
      req.end(body);
    });
  // The first requests run cold code (JIT, lazy modules, pools): measured after a warm-up, like the load runs.
  for (let i = 0; i < n + warmup; i++) {
    for (let t = 0; t < targets.length; t++) {
      const ms = await once(targets[t], agents[t]);
      if (i >= warmup) times[t].push(ms);
    }
  }
  for (const agent of agents) agent.destroy();
  return times.map((list) => {
    list.sort((a, b) => a - b);
    return { p50: list[Math.floor(n / 2)], p99: list[Math.floor(n * 0.99)] };
  });
}

async function openStreams(url, key, n) {
  const agent = new Agent({ keepAlive: false, maxSockets: Infinity });
  const body = JSON.stringify({ model: 'bench/model', messages: [{ role: 'user', content: 'slow' }], stream: true });
  let errors = 0;
  let completed = 0;
  await Promise.all(
    Array.from(
      { length: n },
      () =>
        new Promise((resolve) => {
          const req = httpRequest(
            `${url}/v1/chat/completions`,
            { method: 'POST', agent, headers: { 'content-type': 'application/json', authorization: `Bearer ${key}` } },
            (res) => {
              let text = '';
              res.setEncoding('utf8');
              res.on('data', (d) => (text += d));
              res.on('end', () => {
                if (res.statusCode === 200 && text.includes('[DONE]')) completed++;
                else errors++;
                resolve();
              });
            },
          );
          req.on('error', () => {
            errors++;
            resolve();
          });
          req.end(body);
        }),
    ),
  );
  return { completed, errors };
}

async function adminQuery(url, sql) {
  const client = new pg.Client({ connectionString: url });
  await client.connect();
  try {
    await client.query(sql);
  } finally {
    await client.end();
  }
}

const fmt = (n, d = 0) => (Number.isFinite(n) ? n.toFixed(d) : '—');

async function main() {
  buildIfStale('gateway');
  // The load generator (this process) shares core 1 with the fake upstream, never the gateway's core.
  if (cpus().length > 1) spawnSync('taskset', ['-a', '-p', '-c', '1', String(process.pid)], { stdio: 'ignore' });
  const dataDir = mkdtempSync(join(tmpdir(), 'allot-bench-'));
  const children = [];
  const cleanups = [];
  try {
    const upstream = await startProcess(1, join(ROOT, 'bench/fake-upstream.mjs'), { PORT: '0' });
    children.push(upstream.child);
    const upstreamUrl = `http://127.0.0.1:${upstream.port}`;
    const floor = await startProcess(0, join(ROOT, 'bench/floor-proxy.mjs'), { UPSTREAM: upstreamUrl });
    children.push(floor.child);
    const gatewayEnv = {
      ALLOT_DATA_DIR: dataDir,
      PORT: '0',
      HOST: '127.0.0.1',
      LOG_LEVEL: 'warn',
      // The fake upstream listens on loopback, which the gateway refuses to connect to unless allowed.
      ALLOT_UPSTREAM_ALLOWED_NETWORKS: '127.0.0.0/8,::1/128',
      BENCH_UPSTREAM_KEY: 'sk-bench',
      NODE_ENV: 'production',
    };
    if (process.env.BENCH_DATABASE_URL) {
      // A fresh database on that server for this run, dropped at the end.
      const name = `allot_bench_${process.pid}`;
      await adminQuery(process.env.BENCH_DATABASE_URL, `CREATE DATABASE ${name}`);
      cleanups.push(() => adminQuery(process.env.BENCH_DATABASE_URL, `DROP DATABASE IF EXISTS ${name} WITH (FORCE)`));
      const url = new URL(process.env.BENCH_DATABASE_URL);
      url.pathname = `/${name}`;
      Object.assign(gatewayEnv, { DATABASE_URL: url.toString(), ALLOT_ENCRYPTION_KEYS: 'bench:' + Buffer.alloc(32, 7).toString('base64') });
    }
    // BENCH_CPU_PROF=<dir> writes a V8 CPU profile of the gateway (open it in Chrome DevTools) when the run ends.
    const profile = process.env.BENCH_CPU_PROF ? ['--cpu-prof', `--cpu-prof-dir=${process.env.BENCH_CPU_PROF}`] : [];
    const gateway = await startProcess(0, join(GATEWAY_DIST, 'main.js'), gatewayEnv, profile);
    children.push(gateway.child);
    const orgFile = join(dataDir, 'org.yaml');
    writeFileSync(
      orgFile,
      `version: 1
providers: [{ name: bench, type: openai-compatible, baseUrl: "${upstreamUrl}/v1", credentials: [{ label: main, apiKey: { env: BENCH_UPSTREAM_KEY } }] }]
models: [{ slug: bench/model, prices: [{ effectiveFrom: 2026-01-01, inputPer1M: "1", outputPer1M: "4" }] }]
members: [{ identifier: bench }]
allocations: [{ member: bench, model: bench/model, quota: { tokensPerMonth: 1000000000000, costPerMonth: "1000000" } }]
keys: [{ member: bench, name: bench, allocations: [bench/model] }]
`,
    );
    const applied = spawnSync(process.execPath, [join(GATEWAY_DIST, 'cli.js'), 'apply', '-f', orgFile], {
      env: { ...process.env, ...gatewayEnv },
      encoding: 'utf8',
    });
    const key = /bench\/bench: (allot_k1_\S+)/.exec(applied.stdout)?.[1];
    if (!key) throw new Error(`could not set up the benchmark organization:\n${applied.stdout}${applied.stderr}`);

    const targets = [
      { name: 'direct', url: upstreamUrl },
      { name: 'node:http floor', url: `http://127.0.0.1:${floor.port}`, pid: floor.child.pid },
      { name: 'allot gateway', url: `http://127.0.0.1:${gateway.port}`, pid: gateway.child.pid, key },
    ];
    const rows = [];
    const modes = args.modes.split(',');
    for (const wire of Object.keys(WIRES)) {
      for (const stream of [false, true]) {
        const mode = `${wire === 'chat' ? '' : 'resp-'}${stream ? 'stream' : 'json'}`;
        if (!modes.includes(mode)) continue;
        for (const concurrency of CONCURRENCY) {
          const results = {};
          for (const t of targets) results[t.name] = await load(t.url, { wire, concurrency, stream, key: t.key, pid: t.pid });
          rows.push({ mode, concurrency, results });
        }
      }
    }
    const rssAfterFirst = procMem(gateway.child.pid).rssMb;
    await load(targets[2].url, { concurrency: 16, stream: false, key, pid: gateway.child.pid });
    const rssAfterSecond = procMem(gateway.child.pid).rssMb;

    console.log(`\nAllot benchmark — ${DURATION}s per run, gateway and floor pinned to core 0, upstream + load generator on core 1`);
    console.log(`database: ${process.env.BENCH_DATABASE_URL ? 'PostgreSQL' : 'embedded'}\n`);
    // "CPU × floor" (CPU per request over the floor's, same run) moves little when the host's speed does; absolute
    // numbers on a shared 2-core VM can halve between runs.
    console.log('mode         conc  target            req/s    p50 ms  p99 ms  errors  CPU ms/req  vs floor  added p50 ms  CPU × floor');
    for (const row of rows) {
      const direct = row.results.direct;
      const floorR = row.results['node:http floor'];
      for (const [name, r] of Object.entries(row.results)) {
        console.log(
          `${row.mode.padEnd(12)} ${String(row.concurrency).padStart(4)}  ${name.padEnd(16)} ${fmt(r.rps).padStart(7)} ${fmt(r.p50, 2).padStart(8)} ${fmt(r.p99, 2).padStart(7)} ${String(r.errors).padStart(7)} ${fmt(r.cpuPerRequest, 3).padStart(11)} ${name === 'direct' ? '' : fmt(r.rps / floorR.rps, 2).padStart(9)} ${name === 'direct' ? '' : fmt(r.p50 - direct.p50, 2).padStart(13)} ${name === 'direct' ? '' : fmt(r.cpuPerRequest / floorR.cpuPerRequest, 1).padStart(12)}`,
        );
      }
    }
    console.log('');
    for (const stream of [false, true]) {
      const [direct, through] = await sequentialLatency([targets[0], targets[2]], stream);
      console.log(
        `${stream ? 'time to first token' : 'JSON latency'} at concurrency 1 (2,000 sequential, direct and gateway in turn): direct p50 ${fmt(direct.p50, 2)} / p99 ${fmt(direct.p99, 2)} ms; ` +
          `gateway p50 ${fmt(through.p50, 2)} / p99 ${fmt(through.p99, 2)} ms; added p50 ${fmt(through.p50 - direct.p50, 2)} ms, p99 ${fmt(through.p99 - direct.p99, 2)} ms`,
      );
    }
    const mem = procMem(gateway.child.pid);
    console.log(
      `gateway RSS ${fmt(mem.rssMb)} MB (peak ${fmt(mem.peakMb)} MB); after a repeated JSON c16 run ${fmt(rssAfterFirst)} → ${fmt(rssAfterSecond)} MB (${fmt(((rssAfterSecond - rssAfterFirst) / rssAfterFirst) * 100, 1)}%)`,
    );

    if (args.streams) {
      const n = Number(args.streams);
      upstream.child.kill();
      const slow = await startProcess(1, join(ROOT, 'bench/fake-upstream.mjs'), {
        PORT: String(upstream.port),
        BENCH_CHUNK_DELAY_MS: '50',
      });
      children.push(slow.child);
      let peak = 0;
      const sampler = setInterval(() => (peak = Math.max(peak, procMem(gateway.child.pid).rssMb)), 100);
      const started = Date.now();
      const result = await openStreams(targets[2].url, key, n);
      clearInterval(sampler);
      console.log(
        `open streams: ${n} concurrent slow streams (50 ms between chunks) → ${result.completed} completed, ${result.errors} errors, ${((Date.now() - started) / 1000).toFixed(1)} s, gateway peak RSS ${fmt(peak)} MB`,
      );
    }
  } finally {
    for (const c of children) c.kill();
    await new Promise((r) => setTimeout(r, 500));
    for (const cleanup of cleanups) await cleanup().catch(() => undefined);
    rmSync(dataDir, { recursive: true, force: true });
  }
}

main().catch((error) => {
  console.error(error);
  process.exit(1);
});
