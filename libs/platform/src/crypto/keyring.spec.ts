import { randomBytes } from 'node:crypto';
import { Keyring, KeyringError, keyIdOf } from './keyring';

const spec = (...ids: string[]) => ids.map((id) => Keyring.generateEntry(id)).join(',');
const codeOf = (fn: () => unknown) => {
  try {
    fn();
  } catch (error) {
    return error instanceof KeyringError ? error.code : `unexpected ${String(error)}`;
  }
  return 'no error';
};

describe(Keyring.name, () => {
  it('should round-trip a secret and bind it to its AAD', () => {
    const keyring = Keyring.parse(spec('k1'));
    const ct = keyring.encrypt('sk-upstream-secret', 'provider_credentials:1');
    expect(ct.startsWith('v1.k1.')).toBe(true);
    expect(ct).not.toContain('sk-upstream-secret');
    expect(keyring.decrypt(ct, 'provider_credentials:1')).toBe('sk-upstream-secret');
    expect(codeOf(() => keyring.decrypt(ct, 'provider_credentials:2'))).toBe('decrypt_failed');
  });

  it('should use a fresh IV for every encryption', () => {
    const keyring = Keyring.parse(spec('k1'));
    expect(keyring.encrypt('same', 'a')).not.toBe(keyring.encrypt('same', 'a'));
  });

  it('should detect tampering with the ciphertext, the tag or the IV', () => {
    const keyring = Keyring.parse(spec('k1'));
    const ct = keyring.encrypt('secret value', 'aad');
    const parts = ct.split('.');
    for (const index of [2, 3, 4]) {
      const bytes = Buffer.from(parts[index]!, 'base64url');
      bytes[0] = bytes[0]! ^ 0x01;
      const tampered = [...parts];
      tampered[index] = bytes.toString('base64url');
      expect(codeOf(() => keyring.decrypt(tampered.join('.'), 'aad'))).toBe('decrypt_failed');
    }
  });

  it('should fail on a wrong key with the same id and on an unknown key id', () => {
    const ct = Keyring.parse(spec('k1')).encrypt('secret', 'aad');
    expect(codeOf(() => Keyring.parse(spec('k1')).decrypt(ct, 'aad'))).toBe('decrypt_failed');
    expect(codeOf(() => Keyring.parse(spec('k2')).decrypt(ct, 'aad'))).toBe('key_unknown');
  });

  it('should keep old ciphertexts readable after rotation and encrypt new ones with the active key', () => {
    const old = Keyring.generateEntry('2026a');
    const ct = Keyring.parse(old).encrypt('secret', 'aad');
    const rotated = Keyring.parse(`${Keyring.generateEntry('2026b')},${old}`);
    expect(rotated.activeKeyId).toBe('2026b');
    expect(rotated.decrypt(ct, 'aad')).toBe('secret');
    expect(rotated.needsReEncryption(ct)).toBe(true);
    const reEncrypted = rotated.encrypt(rotated.decrypt(ct, 'aad'), 'aad');
    expect(keyIdOf(reEncrypted)).toBe('2026b');
    expect(rotated.needsReEncryption(reEncrypted)).toBe(false);
  });

  it('should honour an explicit active key id', () => {
    const keyring = Keyring.parse(spec('a', 'b'), 'b');
    expect(keyring.activeKeyId).toBe('b');
    expect(keyIdOf(keyring.encrypt('x', 'y'))).toBe('b');
  });

  it.each([
    ['missing', undefined, 'keyring_missing'],
    ['blank', '  ', 'keyring_missing'],
    ['no id', randomBytes(32).toString('base64'), 'keyring_malformed'],
    ['short key', `k1:${randomBytes(16).toString('base64')}`, 'keyring_malformed'],
    ['not base64', 'k1:@@@@', 'keyring_malformed'],
    ['bad id', `k 1:${randomBytes(32).toString('base64')}`, 'keyring_malformed'],
    ['duplicate id', `k1:${randomBytes(32).toString('base64')},k1:${randomBytes(32).toString('base64')}`, 'keyring_malformed'],
  ])('should reject a %s keyring with a clear error', (_label, value, code) => {
    expect(codeOf(() => Keyring.parse(value))).toBe(code);
  });

  it('should reject an active key id that is not configured', () => {
    expect(codeOf(() => Keyring.parse(spec('a'), 'b'))).toBe('keyring_malformed');
  });

  it('should accept base64url key material too', () => {
    const material = randomBytes(32);
    const keyring = Keyring.parse(`k:${material.toString('base64url')}`);
    const other = Keyring.parse(`k:${material.toString('base64')}`);
    expect(other.decrypt(keyring.encrypt('x', 'a'), 'a')).toBe('x');
  });

  it('should never put key material in an error message', () => {
    const material = randomBytes(16).toString('base64');
    try {
      Keyring.parse(`k1:${material}`);
      throw new Error('expected a failure');
    } catch (error) {
      expect((error as Error).message).not.toContain(material);
    }
  });

  it('should reject malformed ciphertexts', () => {
    const keyring = Keyring.parse(spec('k1'));
    for (const bad of ['', 'v1.k1', 'v2.k1.a.b.c', 'v1.k1.AAAA.AAAA.AAAA', 'plaintext-secret']) {
      expect(codeOf(() => keyring.decrypt(bad, 'aad'))).toBe('ciphertext_malformed');
    }
  });
});
