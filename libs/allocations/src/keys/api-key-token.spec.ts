import { API_KEY_PREFIX, apiKeyMatches, hashApiKey, isWellFormedApiKey, issueApiKey } from './api-key-token';

describe('api key tokens', () => {
  it('should issue a prefixed key with 256 random bits and a checksum', () => {
    const key = issueApiKey();
    expect(key.plaintext.startsWith(API_KEY_PREFIX)).toBe(true);
    expect(key.plaintext).toHaveLength(API_KEY_PREFIX.length + 43 + 6);
    const randomPart = Buffer.from(key.plaintext.slice(API_KEY_PREFIX.length, API_KEY_PREFIX.length + 43), 'base64url');
    expect(randomPart).toHaveLength(32);
    expect(isWellFormedApiKey(key.plaintext)).toBe(true);
  });

  it('should store only the SHA-256 hex of the plaintext', () => {
    const key = issueApiKey();
    expect(key.hash).toMatch(/^[0-9a-f]{64}$/);
    expect(key.hash).toBe(hashApiKey(key.plaintext));
    expect(key.hash).not.toContain(key.plaintext.slice(API_KEY_PREFIX.length, API_KEY_PREFIX.length + 8));
    // A known vector pins the hash function: sha256("abc").
    expect(hashApiKey('abc')).toBe('ba7816bf8f01cfea414140de5dae2223b00361a396177a9cb410ff61f20015ad');
  });

  it('should show only a short display prefix', () => {
    const key = issueApiKey();
    expect(key.displayPrefix).toBe(key.plaintext.slice(0, API_KEY_PREFIX.length + 4));
  });

  it('should never issue the same key twice', () => {
    const seen = new Set(Array.from({ length: 2000 }, () => issueApiKey().plaintext));
    expect(seen.size).toBe(2000);
  });

  it('should reject a key with one character changed, a wrong prefix or a wrong length', () => {
    const { plaintext } = issueApiKey();
    const i = API_KEY_PREFIX.length + 10;
    const flipped = plaintext.slice(0, i) + (plaintext[i] === 'A' ? 'B' : 'A') + plaintext.slice(i + 1);
    expect(isWellFormedApiKey(flipped)).toBe(false);
    expect(isWellFormedApiKey(plaintext.replace('allot_k1_', 'allot_k2_'))).toBe(false);
    expect(isWellFormedApiKey(plaintext.slice(0, -1))).toBe(false);
    expect(isWellFormedApiKey(`${plaintext}x`)).toBe(false);
    expect(isWellFormedApiKey('sk-not-ours')).toBe(false);
  });

  it('should match a presented key against its stored hash and nothing else', () => {
    const a = issueApiKey();
    const b = issueApiKey();
    expect(apiKeyMatches(a.plaintext, a.hash)).toBe(true);
    expect(apiKeyMatches(b.plaintext, a.hash)).toBe(false);
    expect(apiKeyMatches(a.plaintext, 'abcd')).toBe(false);
  });
});
