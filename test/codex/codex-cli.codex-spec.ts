import { spawn } from 'node:child_process';
import { existsSync, mkdirSync, mkdtempSync, readdirSync, readFileSync, rmSync, statSync, writeFileSync } from 'node:fs';
import type { IncomingMessage, Server, ServerResponse } from 'node:http';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { LedgerWriter } from '@allot/billing';
import type { OpenAiFake } from '../fakes/openai-fake';
import { FAKE_PROVIDER_KEY, startVendorHarness, type FakeUrls, type VendorHarness } from '../support/gateway-harness';
import { anthropicProvider, geminiProvider, openaiProvider } from '../support/org-yaml';
import { testOutputFile } from '../support/test-output';
import { cli, testEnv } from '../support/test-runtime';

/**
 * The real OpenAI Codex CLI (pinned 0.171.0, installed by scripts/ensure-codex.mjs) pointed at the gateway's
 * /v1/responses with the config `codex-config` prints, a member key in ALLOT_API_KEY, and the OpenAI fake as the
 * provider scripted to answer like a reasoning model: turn 1 a reasoning item and an `exec_command` call, turn 2
 * "done". Codex runs the command itself, so a file in its working folder proves the whole round trip.
 * `npm run test:codex`; not part of `npm test`.
 */
const CODEX =
  process.env.ALLOT_CODEX_BIN ??
  join(process.env.ALLOT_CODEX_DIR ?? join(__dirname, '../../node_modules/.cache/allot-codex-0.171.0'), 'node_modules/.bin/codex');
const CODEX_TIMEOUT_MS = 60_000;

const CLAUDE = 'anthropic/claude-sonnet-4-5';
const GEMINI = 'gemini/gemini-3-pro-preview';
const org = (urls: FakeUrls) => `
version: 1
providers:
${openaiProvider(urls.openai)}
${anthropicProvider(urls.anthropic)}
${geminiProvider(urls.gemini)}
models:
  - slug: openai/gpt-5.4
    prices: [{ effectiveFrom: 2026-01-01, inputPer1M: "1.25", cachedInputPer1M: "0.125", outputPer1M: "10" }]
  - slug: ${CLAUDE}
    prices: [{ effectiveFrom: 2026-01-01, inputPer1M: "3", cachedInputPer1M: "0.30", cacheWritePer1M: "3.75", outputPer1M: "15" }]
  - slug: ${GEMINI}
    prices: [{ effectiveFrom: 2026-01-01, inputPer1M: "2", cachedInputPer1M: "0.2", outputPer1M: "12" }]
members:
  - identifier: dev
allocations:
  - { member: dev, model: openai/gpt-5.4 }
  - { member: dev, model: ${CLAUDE} }
  - { member: dev, model: ${GEMINI} }
keys:
  - { member: dev, name: codex, allocations: [openai/gpt-5.4] }
  - { member: dev, name: claude, allocations: [${CLAUDE}] }
  - { member: dev, name: gemini, allocations: [${GEMINI}] }
`;

// What a reasoning model sends (base64-ish opaque bytes, like api.openai.com's): Codex must send it back verbatim.
const ENCRYPTED = 'gAAAAABpQ7x+/codex=' + 'Zm9vYmFy+/=='.repeat(200);
const TURN_1 = {
  reasoning: { summary: '**Planning** I will create hello.txt with a shell command.', encryptedContent: ENCRYPTED },
  // Codex 0.171.0's shell tool for a model it has no metadata for (fallback metadata): see codex-client.md §3.4.
  toolCall: { name: 'exec_command', arguments: '{"cmd":"echo hello > hello.txt"}' },
  cachedTokens: 1024,
};
const TURN_2 = { reasoning: { summary: 'Done.', encryptedContent: 'gAAAAABp-second' }, content: 'done', cachedTokens: 2048 };

type Usage = {
  input_tokens: number;
  input_tokens_details: { cached_tokens: number };
  output_tokens: number;
  output_tokens_details: { reasoning_tokens: number };
  total_tokens: number;
};

