import { Injectable } from '@nestjs/common';
import { DataSource } from 'typeorm';
import { Keyring, KeyringError } from './keyring';
import { secretAad, type SecretColumn } from './secret-columns';

const CANARY_PLAINTEXT = 'allot-keyring-canary-v1';

export interface RekeyReport {
  table: string;
  reEncrypted: number;
}

/** The process's keyring plus the checks that tie it to the data already stored. */
@Injectable()
export class KeyringService {
  constructor(
    private readonly keyring: Keyring,
    private readonly secretColumns: SecretColumn[],
  ) {}

  get activeKeyId(): string {
    return this.keyring.activeKeyId;
  }

  encryptSecret(plaintext: string, aad: string): string {
    return this.keyring.encrypt(plaintext, aad);
  }

  decryptSecret(ciphertext: string, aad: string): string {
    return this.keyring.decrypt(ciphertext, aad);
  }

  /**
   * Fails fast when the configured keys cannot read what is stored: a canary or a stored secret under a key id
   * that is missing, or a key id whose material differs from the one that wrote the data. Records a canary for
   * every configured key that has none yet.
   */
  async verifyAgainst(dataSource: DataSource): Promise<void> {
    const canaries = await dataSource.query<{ key_id: string; ciphertext: string }[]>(`SELECT key_id, ciphertext FROM encryption_canaries`);
    const verified = new Set<string>();
    for (const canary of canaries) {
      if (!this.keyring.hasKey(canary.key_id)) continue; // retired keys are fine unless data still uses them (below)
      this.checkDecrypts(
        canary.key_id,
        () => this.keyring.decrypt(canary.ciphertext, `encryption_canaries:${canary.key_id}`) === CANARY_PLAINTEXT,
      );
      verified.add(canary.key_id);
    }
    for (const column of this.secretColumns) {
      const used = await dataSource.query<{ key_id: string; rows: string }[]>(
        `SELECT ${column.keyIdColumn} AS key_id, count(*) AS rows FROM ${column.table} GROUP BY ${column.keyIdColumn}`,
      );
      for (const { key_id: keyId, rows } of used) {
        if (!this.keyring.hasKey(keyId)) {
          throw new KeyringError(
            'key_unknown',
            `${rows} secret(s) in ${column.table} are encrypted with key "${keyId}", which is not in ALLOT_ENCRYPTION_KEYS. ` +
              'Add that key back (it may be listed after the active one), then run `npm run cli -- rekey` before retiring it.',
          );
        }
        if (verified.has(keyId)) continue;
        const [sample] = await dataSource.query<{ id: string; ciphertext: string }[]>(
          `SELECT ${column.idColumn} AS id, ${column.ciphertextColumn} AS ciphertext FROM ${column.table} WHERE ${column.keyIdColumn} = $1 LIMIT 1`,
          [keyId],
        );
        this.checkDecrypts(keyId, () => (this.keyring.decrypt(sample!.ciphertext, secretAad(column, sample!.id)), true));
        verified.add(keyId);
      }
    }
    for (const keyId of this.keyring.keyIds) {
      if (canaries.some((c) => c.key_id === keyId)) continue;
      await dataSource.query(`INSERT INTO encryption_canaries (key_id, ciphertext) VALUES ($1, $2) ON CONFLICT (key_id) DO NOTHING`, [
        keyId,
        this.keyring.encrypt(CANARY_PLAINTEXT, `encryption_canaries:${keyId}`, keyId),
      ]);
    }
  }

  /** Re-encrypts every stored secret that is not under the active key, in one transaction per table. */
  async reEncryptAll(dataSource: DataSource): Promise<RekeyReport[]> {
    const reports: RekeyReport[] = [];
    for (const column of this.secretColumns) {
      const reEncrypted = await dataSource.transaction(async (manager) => {
        const rows = await manager.query<{ id: string; ciphertext: string }[]>(
          `SELECT ${column.idColumn} AS id, ${column.ciphertextColumn} AS ciphertext FROM ${column.table} WHERE ${column.keyIdColumn} <> $1 FOR UPDATE`,
          [this.keyring.activeKeyId],
        );
        for (const row of rows) {
          const aad = secretAad(column, row.id);
          await manager.query(
            `UPDATE ${column.table} SET ${column.ciphertextColumn} = $1, ${column.keyIdColumn} = $2 WHERE ${column.idColumn} = $3`,
            [this.keyring.encrypt(this.keyring.decrypt(row.ciphertext, aad), aad), this.keyring.activeKeyId, row.id],
          );
        }
        return rows.length;
      });
      reports.push({ table: column.table, reEncrypted });
    }
    return reports;
  }

  private checkDecrypts(keyId: string, attempt: () => boolean): void {
    let ok = false;
    try {
      ok = attempt();
    } catch (error) {
      // decrypt_failed is the case this check exists for; anything else is reported the same way.
      ok = false;
      if (!(error instanceof KeyringError)) throw error;
    }
    if (!ok) {
      throw new KeyringError(
        'decrypt_failed',
        `Encryption key "${keyId}" in ALLOT_ENCRYPTION_KEYS is not the key that encrypted the stored data ` +
          '(same id, different key material). Restore the original key.',
      );
    }
  }
}
