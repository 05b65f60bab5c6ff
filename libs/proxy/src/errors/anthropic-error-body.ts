import type { GatewayError, OpenAiErrorType } from './gateway-error';

/** Anthropic's error `type` vocabulary, by the gateway's (OpenAI-style) type and HTTP status. */
const TYPES: Record<OpenAiErrorType, string> = {
  invalid_request_error: 'invalid_request_error',
  authentication_error: 'authentication_error',
  permission_error: 'permission_error',
  not_found_error: 'not_found_error',
  rate_limit_error: 'rate_limit_error',
  insufficient_quota: 'rate_limit_error',
  api_error: 'api_error',
};

export interface AnthropicErrorBody {
  type: 'error';
  error: { type: string; message: string };
}

/** `{"type":"error","error":{"type","message"}}`, as the Anthropic SDKs and Claude Code expect on `/v1/messages`. */
export function anthropicErrorBody(error: GatewayError, message = error.message): AnthropicErrorBody {
  const type =
    error.status === 413
      ? 'request_too_large'
      : error.status === 404 && error.type === 'invalid_request_error'
        ? 'not_found_error'
        : TYPES[error.type];
  return { type: 'error', error: { type, message } };
}

/** The Anthropic type for a provider's HTTP status, when its body did not say (see the Messages API errors page). */
export function anthropicTypeForStatus(status: number): string {
  if (status === 401) return 'authentication_error';
  if (status === 403) return 'permission_error';
  if (status === 404) return 'not_found_error';
  if (status === 413) return 'request_too_large';
  if (status === 429) return 'rate_limit_error';
  if (status === 529) return 'overloaded_error';
  return status >= 500 ? 'api_error' : 'invalid_request_error';
}
