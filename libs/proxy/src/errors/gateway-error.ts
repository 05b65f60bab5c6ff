import type { CallOutcome } from '@allot/contracts';

/** OpenAI's error `type` vocabulary. */
export type OpenAiErrorType =
  | 'invalid_request_error'
  | 'authentication_error'
  | 'permission_error'
  | 'not_found_error'
  | 'rate_limit_error'
  | 'insufficient_quota'
  | 'api_error';

/** A refusal or failure on `/v1`, rendered in the caller's wire format; `outcome` is what the ledger records. */
export class GatewayError extends Error {
  constructor(
    readonly status: number,
    readonly type: OpenAiErrorType,
    readonly code: string,
    message: string,
    readonly outcome: CallOutcome,
    readonly extra: { param?: string; retryAfterSeconds?: number } = {},
  ) {
    super(message);
    this.name = 'GatewayError';
  }
}

export const GatewayErrors = {
  missingKey: () =>
    new GatewayError(
      401,
      'authentication_error',
      'invalid_api_key',
      'Missing API key: send "Authorization: Bearer <key>" (or "x-api-key: <key>").',
      'rejected_auth',
    ),
  invalidKey: () => new GatewayError(401, 'authentication_error', 'invalid_api_key', 'Invalid API key.', 'rejected_auth'),
  keyRevoked: () => new GatewayError(401, 'authentication_error', 'key_revoked', 'This API key has been revoked.', 'rejected_auth'),
  keyExpired: () => new GatewayError(401, 'authentication_error', 'key_expired', 'This API key has expired.', 'rejected_auth'),
  memberDisabled: () =>
    new GatewayError(403, 'permission_error', 'member_disabled', 'The owner of this API key is disabled.', 'rejected_auth'),
  invalidBody: (message: string, param?: string) =>
    new GatewayError(400, 'invalid_request_error', 'invalid_request', message, 'rejected_invalid', param ? { param } : {}),
  modelNotInScope: (model: string, allowed: string[]) =>
    new GatewayError(
      404,
      'invalid_request_error',
      'model_not_in_scope',
      `The model "${model}" is not available to this API key. Models this key can call: ${allowed.length ? allowed.join(', ') : '(none)'}.`,
      'rejected_scope',
      { param: 'model' },
    ),
  ambiguousModel: (model: string, candidates: string[]) =>
    new GatewayError(
      400,
      'invalid_request_error',
      'model_ambiguous',
      `The model "${model}" matches several models of this key: ${candidates.join(', ')}. Use the full name.`,
      'rejected_scope',
      { param: 'model' },
    ),
  allocationStatus: (status: 'paused' | 'revoked' | 'quarantined', model: string) =>
    new GatewayError(
      403,
      'permission_error',
      `allocation_${status}`,
      {
        paused: `Your allocation of ${model} is paused; resume it in the portal or ask an admin.`,
        revoked: `Your allocation of ${model} has been revoked.`,
        quarantined: `Your allocation of ${model} is quarantined after unusual activity; an admin must release it.`,
      }[status],
      'rejected_status',
    ),
  /** The member-facing message names no tag: who may call what is the admin's business (their diagnosis shows why). */
  modelForbidden: (model: string) =>
    new GatewayError(
      403,
      'permission_error',
      'model_forbidden',
      `Access to ${model} is not allowed for your account by your organization's policy; ask an admin.`,
      'rejected_policy',
      { param: 'model' },
    ),
  responsesUnavailable: (model: string) =>
    new GatewayError(
      400,
      'invalid_request_error',
      'responses_unsupported',
      `${model} does not support the Responses API at its provider; call it through /v1/chat/completions, or ask an admin to re-test it.`,
      'rejected_invalid',
      { param: 'model' },
    ),
  previousResponseNotFound: (id: string) =>
    new GatewayError(
      400,
      'invalid_request_error',
      'previous_response_not_found',
      `Previous response "${id}" is not known for this key: it was not stored (store: false), has expired, or belongs to someone else. Send the conversation in "input" instead.`,
      'rejected_invalid',
      { param: 'previous_response_id' },
    ),
  previousResponseElsewhere: (id: string, where: string) =>
    new GatewayError(
      400,
      'invalid_request_error',
      'previous_response_other_allocation',
      `Previous response "${id}" was created with ${where}, and a stored response can only be continued there. Call that model, or send the conversation in "input" instead.`,
      'rejected_invalid',
      { param: 'previous_response_id' },
    ),
  previousResponseUnavailable: (id: string) =>
    new GatewayError(
      400,
      'invalid_request_error',
      'previous_response_unavailable',
      `Previous response "${id}" is stored under a provider credential that is no longer active. Send the conversation in "input" instead.`,
      'rejected_invalid',
      { param: 'previous_response_id' },
    ),
  compactionUnsupported: (provider: string) =>
    new GatewayError(
      400,
      'invalid_request_error',
      'compaction_unsupported',
      `The provider "${provider}" does not offer /responses/compact. Compact the conversation client-side (an ordinary /v1/responses call asking for a summary) instead.`,
      'client_error',
    ),
  responseNotFound: (id: string) =>
    new GatewayError(404, 'invalid_request_error', 'response_not_found', `Response with id "${id}" not found.`, 'rejected_scope'),
  providerUnavailable: (model: string) =>
    new GatewayError(
      503,
      'api_error',
      'provider_unavailable',
      `No active provider credential can serve ${model} right now.`,
      'upstream_error',
    ),
  upstreamTimeout: () => new GatewayError(504, 'api_error', 'upstream_timeout', 'The provider did not answer in time.', 'upstream_timeout'),
  upstreamUnreachable: () =>
    new GatewayError(502, 'api_error', 'upstream_unreachable', 'The provider could not be reached.', 'upstream_error'),
  rateLimited: (message: string, retryAfterSeconds: number) =>
    new GatewayError(429, 'rate_limit_error', 'rate_limit_exceeded', message, 'rejected_rate_limit', { retryAfterSeconds }),
  /** Every 429 says when to come back: for a monthly quota, when it resets. */
  quotaExceeded: (message: string, resetsAt?: Date) =>
    new GatewayError(
      429,
      'insufficient_quota',
      'insufficient_quota',
      message,
      'rejected_quota',
      resetsAt ? { retryAfterSeconds: Math.max(1, Math.ceil((resetsAt.getTime() - Date.now()) / 1000)) } : {},
    ),
  bodyTooLarge: () =>
    new GatewayError(
      413,
      'invalid_request_error',
      'request_too_large',
      'The request body is larger than the configured limit.',
      'rejected_invalid',
    ),
  unknownEndpoint: () => new GatewayError(404, 'not_found_error', 'unknown_url', 'Unknown endpoint.', 'rejected_invalid'),
  unsupported: (message: string) => new GatewayError(400, 'invalid_request_error', 'unsupported', message, 'rejected_invalid'),
  /** The provider's address is refused by the network policy (SSRF protection); the detail is logged, not shown. */
  upstreamBlocked: () =>
    new GatewayError(
      502,
      'api_error',
      'upstream_address_blocked',
      "The provider's address is not allowed by this gateway's network policy.",
      'upstream_error',
    ),
};
