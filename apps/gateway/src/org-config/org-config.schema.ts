import { z } from 'zod';
import {
  ACCESS_MODES,
  AUTH_PROVIDERS,
  MEMBER_ROLES,
  MEMBER_STATUSES,
  MODEL_KINDS,
  MODEL_STATUSES,
  PRICE_UNITS,
  PROVIDER_STATUSES,
  PROVIDER_TYPES,
  RESPONSES_SUPPORT,
  usdToMicros,
} from '@allot/contracts';
import { validateBaseUrl } from '@allot/platform';

/**
 * The organization file (`cli apply -f org.yaml`, `cli export`), format version 1. Keys are camelCase; secrets are
 * never inline: a credential names the environment variable that holds its API key.
 */
const slugPart = /^[a-z0-9][a-z0-9-]*$/;
const modelSlug = /^[a-z0-9][a-z0-9-]*\/[A-Za-z0-9][A-Za-z0-9._:-]*$/;
const tagName = /^[a-z][a-z0-9_-]{0,63}$/;
const envName = /^[A-Za-z_][A-Za-z0-9_]*$/;

const strictObject = <T extends z.ZodRawShape>(shape: T) => z.strictObject(shape);

const usd = z.union([z.string(), z.number()]).transform((value, ctx) => {
  const micros = usdToMicros(String(value));
  if (micros === undefined) {
    ctx.addIssue({ code: 'custom', message: 'must be a non-negative amount in USD with at most 6 decimals, e.g. "2.50"' });
    return z.NEVER;
  }
  return micros;
});

const isoInstant = z
  .string()
  .refine((s) => /^\d{4}-\d{2}-\d{2}(T\d{2}:\d{2}(:\d{2}(\.\d+)?)?(Z|[+-]\d{2}:\d{2}))?$/.test(s) && !Number.isNaN(Date.parse(s)), {
    message: 'must be an ISO 8601 date or date-time with a zone, e.g. 2026-01-01 or 2026-01-01T00:00:00Z',
  });

const positiveInt = (max = 2_147_483_647) => z.number().int().min(1).max(max);
const bigCount = z.number().int().min(0).max(Number.MAX_SAFE_INTEGER);

/**
 * A provider's base URL, checked statically against SSRF (scheme, no credentials or fragment, no metadata host).
 * Addresses are judged by the gateway's network policy when it connects; `apply` notes those it would refuse.
 */
const baseUrl = z
  .string()
  .max(2048)
  .superRefine((value, ctx) => {
    const problem = validateBaseUrl(value);
    if (problem) ctx.addIssue({ code: 'custom', message: problem });
  });

const credentialSchema = strictObject({
  label: z.string().regex(slugPart, 'must be lower-case letters, digits and "-"').max(64),
  apiKey: strictObject({ env: z.string().regex(envName, 'must be an environment variable name').max(128) }),
  status: z.enum(PROVIDER_STATUSES).default('active'),
  baseUrl: baseUrl.optional(),
  apiVersion: z.string().min(1).max(64).optional(),
  deployments: z.record(z.string().min(1).max(200), z.string().min(1).max(200)).optional(),
});

const providerSchema = strictObject({
  name: z.string().regex(slugPart, 'must be lower-case letters, digits and "-"').max(64),
  type: z.enum(PROVIDER_TYPES),
  displayName: z.string().min(1).max(200).optional(),
  baseUrl: baseUrl.optional(),
  apiVersion: z.string().min(1).max(64).optional(),
  /** Azure: the api-version of `/openai/responses` when `apiVersion` is not `v1`. */
  responsesApiVersion: z.string().min(1).max(64).optional(),
  status: z.enum(PROVIDER_STATUSES).default('active'),
  credentials: z.array(credentialSchema).default([]),
});

const priceSchema = strictObject({
  effectiveFrom: isoInstant,
  unit: z.enum(PRICE_UNITS).default('token'),
  inputPer1M: usd.optional(),
  cachedInputPer1M: usd.optional(),
  cacheWritePer1M: usd.optional(),
  /** 1-hour cache writes (Anthropic); without it they are billed at cacheWritePer1M. */
  cacheWrite1hPer1M: usd.optional(),
  outputPer1M: usd.optional(),
  /** USD per one unit (page, character, second …) for non-token units. */
  perUnit: usd.optional(),
  note: z.string().max(500).optional(),
});

