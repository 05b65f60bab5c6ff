#!/usr/bin/env node
// Scans a test run's output (test/.output: every log line of the in-process gateways and CLIs, everything the
// spawned processes printed, and Jest's own output) for secrets, and fails on any. PRODUCT.md §10: no provider
// key or member key appears in any log line of the whole test run.
//
// What counts as a secret:
//   - a canary from test/support/canary-secrets.json: the provider keys and keyring key material the tests use;
//   - a member key: `allot_k1_` and a full 49-character body, or a fragment of 8+ body characters (lists show
//     only the prefix and 4 characters, which is not a finding);
//   - a keyring entry `id:<44-character base64 key>` (e.g. the one the embedded gateway generates);
//   - a credential in a header or field: `Bearer …` / `Basic …` anywhere, or an `authorization`, `api-key`,
//     `x-api-key` or `apiKey` value, unless it is `[redacted]`.
//
// The one exception, and why it is honest: `*.display` files hold what a CLI command printed to stdout, and some
// commands exist to show a secret once (`apply` and `create-key` print each new member key, `generate-key` a new
// keyring entry). In those files, and only there, member keys and keyring entries are expected; every other rule
// still applies, so a provider key, a configured (canary) keyring key or a bearer token printed there still
// fails. Logs (`*.log`: pino JSON lines, stderr) and jest.log get every rule. The tests never write anything
// else to a `.display` file.
//
// Findings name the file, line, column and kind of secret; the secret itself is never printed, only its length
// and a short hash to tell findings apart. Exit status: 0 clean, 1 findings, 2 usage or I/O error.
//
// Usage: node scripts/scan-secrets.mjs [--json] [dir]   (dir defaults to test/.output)
import { createHash } from 'node:crypto';
import { existsSync, readFileSync, readdirSync, statSync } from 'node:fs';
import { join, relative, resolve } from 'node:path';
import { pathToFileURL } from 'node:url';

export const ROOT = resolve(import.meta.dirname, '..');
export const DEFAULT_DIR = resolve(process.env.ALLOT_TEST_OUTPUT_DIR ?? join(ROOT, 'test/.output'));
export const CANARY_FILE = join(ROOT, 'test/support/canary-secrets.json');

const MEMBER_KEY_PREFIX = 'allot_k1_';
const MEMBER_KEY_BODY = 43;
const MEMBER_KEY_CHECKSUM = 6;
/** More than a list shows (the prefix and 4 characters) and enough to narrow a guess: a fragment of a key. */
const MEMBER_KEY_FRAGMENT = 8;
// jest.log may be coloured, and a diff can colour part of a token.
const ANSI = new RegExp(`${String.fromCharCode(27)}\\[[0-9;?]*[A-Za-z]`, 'g');

