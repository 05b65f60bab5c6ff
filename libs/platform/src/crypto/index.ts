export * from './keyring';
export { EncryptionCanaryEntity } from './entities/encryption-canary.entity';
