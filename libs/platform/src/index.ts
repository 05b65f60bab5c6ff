export * from './config';
export * from './database';
export * from './database/columns';
export * from './crypto';
