/** A table column holding keyring ciphertexts, so startup checks and `rekey` can find every secret. */
export interface SecretColumn {
  table: string;
  idColumn: string;
  ciphertextColumn: string;
  keyIdColumn: string;
}

/** The AAD binding a ciphertext to its row: a value copied into another row does not decrypt there. */
export const secretAad = (column: SecretColumn, id: string) => `${column.table}:${id}`;
