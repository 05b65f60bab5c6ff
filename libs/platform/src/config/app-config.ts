import { resolve } from 'node:path';
import type { NetworkList } from '../net/network-policy';
import { ENV_SCHEMA, type ParsedEnv } from './config.schema';

/** The one typed configuration object, validated once at boot. Nothing else reads `process.env`. */
export interface AppConfig {
  env: ParsedEnv['NODE_ENV'];
  http: { host: string; port: number; publicUrl: string; bodyLimitBytes: number };
  database: { mode: 'postgres'; url: string; poolSize: number } | { mode: 'embedded'; dataDir: string; poolSize: number };
  redisUrl: string | undefined;
  dataDir: string;
  encryption: { keys: string | undefined; activeKeyId: string | undefined };
  migrateOnStart: boolean;
  timeZone: string;
  bootstrapAdmin: string | undefined;
  invitationTtlHours: number;
  /** How long hot-path caches (keys, catalog, prices) serve an entry before re-reading it. */
  cacheTtlMs: number;
  /** Output reserved against quotas when neither the request nor the model sets a cap. */
  defaultMaxOutputTokens: number;
  upstream: {
    connectTimeoutMs: number;
    firstByteTimeoutMs: number;
    idleTimeoutMs: number;
    retryOtherCredential: boolean;
    /** Networks exempt from the blocked ranges (loopback, link-local, metadata …) when connecting to providers. */
    allowedNetworks: NetworkList;
  };
  consoleDir: string | undefined;
  logLevel: ParsedEnv['LOG_LEVEL'];
}

/** Thrown when the environment is invalid; `problems` names every invalid variable. */
export class ConfigError extends Error {
  constructor(readonly problems: string[]) {
    super(`Invalid configuration:\n${problems.map((p) => `  - ${p}`).join('\n')}`);
    this.name = 'ConfigError';
  }
}

/** Never echo values of variables that hold secrets. */
const SECRET_VARIABLES = new Set(['DATABASE_URL', 'REDIS_URL', 'ALLOT_ENCRYPTION_KEYS']);

export function loadConfig(source: Record<string, string | undefined>): AppConfig {
  // Empty strings count as unset, as in most deployment tools.
  const env = Object.fromEntries(Object.entries(source).filter(([, v]) => v !== undefined && v !== ''));
  const parsed = ENV_SCHEMA.safeParse(env);
  if (!parsed.success) {
    const problems = parsed.error.issues.map((issue) => {
      const name = String(issue.path[0] ?? '(environment)');
      const value = env[name];
      const shown = value === undefined || SECRET_VARIABLES.has(name) ? '' : ` (got ${JSON.stringify(value)})`;
      return `${name}: ${issue.message}${shown}`;
    });
    throw new ConfigError(problems);
  }
  const e = parsed.data;
  const dataDir = resolve(e.ALLOT_DATA_DIR);
  const displayHost = e.HOST === '0.0.0.0' || e.HOST === '::' ? 'localhost' : e.HOST;
  return {
    env: e.NODE_ENV,
    http: {
      host: e.HOST,
      port: e.PORT,
      publicUrl: (e.ALLOT_PUBLIC_URL ?? `http://${displayHost}:${e.PORT}`).replace(/\/+$/, ''),
      bodyLimitBytes: e.ALLOT_BODY_LIMIT_MB * 1024 * 1024,
    },
    database: e.DATABASE_URL
      ? { mode: 'postgres', url: e.DATABASE_URL, poolSize: e.DATABASE_POOL_SIZE }
      : { mode: 'embedded', dataDir: resolve(dataDir, 'pglite'), poolSize: e.DATABASE_POOL_SIZE },
    redisUrl: e.REDIS_URL,
    dataDir,
    encryption: { keys: e.ALLOT_ENCRYPTION_KEYS, activeKeyId: e.ALLOT_ENCRYPTION_ACTIVE_KEY },
    migrateOnStart: e.ALLOT_MIGRATE_ON_START,
    timeZone: e.ALLOT_TIME_ZONE,
    bootstrapAdmin: e.ALLOT_BOOTSTRAP_ADMIN,
    invitationTtlHours: e.ALLOT_INVITATION_TTL_HOURS,
    cacheTtlMs: e.ALLOT_CACHE_TTL_MS,
    defaultMaxOutputTokens: e.ALLOT_DEFAULT_MAX_OUTPUT_TOKENS,
    upstream: {
      connectTimeoutMs: e.ALLOT_UPSTREAM_CONNECT_TIMEOUT_MS,
      firstByteTimeoutMs: e.ALLOT_UPSTREAM_FIRST_BYTE_TIMEOUT_MS,
      idleTimeoutMs: e.ALLOT_UPSTREAM_IDLE_TIMEOUT_MS,
      retryOtherCredential: e.ALLOT_RETRY_OTHER_CREDENTIAL,
      allowedNetworks: e.ALLOT_UPSTREAM_ALLOWED_NETWORKS ?? [],
    },
    consoleDir: e.ALLOT_CONSOLE_DIR ? resolve(e.ALLOT_CONSOLE_DIR) : undefined,
    logLevel: e.LOG_LEVEL,
  };
}
