export * from './config';
export * from './database';
export * from './database/columns';
export * from './crypto';
export * from './errors/domain-error';
export * from './platform.module';
export * from './logging/logger';
export * from './bus/change-bus';
