import type { Response } from 'express';
import { messagesErrorEvent } from './messages-wire';
import { normalizeAnthropicUsage, normalizeOpenAiUsage, type NormalizedUsage } from '@allot/billing';
import type { GatewayError } from '../errors/gateway-error';
import { chatFailure } from './chat-wire';
import { eventData } from './sse-splitter';
import { scanUsage, withoutUsageField } from './usage-scan';

/**
 * What the relay needs to know about one SSE wire: which events to forward (and how), where the usage is, whether
 * the upstream finished properly, and how to tell the client the call failed once its first byte was sent.
 */
export interface StreamProtocol {
  /** The text to forward for one upstream event (without its blank line), or undefined to drop it. */
  forward(event: string): string | undefined;
  readonly usage: NormalizedUsage | undefined;
  /** The upstream sent its terminal event. */
  readonly complete: boolean;
  /** Set when the upstream itself reported the call failed (e.g. `response.failed`): recorded, not billed as success. */
  readonly upstreamFailure: { code: string; message: string } | undefined;
  /** The terminal event that ends a failed stream in this wire. */
  failure(error: GatewayError, message?: string): string;
  /**
   * Called once when the upstream stream ended without an error, before `complete` is read: a wire whose upstream has
   * no terminal event (Gemini's SSE just ends) decides here whether the stream is complete, and returns the closing
   * text for the client (`[DONE]`). Wires with a terminal event do not need it.
   */
  upstreamEnded?(): string | undefined;
}

/**
 * Chat completions: ends with `data: [DONE]`; the usage chunk comes last because the gateway forces
 * `stream_options.include_usage`, and it is removed again (with the `usage` field of other chunks) for clients
 * that did not ask for it. Errors after the first byte are an `{"error":…}` data event.
 */
export class ChatStream implements StreamProtocol {
  usage: NormalizedUsage | undefined;
  complete = false;
  readonly upstreamFailure = undefined;

  constructor(private readonly clientWantsUsage: boolean) {}

  forward(event: string): string | undefined {
    const data = eventData(event);
    if (data === '[DONE]') this.complete = true;
    // Most chunks carry only `"usage":null`; the one with a usage object is parsed, once per stream.
    const found = data && data.includes('"usage":{') ? normalizeOpenAiUsage(scanUsage(data)) : undefined;
    if (found) this.usage = found;
    if (this.clientWantsUsage || !data || !data.includes('"usage"')) return `${event}\n\n`;
    // Only the gateway asked for usage: drop the usage-only chunk, and the field elsewhere.
    return found && /"choices":\[\]/.test(data) ? undefined : `data: ${withoutUsageField(data)}\n\n`;
  }

  failure(error: GatewayError, message?: string): string {
    return chatFailure(error, message);
  }
}

const TERMINAL = ['"response.completed"', '"response.failed"', '"response.incomplete"'];

/**
 * The Responses API: typed events with `event:` lines and a `sequence_number`, ending with `response.completed`,
 * `response.failed` or `response.incomplete`, whose `response.usage` is the bill. Only `response.created` and the
 * terminal event are parsed. A failure after the first byte is a `response.failed` event carrying `error.code` and
 * `message` (Codex ignores a bare `error` event and retries or stops by that code).
 */
export class ResponsesStream implements StreamProtocol {
  usage: NormalizedUsage | undefined;
  complete = false;
  upstreamFailure: { code: string; message: string } | undefined;
  /** The upstream's response id, from `response.created`. */
  responseId: string | undefined;
  private model: string | undefined;
  /** The last event's data: its `sequence_number` is read only if the stream fails (the protocol numbers events up). */
  private lastData = '';

  constructor(private readonly fallbackId: string) {}

  forward(event: string): string | undefined {
    const data = eventData(event);
    if (!data) return `${event}\n\n`;
    this.lastData = data;
    if (!this.responseId && data.includes('"response.created"')) this.remember(data);
    else if (TERMINAL.some((type) => data.includes(type))) this.finish(data);
    return `${event}\n\n`;
  }

  failure(error: GatewayError, message = error.message): string {
    const code = error.code === 'upstream_timeout' || error.code === 'upstream_unreachable' ? 'server_error' : error.code;
    const sequence = /"sequence_number":\s*(\d+)/.exec(this.lastData);
    return responsesFailedEvent(this.responseId ?? this.fallbackId, this.model, sequence ? Number(sequence[1]) : -1, { code, message });
  }

  private remember(data: string): void {
    const parsed = parse(data);
    if (parsed?.type !== 'response.created') return;
    this.responseId = typeof parsed.response?.id === 'string' ? parsed.response.id : undefined;
    this.model = typeof parsed.response?.model === 'string' ? parsed.response.model : undefined;
  }