/** Canaries as `{ label, value }`: each provider key, and each keyring key's material (standard and url-safe). */
export function loadCanaries(file = CANARY_FILE) {
  const json = JSON.parse(readFileSync(file, 'utf8'));
  const canaries = [];
  for (const [name, value] of Object.entries(json.providerKeys ?? {})) canaries.push({ label: `provider key canary "${name}"`, value });
  for (const [name, entry] of Object.entries(json.keyringEntries ?? {})) {
    const material = entry.slice(entry.indexOf(':') + 1);
    canaries.push({ label: `keyring key canary "${name}"`, value: material });
    const urlSafe = material.replace(/\+/g, '-').replace(/\//g, '_').replace(/=+$/, '');
    canaries.push({ label: `keyring key canary "${name}"`, value: urlSafe });
  }
  for (const c of canaries)
    if (typeof c.value !== 'string' || c.value.length < 8) throw new Error(`${file}: ${c.label} is too short to scan for`);
  return canaries;
}

function memberKeyChecksumValid(token) {
  const body = token.slice(MEMBER_KEY_PREFIX.length, MEMBER_KEY_PREFIX.length + MEMBER_KEY_BODY);
  const expected = createHash('sha256').update(`${MEMBER_KEY_PREFIX}${body}`).digest('base64url').slice(0, MEMBER_KEY_CHECKSUM);
  return token.slice(MEMBER_KEY_PREFIX.length + MEMBER_KEY_BODY) === expected;
}

/**
 * Pattern rules, most specific first; a later match overlapping an earlier finding on the same line is the same
 * secret and is not reported twice. `secret` is the capture group holding the secret; `publicPrefix` may be shown.
 */
const RULES = [
  {
    id: 'member-key',
    pattern: /allot_k1_([A-Za-z0-9_-]*)/dg,
    displayAllowed: true,
    classify(match) {
      const body = match[1].length;
      if (body < MEMBER_KEY_FRAGMENT) return undefined;
      if (body === MEMBER_KEY_BODY + MEMBER_KEY_CHECKSUM) {
        return memberKeyChecksumValid(match[0]) ? 'member key' : 'member key (shape of one; checksum does not match)';
      }
      return body > MEMBER_KEY_BODY + MEMBER_KEY_CHECKSUM ? 'member key (with characters after it)' : 'member key fragment';
    },
    publicPrefix: MEMBER_KEY_PREFIX,
  },
  {
    id: 'keyring-entry',
    pattern: /(?<![A-Za-z0-9_-])([A-Za-z0-9_-]{1,64}):([A-Za-z0-9+/_-]{43}=)(?![A-Za-z0-9+/=_-])/dg,
    displayAllowed: true,
    classify: () => 'keyring entry',
    secretGroup: 2,
  },
  {
    id: 'credential-header',
    // authorization / api-key / x-api-key / apiKey / api_key as a JSON field, a header line or an inspected object.
    pattern:
      /(?<![A-Za-z0-9_])(authorization|proxy-authorization|x-api-key|api-key|api_key|apikey)["']?\s*[:=]\s*["']?(?!\[redacted\])((?:Bearer|Basic)\s+)?([A-Za-z0-9._~+/=:-]{8,})/dgi,
    classify: (match) => `unredacted ${match[1].toLowerCase()} value`,
    secretGroup: 3,
  },
  {
    id: 'bearer',
    // A token has a digit or punctuation in it; prose ("Basic Authentication") does not.
    pattern: /\b(Bearer|Basic)\s+(?!\[redacted\])([A-Za-z0-9._~+/=-]{8,})/dg,
    classify: (match) => (/[^A-Za-z]/.test(match[2]) ? `${match[1]} credential` : undefined),
    secretGroup: 2,
  },
];

/** `sk-…` never appears: only a public prefix, the length and 8 hex characters of a SHA-256 to tell secrets apart. */
export function mask(secret, publicPrefix = '') {
  const shown = publicPrefix && secret.startsWith(publicPrefix) ? publicPrefix : '';
  const hash = createHash('sha256').update(secret).digest('hex').slice(0, 8);
  return `${shown}[${secret.length - shown.length} chars masked, sha256 ${hash}]`;
}

/** Findings in one file's text. `display`: the file is a CLI's designed stdout (see the header). */
export function scanText(text, { file = '<text>', display = false, canaries = loadCanaries() } = {}) {
  const findings = [];
  const lines = text.split('\n');
  for (let i = 0; i < lines.length; i++) {
    const line = lines[i].replace(ANSI, '');
    const taken = [];
    const report = (start, end, label, secret, publicPrefix) => {
      if (taken.some(([s, e]) => start < e && s < end)) return;
      taken.push([start, end]);
      findings.push({ file, line: i + 1, column: start + 1, label, masked: mask(secret, publicPrefix) });
    };
    for (const { label, value } of canaries) {
      for (let at = line.indexOf(value); at >= 0; at = line.indexOf(value, at + value.length)) report(at, at + value.length, label, value);
    }
    for (const rule of RULES) {
      if (display && rule.displayAllowed) continue;
      for (const match of line.matchAll(rule.pattern)) {
        const label = rule.classify(match);
        if (!label) continue;
        const group = rule.secretGroup ?? 0;
        const [start, end] = match.indices[group];
        report(start, end, label, match[group], rule.publicPrefix);
      }
    }
  }
  return findings;
}

function filesUnder(dir) {
  return readdirSync(dir, { withFileTypes: true })
    .flatMap((entry) => (entry.isDirectory() ? filesUnder(join(dir, entry.name)) : entry.isFile() ? [join(dir, entry.name)] : []))
    .sort();
}

/** Scans every file under `dir`. */
export function scanDirectory(dir = DEFAULT_DIR, { canaries = loadCanaries() } = {}) {
  if (!existsSync(dir) || !statSync(dir).isDirectory()) throw new Error(`${dir} is not a directory`);
  const files = filesUnder(dir);
  const findings = [];
  let lines = 0;
  for (const path of files) {
    const text = readFileSync(path, 'utf8');
    lines += text.split('\n').length;
    findings.push(...scanText(text, { file: relative(process.cwd(), path) || path, display: path.endsWith('.display'), canaries }));
  }
  return { dir, files: files.length, lines, findings };
}

export function formatFinding(f) {
  return `${f.file}:${f.line}:${f.column}  ${f.label}  ${f.masked}`;
}

export function formatReport({ dir, files, lines, findings }) {
  const where = relative(process.cwd(), dir) || dir;
  if (findings.length === 0) return `Secret scan: no secrets in ${files} file(s), ${lines} line(s) under ${where}.`;
  const byFile = new Set(findings.map((f) => f.file)).size;
  return [
    `Secret scan: ${findings.length} secret(s) in ${byFile} of ${files} file(s) under ${where}:`,
    ...findings.map((f) => `  ${formatFinding(f)}`),
  ].join('\n');
}

function main(argv) {
  const json = argv.includes('--json');
  const rest = argv.filter((a) => a !== '--json');
  if (rest.length > 1 || rest.some((a) => a.startsWith('-'))) {
    process.stderr.write('Usage: node scripts/scan-secrets.mjs [--json] [dir]\n');
    return 2;
  }
  let result;
  try {
    result = scanDirectory(rest[0] ? resolve(rest[0]) : DEFAULT_DIR);
  } catch (error) {
    process.stderr.write(`Secret scan failed: ${error instanceof Error ? error.message : String(error)}\n`);
    return 2;
  }
  process.stdout.write(`${json ? JSON.stringify(result) : formatReport(result)}\n`);
  return result.findings.length > 0 ? 1 : 0;
}

if (import.meta.url === pathToFileURL(process.argv[1] ?? '').href) process.exitCode = main(process.argv.slice(2));
