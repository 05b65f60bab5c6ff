import type { Dispatcher } from 'undici';
import { redactSecrets } from '../errors/openai-error-body';
import { retryAfterSeconds } from './retry-after';

/** A provider's error answer, read once and redacted: what the client is told, in whichever wire it speaks. */
export interface UpstreamFailure {
  status: number;
  type: string;
  /** The provider's own error type, when its body named one (Anthropic's `overloaded_error`, OpenAI's types). */
  providerType?: string;
  code: string;
  param: string | null;
  message: string;
  /** For a 429: the wait to announce (the provider's Retry-After, else its "try again in", else 1 s). */
  retryAfter?: string;
}

export function readUpstreamFailure(
  status: number,
  headers: Dispatcher.ResponseData['headers'],
  text: string,
  secrets: string[],
): UpstreamFailure {
  // OpenAI and Anthropic name a `type`; Google sends `{code (the HTTP status), message, status, details}`.
  let error: { message?: unknown; type?: unknown; param?: unknown; code?: unknown; details?: unknown } | undefined;
  try {
    error = (JSON.parse(text) as { error?: typeof error }).error;
  } catch {
    // An HTML or plain-text error page: described generically below.
  }
  const message = redactSecrets(typeof error?.message === 'string' ? error.message : `The provider answered HTTP ${status}.`, secrets);
  return {
    status,
    type: typeof error?.type === 'string' ? error.type : status >= 500 ? 'api_error' : 'invalid_request_error',
    ...(typeof error?.type === 'string' ? { providerType: error.type } : {}),
    code:
      typeof error?.code === 'string'
        ? error.code
        : status === 429
          ? 'rate_limit_exceeded'
          : status >= 500
            ? 'server_error'
            : 'upstream_error',
    param: typeof error?.param === 'string' ? error.param : null,
    message,
    ...(status === 429 ? { retryAfter: retryAfterSeconds(headers['retry-after'] ?? googleRetryDelay(error?.details), message) } : {}),
  };
}

/** Google's `RetryInfo` error detail (`"retryDelay": "37.5s"`) in whole seconds: Gemini's 429s say when to retry there. */
function googleRetryDelay(details: unknown): string | undefined {
  if (!Array.isArray(details)) return undefined;
  for (const detail of details as unknown[]) {
    const delay = (detail as { retryDelay?: unknown } | null)?.retryDelay;
    const seconds = typeof delay === 'string' ? /^(\d+(?:\.\d+)?)s$/.exec(delay.trim()) : null;
    if (seconds) return String(Math.max(1, Math.ceil(Number(seconds[1]))));
  }
  return undefined;
}
