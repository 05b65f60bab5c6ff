import { spawnSync } from 'node:child_process';
import { mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { issueApiKey } from '@allot/allocations';
import { Keyring } from '@allot/platform';
import { KEYRING_ENTRIES, PROVIDER_KEYS } from './canary-secrets';

const SCANNER = join(__dirname, '../../scripts/scan-secrets.mjs');

interface Finding {
  file: string;
  line: number;
  column: number;
  label: string;
  masked: string;
}

/** Runs the scanner CLI as the test runner does; assertions never print a planted secret (jest.log is scanned too). */
function scan(dir: string, json = true) {
  const run = spawnSync(process.execPath, [SCANNER, ...(json ? ['--json'] : []), dir], { encoding: 'utf8' });
  return { code: run.status, stdout: run.stdout, stderr: run.stderr };
}

function plant(files: Record<string, string>): string {
  const dir = mkdtempSync(join(tmpdir(), 'allot-scan-'));
  for (const [name, text] of Object.entries(files)) writeFileSync(join(dir, name), text);
  return dir;
}

const log = (fields: Record<string, unknown>) => `${JSON.stringify({ level: 30, time: '2026-01-01T00:00:00.000Z', ...fields })}\n`;

describe('scan-secrets', () => {
  const dirs: string[] = [];
  const planted = (files: Record<string, string>) => {
    const dir = plant(files);
    dirs.push(dir);
    return dir;
  };
  afterAll(() => dirs.forEach((dir) => rmSync(dir, { recursive: true, force: true })));

  it('should find every kind of secret with its label and location, and never print one', () => {
    const memberKey = issueApiKey().plaintext;
    const keyringEntry = Keyring.generateEntry('local1');
    const keyringMaterial = KEYRING_ENTRIES.test1.split(':')[1]!;
    const bearer = 'opaque-token-1234567890';
    const lines = [
      log({ msg: 'upstream call', apiKey: PROVIDER_KEYS.harnessOpenai }),
      log({ msg: 'azure', headers: { 'api-key': PROVIDER_KEYS.harnessAzure } }),
      log({ msg: 'config', keys: `test1:${keyringMaterial}` }),
      log({ msg: `key ${memberKey} resolved` }),
      log({ msg: `key ${memberKey.slice(0, 30)} is half a key` }),
      log({ msg: 'generated', entry: keyringEntry }),
      log({ req: { headers: { authorization: `Bearer ${bearer}` } } }),
      `GET /v1/models Authorization: Basic Zm9vOmJhcg==\n`,
    ];
    const dir = planted({ 'gateway-1-1.log': lines.join('') });
    const { code, stdout } = scan(dir);
    expect(code).toBe(1);
    const findings = (JSON.parse(stdout) as { findings: Finding[] }).findings;
    expect(findings.map((f) => [f.line, f.label])).toEqual([
      [1, 'provider key canary "harnessOpenai"'],
      [2, 'provider key canary "harnessAzure"'],
      [3, 'keyring key canary "test1"'],
      [4, 'member key'],
      [5, 'member key fragment'],
      [6, 'keyring entry'],
      [7, 'unredacted authorization value'],
      [8, 'unredacted authorization value'],
    ]);
    expect(findings.every((f) => f.file.endsWith('gateway-1-1.log') && f.column > 1)).toBe(true);
    expect(findings[3]!.masked).toMatch(/^allot_k1_\[49 chars masked, sha256 [0-9a-f]{8}\]$/);
    expect(findings[0]!.masked).toMatch(/^\[\d+ chars masked, sha256 [0-9a-f]{8}\]$/);

    const human = scan(dir, false);
    expect(human.code).toBe(1);
    expect(human.stdout).toMatch(/^Secret scan: 8 secret\(s\) in 1 of 1 file\(s\)/);
    expect(human.stdout).toMatch(/gateway-1-1\.log:4:\d+ {2}member key {2}allot_k1_\[49 chars masked/);
    const secrets = [PROVIDER_KEYS.harnessOpenai, PROVIDER_KEYS.harnessAzure, keyringMaterial, memberKey, memberKey.slice(9, 30)];
    secrets.push(keyringEntry.split(':')[1]!, bearer, 'Zm9vOmJhcg==');
    const printed = stdout + human.stdout;
    expect(secrets.filter((secret) => printed.includes(secret)).length).toBe(0);
  });

  it('should find a bearer token in free text and a canary in any file, even coloured', () => {
    const dir = planted({
      'jest.log': `  Expected: "\u001b[31mBearer ab12cd34ef56\u001b[39m"\n  Received: "${PROVIDER_KEYS.fixtureOpenai.slice(0, 6)}\u001b[7m${PROVIDER_KEYS.fixtureOpenai.slice(6)}\u001b[27m"\n`,
    });
    const findings = (JSON.parse(scan(dir).stdout) as { findings: Finding[] }).findings;
    expect(findings.map((f) => [f.line, f.label])).toEqual([
      [1, 'Bearer credential'],
      [2, 'provider key canary "fixtureOpenai"'],
    ]);
  });

  it('should pass a clean run: redacted headers, key prefixes as lists show them, prose about bearer keys', () => {
    const prefix = issueApiKey().displayPrefix;
    const dir = planted({
      'gateway-1-1.log': [
        log({ req: { method: 'POST', url: '/v1/chat/completions', headers: { authorization: '[redacted]', 'x-api-key': '[redacted]' } } }),
        log({ msg: `key ${prefix}… created`, keyPrefix: prefix }),
        log({ msg: 'Missing API key: send "Authorization: Bearer <key>".', code: 'invalid_api_key' }),
        log({ msg: 'Basic Authentication is not supported', apiKey: { env: 'FAKE_OPENAI_KEY' } }),
      ].join(''),
      'jest.log': 'Tests:       4 passed, 4 total\n',
    });
    expect(scan(dir)).toMatchObject({ code: 0 });
    expect(scan(dir, false).stdout).toMatch(/^Secret scan: no secrets in 2 file\(s\), \d+ line\(s\)/);
  });

  it('should allow a new member key or keyring entry in a CLI display, but nothing else there', () => {
    const memberKey = issueApiKey().plaintext;
    const clean = planted({ 'cli-apply-1-1.display': `bob/laptop: ${memberKey}\n${Keyring.generateEntry('k2')}\n` });
    expect(scan(clean)).toMatchObject({ code: 0 });

    const leaky = planted({
      'cli-apply-1-1.display': `bob/laptop: ${memberKey}\nusing ${PROVIDER_KEYS.fixtureAzure}\n`,
      'cli-apply-1-1.log': `bob/laptop: ${memberKey}\n`,
    });
    const findings = (JSON.parse(scan(leaky).stdout) as { findings: Finding[] }).findings;
    expect(findings.map((f) => [f.file.split('/').pop(), f.line, f.label])).toEqual([
      ['cli-apply-1-1.display', 2, 'provider key canary "fixtureAzure"'],
      ['cli-apply-1-1.log', 1, 'member key'],
    ]);
  });

  it('should fail with status 2 when there is nothing to scan', () => {
    const missing = join(tmpdir(), 'allot-scan-missing-dir');
    const run = scan(missing, false);
    expect(run.code).toBe(2);
    expect(run.stderr).toContain('is not a directory');
  });
});
