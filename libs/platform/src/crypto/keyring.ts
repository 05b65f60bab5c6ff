import { createCipheriv, createDecipheriv, randomBytes } from 'node:crypto';

/** Ciphertext format version; changing the layout means a new version, never an edit of this one. */
const FORMAT = 'v1';
const IV_BYTES = 12;
const TAG_BYTES = 16;
const KEY_BYTES = 32;
const KEY_ID = /^[A-Za-z0-9_-]{1,32}$/;

export type KeyringErrorCode = 'keyring_missing' | 'keyring_malformed' | 'key_unknown' | 'ciphertext_malformed' | 'decrypt_failed';

/** A keyring problem; the message never contains key material or plaintext. */
export class KeyringError extends Error {
  constructor(
    readonly code: KeyringErrorCode,
    message: string,
  ) {
    super(message);
    this.name = 'KeyringError';
  }
}

/**
 * AES-256-GCM encryption under a set of named keys, one of them active.
 *
 * Ciphertext: `v1.<keyId>.<iv>.<ciphertext>.<tag>` (base64url parts). The key id travels with the data so old
 * rows stay readable after rotation; `aad` binds a ciphertext to its place (e.g. `provider_credentials:<id>`) so a
 * value copied to another row does not decrypt.
 */
export class Keyring {
  private constructor(
    private readonly keys: ReadonlyMap<string, Buffer>,
    readonly activeKeyId: string,
  ) {}

  /**
   * Parses `id:base64key[,id:base64key…]`. The active key is `activeKeyId` when given, else the first listed
   * (new keys go in front).
   */
  static parse(spec: string | undefined, activeKeyId?: string): Keyring {
    if (!spec || !spec.trim()) {
      throw new KeyringError('keyring_missing', 'ALLOT_ENCRYPTION_KEYS is not set: no encryption key is configured');
    }
    const keys = new Map<string, Buffer>();
    const entries = spec.split(',').map((e) => e.trim());
    entries.forEach((entry, index) => {
      const colon = entry.indexOf(':');
      const id = colon > 0 ? entry.slice(0, colon) : '';
      const encoded = colon > 0 ? entry.slice(colon + 1) : '';
      const where = `ALLOT_ENCRYPTION_KEYS entry ${index + 1}`;
      if (!KEY_ID.test(id)) {
        throw new KeyringError('keyring_malformed', `${where}: expected "<id>:<base64 key>" with an id of letters, digits, "_" or "-"`);
      }
      if (!/^[A-Za-z0-9+/_-]+={0,2}$/.test(encoded)) {
        throw new KeyringError('keyring_malformed', `${where} ("${id}"): the key is not base64`);
      }
      const key = Buffer.from(encoded.replace(/-/g, '+').replace(/_/g, '/'), 'base64');
      if (key.length !== KEY_BYTES) {
        throw new KeyringError('keyring_malformed', `${where} ("${id}"): the key must be 32 bytes (got ${key.length})`);
      }
      if (keys.has(id)) throw new KeyringError('keyring_malformed', `${where}: key id "${id}" is listed twice`);
      keys.set(id, key);
    });
    const active = activeKeyId ?? entries[0]!.slice(0, entries[0]!.indexOf(':'));
    if (!keys.has(active)) {
      throw new KeyringError('keyring_malformed', `ALLOT_ENCRYPTION_ACTIVE_KEY "${active}" is not one of the configured keys`);
    }
    return new Keyring(keys, active);
  }

  /** A new random key spec entry, `id:base64`, for first start and for rotation. */
  static generateEntry(id: string): string {
    if (!KEY_ID.test(id)) throw new KeyringError('keyring_malformed', `invalid key id "${id}"`);
    return `${id}:${randomBytes(KEY_BYTES).toString('base64')}`;
  }

  get keyIds(): string[] {
    return [...this.keys.keys()];
  }

  hasKey(id: string): boolean {
    return this.keys.has(id);
  }

  /** Encrypts under the active key (or a named one: the startup canary of every configured key). */
  encrypt(plaintext: string, aad: string, keyId = this.activeKeyId): string {
    const key = this.keys.get(keyId);
    if (!key) throw new KeyringError('key_unknown', `key "${keyId}" is not configured`);
    const iv = randomBytes(IV_BYTES);
    const cipher = createCipheriv('aes-256-gcm', key, iv, { authTagLength: TAG_BYTES });
    cipher.setAAD(Buffer.from(aad, 'utf8'));
    const body = Buffer.concat([cipher.update(plaintext, 'utf8'), cipher.final()]);
    return [FORMAT, keyId, iv.toString('base64url'), body.toString('base64url'), cipher.getAuthTag().toString('base64url')].join('.');
  }

  decrypt(ciphertext: string, aad: string): string {
    const { keyId, iv, body, tag } = parseCiphertext(ciphertext);
    const key = this.keys.get(keyId);
    if (!key) throw new KeyringError('key_unknown', `data is encrypted with key "${keyId}", which is not configured`);
    try {
      const decipher = createDecipheriv('aes-256-gcm', key, iv, { authTagLength: TAG_BYTES });
      decipher.setAAD(Buffer.from(aad, 'utf8'));
      decipher.setAuthTag(tag);
      return Buffer.concat([decipher.update(body), decipher.final()]).toString('utf8');
    } catch {
      // GCM authentication failed: wrong key material under this id, tampered data, or the wrong AAD.
      throw new KeyringError('decrypt_failed', `could not decrypt data encrypted with key "${keyId}" (wrong key or tampered data)`);
    }
  }

  /** True when the ciphertext is not under the active key, i.e. `rekey` would rewrite it. */
  needsReEncryption(ciphertext: string): boolean {
    return keyIdOf(ciphertext) !== this.activeKeyId;
  }
}

/** The key id a ciphertext was made with. */
export function keyIdOf(ciphertext: string): string {
  return parseCiphertext(ciphertext).keyId;
}

function parseCiphertext(ciphertext: string): { keyId: string; iv: Buffer; body: Buffer; tag: Buffer } {
  const parts = ciphertext.split('.');
  if (parts.length !== 5 || parts[0] !== FORMAT || !KEY_ID.test(parts[1]!)) {
    throw new KeyringError('ciphertext_malformed', 'ciphertext is not in the v1 keyring format');
  }
  const [, keyId, iv, body, tag] = parts as [string, string, string, string, string];
  const ivBytes = Buffer.from(iv, 'base64url');
  const tagBytes = Buffer.from(tag, 'base64url');
  if (ivBytes.length !== IV_BYTES || tagBytes.length !== TAG_BYTES) {
    throw new KeyringError('ciphertext_malformed', 'ciphertext is not in the v1 keyring format');
  }
  return { keyId, iv: ivBytes, body: Buffer.from(body, 'base64url'), tag: tagBytes };
}