const modelSchema = strictObject({
  slug: z.string().regex(modelSlug, 'must be "<provider>/<model>", e.g. azure/gpt-5.4').max(160),
  upstreamName: z.string().min(1).max(200).optional(),
  kind: z.enum(MODEL_KINDS).default('chat'),
  displayName: z.string().min(1).max(200).optional(),
  description: z.string().max(5000).optional(),
  family: z.string().min(1).max(64).optional(),
  capabilities: z.array(z.string().min(1).max(64)).default([]),
  modalities: strictObject({
    input: z.array(z.string().min(1).max(32)).default(['text']),
    output: z.array(z.string().min(1).max(32)).default(['text']),
  }).default({ input: ['text'], output: ['text'] }),
  contextWindow: positiveInt().optional(),
  maxOutputTokens: positiveInt().optional(),
  status: z.enum(MODEL_STATUSES).default('active'),
  responses: z.enum(RESPONSES_SUPPORT).default('unknown'),
  access: strictObject({
    default: z.enum(ACCESS_MODES).default('open'),
    allowTags: z.array(z.string().regex(tagName)).default([]),
    denyTags: z.array(z.string().regex(tagName)).default([]),
  }).default({ default: 'open', allowTags: [], denyTags: [] }),
  selfService: strictObject({
    enabled: z.boolean().default(false),
    tokensPerMonth: bigCount.optional(),
    costPerMonth: usd.optional(),
  }).default({ enabled: false }),
  prices: z.array(priceSchema).default([]),
});

const tagSchema = strictObject({
  name: z.string().regex(tagName, 'must start with a letter; lower-case letters, digits, "_" and "-"'),
  description: z.string().max(500).optional(),
});

const memberSchema = strictObject({
  identifier: z
    .string()
    .min(1)
    .max(320)
    .regex(/^[^\s]+$/, 'must not contain spaces'),
  displayName: z.string().min(1).max(200).optional(),
  email: z.email().max(320).optional(),
  role: z.enum(MEMBER_ROLES).default('member'),
  status: z.enum(MEMBER_STATUSES).default('active'),
  authProvider: z.enum(AUTH_PROVIDERS).default('local'),
  tags: z.array(z.string().regex(tagName)).default([]),
});

const allocationName = z.string().regex(slugPart, 'must be lower-case letters, digits and "-"').max(64);

const allocationSchema = strictObject({
  member: z.string().min(1).max(320),
  model: z.string().regex(modelSlug, 'must be a model slug "<provider>/<model>"'),
  name: allocationName.default('default'),
  status: z.enum(['active', 'paused', 'revoked']).default('active'),
  quota: strictObject({ tokensPerMonth: bigCount.optional(), costPerMonth: usd.optional() }).default({}),
  limits: strictObject({
    rpm: positiveInt().optional(),
    tpm: positiveInt().optional(),
    concurrency: positiveInt(100_000).optional(),
  }).default({}),
  service: z.boolean().default(false),
  quotaLocked: z.boolean().default(false),
  note: z.string().max(1000).optional(),
});

/** `<model slug>` (the allocation named "default") or `<model slug>#<allocation name>`. */
const scopeEntry = z.string().regex(/^[a-z0-9][a-z0-9-]*\/[A-Za-z0-9][A-Za-z0-9._:-]*(#[a-z0-9][a-z0-9-]*)?$/, {
  message: 'must be "<provider>/<model>" or "<provider>/<model>#<allocation name>"',
});

const keySchema = strictObject({
  member: z.string().min(1).max(320),
  name: z.string().min(1).max(64),
  allocations: z.array(scopeEntry).min(1, 'a key needs at least one allocation'),
  expiresAt: isoInstant.optional(),
  revoked: z.boolean().default(false),
});

export const ORG_CONFIG_SCHEMA = strictObject({
  version: z.literal(1, { message: 'must be 1 (the only format version so far)' }),
  providers: z.array(providerSchema).default([]),
  models: z.array(modelSchema).default([]),
  tags: z.array(tagSchema).default([]),
  members: z.array(memberSchema).default([]),
  allocations: z.array(allocationSchema).default([]),
  keys: z.array(keySchema).default([]),
});

export type OrgConfig = z.output<typeof ORG_CONFIG_SCHEMA>;
export type ProviderConfig = OrgConfig['providers'][number];
export type CredentialConfig = ProviderConfig['credentials'][number];
export type ModelConfig = OrgConfig['models'][number];
export type PriceConfig = ModelConfig['prices'][number];
export type MemberConfig = OrgConfig['members'][number];
export type AllocationConfig = OrgConfig['allocations'][number];
export type KeyConfig = OrgConfig['keys'][number];
