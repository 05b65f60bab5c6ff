export * from './app-config';
export { ENV_SCHEMA } from './config.schema';
