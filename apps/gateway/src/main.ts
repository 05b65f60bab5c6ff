import 'reflect-metadata';
import { ConfigError, createLogger, loadConfig } from '@allot/platform';
import { startServer } from './server';

async function main(): Promise<void> {
  let config;
  try {
    config = loadConfig(process.env);
  } catch (error) {
    if (error instanceof ConfigError) {
      process.stderr.write(`${error.message}\n`);
      process.exit(1);
    }
    throw error;
  }
  const logger = createLogger(config.logLevel);
  const server = await startServer(config, logger);
  logger.info({ url: server.url }, 'Allot is listening');
  // The one human-facing message: where to go, and how the first admin signs in.
  process.stdout.write(
    `\n  Allot is running at ${server.url}\n` +
      (server.firstAdminLink
        ? `  No admin can sign in yet. Open this one-time link to set up the first admin:\n    ${server.firstAdminLink}\n`
        : '') +
      '\n',
  );
  let stopping = false;
  const stop = async (signal: string) => {
    if (stopping) return;
    stopping = true;
    logger.info({ signal }, 'shutting down');
    await server.stop();
    process.exit(0);
  };
  process.on('SIGTERM', () => void stop('SIGTERM'));
  process.on('SIGINT', () => void stop('SIGINT'));
}

main().catch((error: unknown) => {
  // Startup failures (database, keyring, port) end here with their own clear message and a non-zero exit.
  process.stderr.write(`Allot failed to start: ${error instanceof Error ? error.message : String(error)}\n`);
  process.exit(1);
});
