import { hash, randomBytes, timingSafeEqual } from 'node:crypto';

/**
 * Member key format, version 1: `allot_k1_<43 base64url chars of 32 random bytes><6 base64url chars of checksum>`.
 *
 * - The `allot_k1_` prefix is recognizable (secret scanners can find leaked keys) and versioned (a future format
 *   gets `k2` and both stay valid).
 * - 256 bits of randomness; stored only as SHA-256, which is safe without salt for keys this random.
 * - The checksum (first 4.5 bytes of SHA-256 over prefix + body) lets a scanner or the gateway reject a
 *   mistyped or made-up key without a lookup.
 */
export const API_KEY_PREFIX = 'allot_k1_';
const BODY_CHARS = 43;
const CHECKSUM_CHARS = 6;
const KEY_PATTERN = new RegExp(`^${API_KEY_PREFIX}[A-Za-z0-9_-]{${BODY_CHARS + CHECKSUM_CHARS}}$`);
/** How much of a key lists show: the prefix and 4 characters, enough to tell keys apart, useless to an attacker. */
const DISPLAY_CHARS = API_KEY_PREFIX.length + 4;

export interface IssuedApiKey {
  /** The plaintext: shown once, never stored. */
  plaintext: string;
  hash: string;
  displayPrefix: string;
}

export function issueApiKey(): IssuedApiKey {
  const body = randomBytes(32).toString('base64url');
  const plaintext = `${API_KEY_PREFIX}${body}${checksum(body)}`;
  return { plaintext, hash: hashApiKey(plaintext), displayPrefix: plaintext.slice(0, DISPLAY_CHARS) };
}

/** True when the string has the shape and checksum of a v1 key (it may still be unknown or revoked). */
export function isWellFormedApiKey(candidate: string): boolean {
  if (!KEY_PATTERN.test(candidate)) return false;
  const body = candidate.slice(API_KEY_PREFIX.length, API_KEY_PREFIX.length + BODY_CHARS);
  const given = Buffer.from(candidate.slice(-CHECKSUM_CHARS));
  return timingSafeEqual(given, Buffer.from(checksum(body)));
}

export function hashApiKey(plaintext: string): string {
  return hash('sha256', plaintext, 'hex');
}

/** Constant-time comparison of a presented key against a stored hash. */
export function apiKeyMatches(plaintext: string, storedHash: string): boolean {
  const presented = Buffer.from(hashApiKey(plaintext), 'hex');
  const stored = Buffer.from(storedHash, 'hex');
  return presented.length === stored.length && timingSafeEqual(presented, stored);
}

function checksum(body: string): string {
  return hash('sha256', `${API_KEY_PREFIX}${body}`, 'base64url').slice(0, CHECKSUM_CHARS);
}
