import { ZERO_USAGE, type NormalizedUsage } from '@allot/billing';
import { anthropicErrorBody } from '../errors/anthropic-error-body';
import type { GatewayError } from '../errors/gateway-error';

/** Anthropic Messages stream events, written the same way by every translation that answers in that wire. */

type Json = Record<string, unknown>;

/** One SSE event: `event: <type>` and the data object, which repeats its type. */
export const messagesEvent = (type: string, data: Json): string => `event: ${type}\ndata: ${JSON.stringify({ type, ...data })}\n\n`;

/** The stream's opening: `message_start` with an empty assistant message (usage comes at the end), then a ping. */
export function messageStartEvents(id: string, model: string): string {
  const message = {
    id,
    type: 'message',
    role: 'assistant',
    model,
    content: [],
    stop_reason: null,
    stop_sequence: null,
    usage: { input_tokens: 0, output_tokens: 0 },
  };
  return messagesEvent('message_start', { message }) + messagesEvent('ping', {});
}

/**
 * An OpenAI usage (either wire's, normalized) as Anthropic reports it: cached input tokens are cache reads, the rest
 * plain input; output includes the reasoning. With `thinkingTokens` (answers that return the vendor's thinking as
 * thinking blocks), the reasoning part is also told apart, as Anthropic does, in `output_tokens_details.thinking_tokens`.
 * No usage counts as zero.
 */
export function anthropicUsage(usage: NormalizedUsage | undefined, thinkingTokens = false): Json {
  const u = usage ?? ZERO_USAGE;
  return {
    input_tokens: u.inputTokens - u.cachedInputTokens,
    cache_creation_input_tokens: 0,
    cache_read_input_tokens: u.cachedInputTokens,
    output_tokens: u.outputTokens,
    ...(thinkingTokens && u.reasoningTokens > 0 ? { output_tokens_details: { thinking_tokens: u.reasoningTokens } } : {}),
  };
}

/** The terminal `error` event for a failure of the gateway's or the provider's. */
export const messagesErrorEvent = (error: GatewayError, message = error.message): string =>
  messagesEvent('error', { error: anthropicErrorBody(error, message).error });