/** What the fake answered to each request: when it arrived, its status, and the usage its response.completed reported. */
interface Answer {
  at: number;
  status?: number;
  usage?: Usage;
}

/** Watches the fake's HTTP server: records every answer's status and the usage in the SSE bytes it wrote. */
function tapAnswers(fake: OpenAiFake): Answer[] {
  const answers: Answer[] = [];
  const server = (fake as unknown as { server: Server }).server;
  // Runs right after the fake's own handler, which reads the whole body before it writes anything.
  server.on('request', (_req: IncomingMessage, res: ServerResponse) => {
    const answer: Answer = { at: Date.now() };
    answers.push(answer);
    let text = '';
    const write = res.write.bind(res) as (chunk: unknown, ...rest: unknown[]) => boolean;
    res.write = ((chunk: unknown, ...rest: unknown[]) => {
      text += Buffer.isBuffer(chunk) ? chunk.toString('utf8') : String(chunk);
      return write(chunk, ...rest);
    }) as typeof res.write;
    res.on('finish', () => {
      answer.status = res.statusCode;
      const completed = /^data: (\{"type":"response\.completed".*)$/m.exec(text);
      if (completed) answer.usage = (JSON.parse(completed[1]!) as { response: { usage: Usage } }).response.usage;
    });
  });
  return answers;
}

interface CodexRun {
  code: number | null;
  stdout: string;
  stderr: string;
  events: Record<string, unknown>[];
  ms: number;
}

/** `codex exec` as a member runs it: non-interactive, stdin from /dev/null, its own process group (killed on timeout). */
function runCodex(env: Record<string, string>, workdir: string, prompt: string, options: string[] = []): Promise<CodexRun> {
  const started = Date.now();
  const args = [
    'exec',
    '--strict-config',
    '--skip-git-repo-check',
    '-C',
    workdir,
    '--sandbox',
    'workspace-write',
    '--json',
    ...options,
    prompt,
  ];
  const child = spawn(CODEX, args, { cwd: workdir, env, stdio: ['ignore', 'pipe', 'pipe'], detached: true });
  const file = testOutputFile('codex');
  file.append(`$ codex ${args.join(' ')}\n`);
  let stdout = '';
  let stderr = '';
  child.stdout.on('data', (d: Buffer) => {
    stdout += d.toString();
    file.append(d);
  });
  child.stderr.on('data', (d: Buffer) => {
    stderr += d.toString();
    file.append(d);
  });
  const timer = setTimeout(() => {
    file.append(`\n[test] codex still running after ${CODEX_TIMEOUT_MS} ms: killing its process group\n`);
    if (child.pid) process.kill(-child.pid, 'SIGKILL');
  }, CODEX_TIMEOUT_MS);
  return new Promise((resolve, reject) => {
    child.on('error', reject);
    child.on('close', (code) => {
      clearTimeout(timer);
      const events = stdout
        .split('\n')
        .filter((line) => line.startsWith('{'))
        .map((line) => JSON.parse(line) as Record<string, unknown>);
      resolve({ code, stdout, stderr, events, ms: Date.now() - started });
    });
  });
}

/** Every file under `dir`, for looking for a secret in what Codex persisted. */
function filesUnder(dir: string): string[] {
  return readdirSync(dir).flatMap((name) => {
    const path = join(dir, name);
    return statSync(path).isDirectory() ? filesUnder(path) : [path];
  });
}

describe('the real Codex CLI through the gateway', () => {
  let h: VendorHarness;
  let key: string;
  let answers: Answer[];
  let temp: string;
  let codexEnv: Record<string, string>;
  /** The same member's Codex set up for a Claude model, with its own home. */
  let claudeEnv: Record<string, string>;
  let geminiEnv: Record<string, string>;

  /** Ids of the ledger records written so far. */
  async function ledgerIds(): Promise<Set<string>> {
    await h.server.app.get(LedgerWriter).flush();
    return new Set((await h.pg.query(`SELECT request_id FROM call_records`)).rows.map((r: { request_id: string }) => r.request_id));
  }

  /** The ledger records not in `seen`, oldest first, once there are `count` of them (the gateway writes them async). */
  async function newLedgerRecords(seen: Set<string>, count: number): Promise<Record<string, unknown>[]> {
    let fresh: Record<string, unknown>[] = [];
    for (let attempt = 0; attempt < 40; attempt++) {
      await h.server.app.get(LedgerWriter).flush();
      const rows = (await h.pg.query(`SELECT * FROM call_records ORDER BY started_at, id`)).rows as Record<string, unknown>[];
      fresh = rows.filter((r) => !seen.has(String(r.request_id)));
      if (fresh.length >= count) break;
      await new Promise((r) => setTimeout(r, 50));
    }
    return fresh;
  }

  beforeAll(async () => {
    expect(existsSync(CODEX)).toBe(true);
    h = await startVendorHarness(org);
    key = h.keys['dev/codex']!;
    answers = tapAnswers(h.fake);
    temp = mkdtempSync(join(tmpdir(), 'allot-codex-'));
    const codexHome = join(temp, 'codex-home');
    const home = join(temp, 'home');
    const codexTmp = join(temp, 'tmp');
    for (const dir of [codexHome, home, codexTmp]) mkdirSync(dir);

    // The member's config, exactly as `codex-config` prints it for this gateway…
    const printed = await cli(testEnv(h.db, { ALLOT_PUBLIC_URL: h.server.url }), 'codex-config', '--member', 'dev', '--key-name', 'codex');
    expect(printed.code).toBe(0);
    expect(printed.stdout).toContain(`base_url = "${h.server.url}/v1"`);
    expect(printed.stdout).not.toContain(key);
    // …plus what keeps Codex off the internet here (there is none): without `features.plugins = false` it runs
    // `git ls-remote https://github.com/openai/plugins.git` and looks up api.github.com and chatgpt.com at startup.
    const offline = (config: string) =>
      [
        'check_for_update_on_startup = false',
        config,
        '',
        '# Test machine without internet access:',
        '[features]',
        'plugins = false',
        '[analytics]',
        'enabled = false',
        '[feedback]',
        'enabled = false',
        '',
      ].join('\n');
    writeFileSync(join(codexHome, 'config.toml'), offline(printed.stdout));
    // Nothing else from this process's environment: no OPENAI_API_KEY, no real ~/.codex. Codex's temp files (bwrap
    // mount targets) go to a TMPDIR removed afterwards; it still makes an empty /tmp/codex-daemon-<uid> whatever TMPDIR says.
    // A CODEX_HOME outside TMPDIR also spares the "Refusing to create helper binaries under temporary dir" warning.
    codexEnv = {
      PATH: process.env.PATH ?? '/usr/bin:/bin',
      HOME: home,
      TMPDIR: codexTmp,
      CODEX_HOME: codexHome,
      ALLOT_API_KEY: key,
      NO_COLOR: '1',
    };

    const claudeHome = join(temp, 'codex-home-claude');
    mkdirSync(claudeHome);
    const claudeConfig = await cli(
      testEnv(h.db, { ALLOT_PUBLIC_URL: h.server.url }),
      'codex-config',
      '--member',
      'dev',
      '--key-name',
      'claude',
      '--model',
      CLAUDE,
    );
    expect(claudeConfig.code).toBe(0);
    expect(claudeConfig.stdout).toContain(`model = "${CLAUDE}"`);
    writeFileSync(join(claudeHome, 'config.toml'), offline(claudeConfig.stdout));
    claudeEnv = { ...codexEnv, CODEX_HOME: claudeHome, ALLOT_API_KEY: h.keys['dev/claude']! };
    const geminiHome = join(temp, 'codex-home-gemini');
    mkdirSync(geminiHome);
    const geminiConfig = await cli(
      testEnv(h.db, { ALLOT_PUBLIC_URL: h.server.url }),
      'codex-config',
      '--member',
      'dev',
      '--key-name',
      'gemini',
      '--model',
      GEMINI,
    );
    expect(geminiConfig.stdout).toContain(`model = "${GEMINI}"`);
    writeFileSync(join(geminiHome, 'config.toml'), offline(geminiConfig.stdout));
    geminiEnv = { ...codexEnv, CODEX_HOME: geminiHome, ALLOT_API_KEY: h.keys['dev/gemini']! };
  });
  afterEach(() => h?.fake.clearScripts());
  afterAll(async () => {
    await h?.stop();
    if (temp) rmSync(temp, { recursive: true, force: true });
  });

  it('should run a two-request tool turn: reasoning replayed byte-identical, the command run, every request billed', async () => {
    const workdir = mkdtempSync(join(temp, 'work-'));
    const before = h.fake.received.length;
    const seen = await ledgerIds();
    h.fake.script(TURN_1, TURN_2);

    const run = await runCodex(codexEnv, workdir, 'create hello.txt containing hello');

    expect({ code: run.code, stderr: run.stderr }).toMatchObject({ code: 0 });
    expect(readFileSync(join(workdir, 'hello.txt'), 'utf8')).toBe('hello\n');

    // What Codex reported: the command it ran, the final message, the turn's usage.
    const completed = run.events.filter((e) => e.type === 'item.completed').map((e) => e.item as Record<string, unknown>);
    expect(completed).toContainEqual(
      expect.objectContaining({ type: 'command_execution', command: expect.stringContaining('echo hello > hello.txt'), exit_code: 0 }),
    );
    expect(completed).toContainEqual(expect.objectContaining({ type: 'agent_message', text: 'done' }));
    const threadId = run.events.find((e) => e.type === 'thread.started')!.thread_id as string;
    const turnUsage = run.events.find((e) => e.type === 'turn.completed')!.usage as Record<string, number>;
    // The gateway relays openai-model only when it matches; a mismatch would make Codex warn of a reroute.
    expect(run.stdout + run.stderr).not.toMatch(/rerouted/i);

    // Exactly two upstream requests: the tool call, then the answer after the tool ran. No retries, no other calls.
    const sent = h.fake.received.slice(before);
    expect(sent.map((r) => `${r.method} ${r.path}`)).toEqual(['POST /v1/responses', 'POST /v1/responses']);
    const [first, second] = sent as [(typeof sent)[0], (typeof sent)[0]];
    for (const request of sent) {
      expect(request.body).toMatchObject({
        model: 'gpt-5.4',
        stream: true,
        store: false,
        include: ['reasoning.encrypted_content'],
        prompt_cache_key: threadId,
      });
      expect(request.body.previous_response_id).toBeUndefined();
      // The provider sees its own key; the member's key never leaves the gateway.
      expect(request.headers.authorization).toBe(`Bearer ${FAKE_PROVIDER_KEY}`);
      expect(JSON.stringify(request.headers)).not.toContain(key);
      expect(request.raw).not.toContain(key);
      expect(request.headers['session-id']).toBe(threadId);
    }
    expect(first.body.tools).toContainEqual(expect.objectContaining({ type: 'function', name: 'exec_command' }));
    expect(first.raw.length).toBeGreaterThan(20_000); // Codex's system prompt and tools, ≈ 40 KB
    // x-codex-turn-state: the provider's value came back to Codex through the gateway, and Codex sent it again.
    expect(first.headers['x-codex-turn-state']).toBeUndefined();
    expect(second.headers['x-codex-turn-state']).toBe('fake-turn-state-1');

    // The second request replays the first's output and adds the tool's result.
    const input = second.body.input as Record<string, unknown>[];
    const replayed = input.filter((i) => i.type === 'reasoning');
    expect(replayed).toEqual([expect.objectContaining({ id: 'rs_fake_0001', encrypted_content: ENCRYPTED })]);
    expect(second.raw).toContain(`"encrypted_content":${JSON.stringify(ENCRYPTED)}`);
    const call = input.find((i) => i.type === 'function_call')!;
    expect(call).toMatchObject({ call_id: 'call_fake_0001', name: 'exec_command', arguments: '{"cmd":"echo hello > hello.txt"}' });
    const output = input.find((i) => i.type === 'function_call_output')!;
    expect(output).toMatchObject({ call_id: 'call_fake_0001', output: expect.stringContaining('Process exited with code 0') });
    expect(input.indexOf(output)).toBeGreaterThan(input.indexOf(call));
    expect(input.indexOf(call)).toBeGreaterThan(input.indexOf(replayed[0]!));

    // One success record per request, with exactly the usage the provider reported, priced.
    const reported = answers.slice(-2).map((a) => a.usage!);
    expect(reported.map((u) => u.input_tokens_details.cached_tokens)).toEqual([1024, 2048]);
    const records = await newLedgerRecords(seen, 2);
    expect(records).toHaveLength(2);
    records.forEach((record, i) => {
      const usage = reported[i]!;
      expect(record).toMatchObject({
        outcome: 'success',
        endpoint: 'responses',
        stream: true,
        status_code: 200,
        requested_model: 'openai/gpt-5.4',
      });
      expect(String(record.user_agent)).toMatch(/^codex_exec\/0\.171\.0/);
      expect({
        input: Number(record.input_tokens),
        cached: Number(record.cached_input_tokens),
        output: Number(record.output_tokens),
        reasoning: Number(record.reasoning_tokens),
        total: Number(record.total_tokens),
      }).toEqual({
        input: usage.input_tokens,
        cached: usage.input_tokens_details.cached_tokens,
        output: usage.output_tokens,
        reasoning: usage.output_tokens_details.reasoning_tokens,
        total: usage.total_tokens,
      });
      const cached = usage.input_tokens_details.cached_tokens;
      const micros = (usage.input_tokens - cached) * 1.25 + cached * 0.125 + usage.output_tokens * 10;
      expect(Number(record.cost_micros)).toBeCloseTo(micros, 6);
    });
    // Codex's own count of the turn is the sum of the two, so it sees the same usage the member is billed for.
    const sum = (pick: (u: Usage) => number) => reported.reduce((n, u) => n + pick(u), 0);
    expect(turnUsage).toMatchObject({
      input_tokens: sum((u) => u.input_tokens),
      cached_input_tokens: sum((u) => u.input_tokens_details.cached_tokens),
      output_tokens: sum((u) => u.output_tokens),
    });

    // Codex never writes the key it reads from ALLOT_API_KEY to its home (config, sessions, logs).
    for (const path of filesUnder(codexEnv.CODEX_HOME!)) expect([path, readFileSync(path).includes(key)]).toEqual([path, false]);
  }, 120_000);

  it('should wait out a 429 with Retry-After: 1 and succeed on the retry', async () => {
    const workdir = mkdtempSync(join(temp, 'work-'));
    const before = h.fake.received.length;
    const tapped = answers.length;
    const seen = await ledgerIds();
    h.fake.script({ status: 429, retryAfter: '1' }, TURN_1, TURN_2);

    const run = await runCodex(codexEnv, workdir, 'create hello.txt containing hello');

    expect({ code: run.code, stderr: run.stderr }).toMatchObject({ code: 0 });
    expect(readFileSync(join(workdir, 'hello.txt'), 'utf8')).toBe('hello\n');
    // The 429, the same request again after about a second, then the request after the tool ran.
    const sent = h.fake.received.slice(before);
    expect(sent).toHaveLength(3);
    expect(sent[1]!.body).toEqual(sent[0]!.body);
    expect(answers.slice(tapped).map((a) => a.status)).toEqual([429, 200, 200]);
    const [limited, retried] = answers.slice(tapped) as [Answer, Answer];
    expect(retried.at - limited.at).toBeGreaterThanOrEqual(900);
    expect(run.stdout).toMatch(/Reconnecting\.\.\. 1\/5/);

    const records = await newLedgerRecords(seen, 3);
    // The refused attempt is recorded as the provider's fault, unbilled (its status is whatever Codex was answered:
    // the 429 itself, or a `response.failed` event in a 200 stream); the retry and the next request succeed.
    expect(records.map((r) => [r.outcome, r.error_code])).toEqual([
      ['upstream_error', 'rate_limit_exceeded'],
      ['success', null],
      ['success', null],
    ]);
    expect(Number(records[0]!.cost_micros)).toBe(0);
    expect(Number(records[0]!.output_tokens)).toBe(0);
  }, 120_000);
  it('should run the same tool turn on a Claude model: signed thinking carried in the reasoning item, the command run', async () => {
    const workdir = mkdtempSync(join(temp, 'work-'));
    const before = h.anthropic.received.length;
    const thinking = {
      text: 'I will create hello.txt with a shell command.',
      signature: 'EqQBCkgIARABGAIiQL+/0==' + 'c2lnbmF0dXJl'.repeat(40),
    };
    h.anthropic.script({ thinking, toolUse: { name: 'exec_command', input: { cmd: 'echo hello > hello.txt' } } }, { content: 'done' });

    const run = await runCodex(claudeEnv, workdir, 'create hello.txt containing hello', ['-c', 'model_reasoning_effort=high']);

    expect({ code: run.code, stderr: run.stderr }).toMatchObject({ code: 0 });
    expect(readFileSync(join(workdir, 'hello.txt'), 'utf8')).toBe('hello\n');
    const completed = run.events.filter((e) => e.type === 'item.completed').map((e) => e.item as Record<string, unknown>);
    expect(completed).toContainEqual(expect.objectContaining({ type: 'agent_message', text: 'done' }));

    // Two Messages calls: thinking on (Codex's effort), Codex's tools translated (namespace flattened, web search left out).
    const sent = h.anthropic.received.slice(before);
    expect(sent.map((r) => `${r.method} ${r.path}`)).toEqual(['POST /v1/messages', 'POST /v1/messages']);
    const [first, second] = sent as [(typeof sent)[0], (typeof sent)[0]];
    expect(first.body).toMatchObject({ thinking: { type: 'enabled', budget_tokens: 16384 }, stream: true });
    const names = (first.body.tools as { name: string }[]).map((t) => t.name);
    expect(names).toContain('exec_command');
    expect(names.some((n) => n.startsWith('multi_agent_v1__'))).toBe(true);
    expect(names).not.toContain('web_search');
    // Codex replayed the reasoning item; the fake checked the signature (it answers 400 otherwise), byte for byte.
    const assistant = (second.body.messages as { role: string; content: Record<string, unknown>[] }[]).find((m) => m.role === 'assistant')!;
    expect(assistant.content[0]).toEqual({ type: 'thinking', thinking: thinking.text, signature: thinking.signature });
    expect(assistant.content[1]).toMatchObject({ type: 'tool_use', name: 'exec_command', input: { cmd: 'echo hello > hello.txt' } });
  }, 120_000);
  it('should run the same tool turn on a Gemini 3 model: the thought signature carried in the reasoning item, the command run', async () => {
    const workdir = mkdtempSync(join(temp, 'work-'));
    const before = h.gemini.received.length;
    const thoughts = { summary: 'Planning: one shell command.', signature: 'CiQBcsjafE0p/+Zb7Jt4dVw==' };
    h.gemini.script({ thoughts, functionCall: { name: 'exec_command', args: { cmd: 'echo hello > hello.txt' } } }, { content: 'done' });

    const run = await runCodex(geminiEnv, workdir, 'create hello.txt containing hello', ['-c', 'model_reasoning_effort=low']);

    expect({ code: run.code, stderr: run.stderr }).toMatchObject({ code: 0 });
    expect(readFileSync(join(workdir, 'hello.txt'), 'utf8')).toBe('hello\n');
    const completed = run.events.filter((e) => e.type === 'item.completed').map((e) => e.item as Record<string, unknown>);
    expect(completed).toContainEqual(expect.objectContaining({ type: 'agent_message', text: 'done' }));
    const sent = h.gemini.received.slice(before);
    expect(sent).toHaveLength(2);
    // The fake validates Gemini 3 signatures (400 otherwise): the one it issued came back on the replayed call.
    const model = (sent[1]!.body.contents as { role: string; parts: Record<string, unknown>[] }[]).find((c) => c.role === 'model')!;
    expect(model.parts.find((p) => p.functionCall)).toMatchObject({ thoughtSignature: thoughts.signature });
  }, 120_000);
});
