import { chmodSync, existsSync, mkdirSync, readFileSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import type { AppConfig } from '../config';
import { Keyring, KeyringError } from './keyring';

/** Where the embedded default keeps the key it generated on first start. */
export const EMBEDDED_KEY_FILE = 'encryption.keys';

/**
 * The keyring from ALLOT_ENCRYPTION_KEYS; with the embedded database and no keys configured, a key generated on
 * first start and kept in the data folder (so `npm start` works on a fresh machine). With PostgreSQL the key must
 * be configured: data and key then live in different places, which is the point of encrypting.
 */
export function loadKeyring(config: AppConfig, announce: (message: string) => void): Keyring {
  if (config.encryption.keys) return Keyring.parse(config.encryption.keys, config.encryption.activeKeyId);
  if (config.database.mode !== 'embedded') {
    throw new KeyringError(
      'keyring_missing',
      'ALLOT_ENCRYPTION_KEYS is required when DATABASE_URL is set. Generate a key with `npm run cli -- generate-key` ' +
        'and keep it in your secret store.',
    );
  }
  const file = join(config.dataDir, EMBEDDED_KEY_FILE);
  if (!existsSync(file)) {
    mkdirSync(config.dataDir, { recursive: true });
    writeFileSync(file, `${Keyring.generateEntry('local1')}\n`, { mode: 0o600, flag: 'wx' });
    announce(`Generated an encryption key in ${file}. Back it up with the data folder: without it, stored provider keys cannot be read.`);
  }
  chmodSync(file, 0o600);
  return Keyring.parse(readFileSync(file, 'utf8').trim(), config.encryption.activeKeyId);
}