  private finish(data: string): void {
    const parsed = parse(data);
    if (!parsed || !TERMINAL.includes(`"${String(parsed.type)}"`)) return;
    this.complete = true;
    this.usage = normalizeOpenAiUsage(parsed.response?.usage) ?? this.usage;
    if (parsed.type === 'response.failed') {
      const error = parsed.response?.error as { code?: unknown; message?: unknown } | null | undefined;
      this.upstreamFailure = {
        code: typeof error?.code === 'string' ? error.code : 'server_error',
        message: typeof error?.message === 'string' ? error.message : 'The provider reported the response failed.',
      };
    }
  }
}

/**
 * Anthropic's Messages stream: `message_start` carries the input side of the usage (input, cache reads, cache
 * writes), `message_delta` the cumulative output tokens, `message_stop` ends it. An upstream `error` event (e.g.
 * `overloaded_error`) ends it as failed. Only those events are parsed; deltas pass through as they are. A failure after
 * the first byte is an `error` event, as Anthropic sends it.
 */
export class MessagesStream implements StreamProtocol {
  complete = false;
  upstreamFailure: { code: string; message: string } | undefined;
  private input: Record<string, unknown> = {};
  private outputTokens: number | undefined;

  get usage(): NormalizedUsage | undefined {
    if (this.outputTokens === undefined && Object.keys(this.input).length === 0) return undefined;
    return normalizeAnthropicUsage({ ...this.input, output_tokens: this.outputTokens ?? this.input.output_tokens });
  }

  forward(event: string): string | undefined {
    const data = eventData(event);
    if (!data) return `${event}\n\n`;
    if (
      data.includes('"message_start"') ||
      data.includes('"message_delta"') ||
      data.includes('"message_stop"') ||
      data.includes('"error"')
    ) {
      const parsed = parse(data) as
        | {
            type?: unknown;
            message?: { usage?: Record<string, unknown> };
            usage?: Record<string, unknown>;
            error?: { type?: unknown; message?: unknown };
          }
        | undefined;
      if (parsed?.type === 'message_start' && parsed.message?.usage) this.input = parsed.message.usage;
      else if (parsed?.type === 'message_delta' && parsed.usage) {
        // Cumulative counts; newer API versions repeat the input side here too.
        this.input = { ...this.input, ...withoutUndefined(parsed.usage) };
        if (typeof parsed.usage.output_tokens === 'number') this.outputTokens = parsed.usage.output_tokens;
      } else if (parsed?.type === 'message_stop') this.complete = true;
      else if (parsed?.type === 'error') {
        this.complete = true;
        this.upstreamFailure = {
          code: typeof parsed.error?.type === 'string' ? parsed.error.type : 'api_error',
          message: typeof parsed.error?.message === 'string' ? parsed.error.message : 'The provider reported an error.',
        };
      }
    }
    return `${event}\n\n`;
  }

  failure(error: GatewayError, message = error.message): string {
    return messagesErrorEvent(error, message);
  }
}

function withoutUndefined(o: Record<string, unknown>): Record<string, unknown> {
  return Object.fromEntries(Object.entries(o).filter(([, v]) => v !== undefined && v !== null));
}

function parse(data: string): { type?: unknown; response?: Record<string, unknown> } | undefined {
  try {
    return JSON.parse(data) as { type?: unknown; response?: Record<string, unknown> };
  } catch {
    return undefined;
  }
}

/** The id of a response the gateway reports itself (no provider response exists): derived from the request id. */
export function gatewayResponseId(requestId: string): string {
  return `resp_${requestId.replace(/-/g, '')}`;
}

/** A `response.failed` event (Codex reads `response.error.code` and `message`; `id` is required). */
export function responsesFailedEvent(
  id: string,
  model: string | undefined,
  lastSequence: number,
  error: { code: string; message: string },
): string {
  const payload = {
    type: 'response.failed',
    sequence_number: lastSequence + 1,
    response: { id, object: 'response', status: 'failed', model: model ?? null, output: [], error, incomplete_details: null, usage: null },
  };
  return `event: response.failed\ndata: ${JSON.stringify(payload)}\n\n`;
}

/** A Responses stream that failed before any provider byte: the SSE headers and one `response.failed` event. */
export function sendResponsesFailure(
  res: Response,
  requestId: string,
  model: string | undefined,
  error: { code: string; message: string },
): void {
  res.status(200).setHeader('content-type', 'text/event-stream; charset=utf-8');
  res.setHeader('cache-control', 'no-cache');
  res.end(responsesFailedEvent(gatewayResponseId(requestId), model, -1, error));
}
