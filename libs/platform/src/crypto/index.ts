export * from './keyring';
export * from './keyring-loader';
export * from './keyring.service';
export * from './secret-columns';
export { EncryptionCanaryEntity } from './entities/encryption-canary.entity';
