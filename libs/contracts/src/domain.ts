/** Helper: a readonly tuple of literals and the union it defines, so values can be validated at runtime. */
const literals = <T extends string>(...values: T[]): readonly T[] => values;

export const MEMBER_ROLES = literals('admin', 'member');
/** Admins manage the organization; members use their own allocations. */
export type MemberRole = (typeof MEMBER_ROLES)[number];

export const MEMBER_STATUSES = literals('active', 'disabled');
export type MemberStatus = (typeof MEMBER_STATUSES)[number];

export const AUTH_PROVIDERS = literals('local', 'google', 'oidc');
/** How a member signs in. */
export type AuthProvider = (typeof AUTH_PROVIDERS)[number];

export const TAG_SOURCES = literals('manual', 'auto', 'config');
/** Who put a tag on a member: an admin, an auto-tag rule, or an applied config file. */
export type TagSource = (typeof TAG_SOURCES)[number];

export const PROVIDER_TYPES = literals('openai', 'azure-openai', 'openai-compatible', 'anthropic', 'gemini');
/** The upstream wire an adapter speaks. */
export type ProviderType = (typeof PROVIDER_TYPES)[number];

export const PROVIDER_STATUSES = literals('active', 'disabled');
export type ProviderStatus = (typeof PROVIDER_STATUSES)[number];

export const MODEL_KINDS = literals('chat', 'embedding', 'image', 'tts', 'stt', 'rerank', 'moderation', 'realtime');
export type ModelKind = (typeof MODEL_KINDS)[number];

export const MODEL_STATUSES = literals('active', 'preview', 'deprecated');
export type ModelStatus = (typeof MODEL_STATUSES)[number];

export const RESPONSES_SUPPORT = literals('unknown', 'available', 'unavailable');
/** Whether `/v1/responses` works for a model (C6). */
export type ResponsesSupport = (typeof RESPONSES_SUPPORT)[number];

export const CAPABILITY_SOURCES = literals('tested', 'manual');
export type CapabilitySource = (typeof CAPABILITY_SOURCES)[number];

export const ACCESS_MODES = literals('open', 'restricted');
/** Default visibility of a model: open to every member, or only to members with an allowed tag (C3). */
export type AccessMode = (typeof ACCESS_MODES)[number];

export const ALLOCATION_STATUSES = literals('active', 'paused', 'quarantined', 'revoked');
/** `revoked` is terminal; `active ⇄ paused`; `quarantined` comes from anomaly detection. */
export type AllocationStatus = (typeof ALLOCATION_STATUSES)[number];

export const ALLOCATION_ORIGINS = literals('admin', 'self_service', 'config');
export type AllocationOrigin = (typeof ALLOCATION_ORIGINS)[number];

export const KEY_ORIGINS = literals('portal', 'admin', 'cli', 'config', 'device');
export type KeyOrigin = (typeof KEY_ORIGINS)[number];

export const PRICE_UNITS = literals('token', 'page', 'query', 'character', 'image', 'second', 'minute');
/** `token` prices use the four token fields; every other unit uses the unit price. */
export type PriceUnit = (typeof PRICE_UNITS)[number];

export const CALL_OUTCOMES = literals(
  'success',
  'client_error',
  'upstream_error',
  'upstream_timeout',
  'client_disconnected',
  'rejected_auth',
  'rejected_scope',
  'rejected_status',
  'rejected_quota',
  'rejected_rate_limit',
  'rejected_policy',
  'rejected_invalid',
  'gateway_error',
);
/** How a proxied call ended; every call (rejections too) records exactly one outcome. */
export type CallOutcome = (typeof CALL_OUTCOMES)[number];

export const INVITATION_PURPOSES = literals('invite', 'bootstrap');
export type InvitationPurpose = (typeof INVITATION_PURPOSES)[number];

/** What the public invitation lookup answers (the token itself is never echoed). */
export interface InvitationSummary {
  identifier: string;
  role: MemberRole;
  expiresAt: string;
}

/** The admin API's error body (`/api/v1`). */
export interface ApiErrorBody {
  statusCode: number;
  code: string;
  message: string;
}

/** `/readyz` body. */
export interface ReadinessReport {
  status: 'ready' | 'not_ready';
  database: 'up' | 'down';
  migrations: 'current' | 'pending' | 'unknown';
}
