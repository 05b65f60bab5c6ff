import type { SecretColumn } from '@allot/platform';

/** Every column holding keyring ciphertexts (SMTP passwords join when notifications land). */
export const SECRET_COLUMNS: SecretColumn[] = [
  { table: 'provider_credentials', idColumn: 'id', ciphertextColumn: 'secret_ciphertext', keyIdColumn: 'secret_key_id' },
];
