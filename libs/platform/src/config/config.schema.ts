import { z } from 'zod';
import { parseNetworkList, type NetworkList } from '../net/network-policy';

const bool = z
  .enum(['true', 'false', '1', '0', 'yes', 'no'], { error: 'must be true or false' })
  .transform((v) => v === 'true' || v === '1' || v === 'yes');

const int = (min: number, max: number) =>
  z
    .string()
    .regex(/^\d+$/, { error: `must be a whole number between ${min} and ${max}` })
    .transform(Number)
    .refine((n) => n >= min && n <= max, { error: `must be a whole number between ${min} and ${max}` });

const url = (schemes: string[]) =>
  z.string().refine(
    (value) => {
      try {
        return schemes.includes(new URL(value).protocol.replace(/:$/, ''));
      } catch {
        return false;
      }
    },
    { error: `must be a URL starting with ${schemes.map((s) => `${s}://`).join(' or ')}` },
  );

const timeZone = z.string().refine(
  (tz) => {
    try {
      new Intl.DateTimeFormat('en-US', { timeZone: tz });
      return true;
    } catch {
      return false;
    }
  },
  { error: 'must be an IANA time zone such as UTC or Asia/Taipei' },
);

const networkList = z.string().transform((text, ctx): NetworkList => {
  try {
    return parseNetworkList(text);
  } catch (error) {
    // parseNetworkList throws an Error naming every bad entry: it becomes this variable's problem.
    ctx.addIssue({ code: 'custom', message: (error as Error).message });
    return z.NEVER;
  }
});

/**
 * Every environment variable Allot reads, with its default.
 * The README's configuration table is checked against this list by a unit test.
 */
export const ENV_SCHEMA = z.object({
  NODE_ENV: z.enum(['development', 'production', 'test']).default('production'),
  HOST: z.string().min(1).default('0.0.0.0'),
  PORT: int(0, 65535).default(3000),
  ALLOT_PUBLIC_URL: url(['http', 'https']).optional(),
  DATABASE_URL: url(['postgres', 'postgresql']).optional(),
  DATABASE_POOL_SIZE: int(1, 500).default(10),
  REDIS_URL: url(['redis', 'rediss']).optional(),
  ALLOT_DATA_DIR: z.string().min(1).default('./data'),
  ALLOT_ENCRYPTION_KEYS: z.string().min(1).optional(),
  ALLOT_ENCRYPTION_ACTIVE_KEY: z.string().min(1).optional(),
  ALLOT_MIGRATE_ON_START: bool.default(true),
  ALLOT_BODY_LIMIT_MB: int(1, 1024).default(64),
  ALLOT_TIME_ZONE: timeZone.default('UTC'),
  ALLOT_BOOTSTRAP_ADMIN: z.string().min(1).max(320).optional(),
  ALLOT_INVITATION_TTL_HOURS: int(1, 720).default(48),
  ALLOT_CACHE_TTL_MS: int(100, 600_000).default(1000),
  ALLOT_DEFAULT_MAX_OUTPUT_TOKENS: int(1, 10_000_000).default(8192),
  ALLOT_RETRY_OTHER_CREDENTIAL: bool.default(true),
  ALLOT_UPSTREAM_CONNECT_TIMEOUT_MS: int(100, 600_000).default(10_000),
  ALLOT_UPSTREAM_FIRST_BYTE_TIMEOUT_MS: int(100, 3_600_000).default(300_000),
  ALLOT_UPSTREAM_IDLE_TIMEOUT_MS: int(100, 3_600_000).default(300_000),
  ALLOT_UPSTREAM_ALLOWED_NETWORKS: networkList.optional(),
  ALLOT_CONSOLE_DIR: z.string().min(1).optional(),
  LOG_LEVEL: z.enum(['fatal', 'error', 'warn', 'info', 'debug', 'trace', 'silent']).default('info'),
});

export type EnvInput = z.input<typeof ENV_SCHEMA>;
export type ParsedEnv = z.output<typeof ENV_SCHEMA>;
