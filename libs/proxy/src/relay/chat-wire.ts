import type { GatewayError } from '../errors/gateway-error';
import { openAiErrorBody } from '../errors/openai-error-body';
import { eventData } from './sse-splitter';

type Json = Record<string, unknown>;

/** A provider's token count as a non-negative number (absent, null or malformed counts are zero). */
export const tokenCount = (v: unknown): number => (typeof v === 'number' && v > 0 ? v : 0);

/**
 * A tool call's JSON arguments as an object: absent or empty arguments are `{}`, and so is broken JSON (a model that
 * produced it: the client sees an empty input rather than a crash).
 */
export function parseToolArguments(text: string): unknown {
  try {
    return JSON.parse(text || '{}') as unknown;
  } catch {
    return {}; // SyntaxError: broken JSON from the model
  }
}

/** A `chat.completion` with one choice, as every translation into the chat wire answers. */
export function chatCompletion(c: {
  id: string;
  created: number;
  model: string;
  text: string;
  toolCalls: Json[];
  finishReason: string;
  usage: Json;
}): Json {
  const calls = c.toolCalls.length > 0;
  return {
    id: c.id,
    object: 'chat.completion',
    created: c.created,
    model: c.model,
    choices: [
      {
        index: 0,
        message: {
          role: 'assistant',
          content: c.text || (calls ? null : ''),
          ...(calls ? { tool_calls: c.toolCalls } : {}),
          refusal: null,
        },
        finish_reason: c.finishReason,
        logprobs: null,
      },
    ],
    usage: c.usage,
  };
}

/** An `{"error":…}` data event: how a chat stream ends when it fails after its first byte. */
export function chatErrorEvent(error: { message: string; type: string; param: string | null; code: string | null }): string {
  return `data: ${JSON.stringify({ error })}\n\n`;
}

/** The gateway's own failure of a chat stream, in that shape. */
export function chatFailure(error: GatewayError, message = error.message): string {
  return chatErrorEvent({ ...openAiErrorBody(error).error, message });
}

/**
 * The chunks of one chat stream a translation writes: one id, model and creation time, `usage: null` on every chunk
 * when the client asked for the usage chunk (OpenAI's semantics), and the closing usage chunk and `[DONE]`.
 */
export class ChatChunkWriter {
  id = 'chatcmpl-';

  constructor(
    private readonly model: string,
    private readonly created: number,
    private readonly withUsage: boolean,
  ) {}

  chunk(delta: Json, finishReason: string | null = null): string {
    const choices = [{ index: 0, delta, finish_reason: finishReason, logprobs: null }];
    return this.event(choices, this.withUsage ? null : undefined);
  }

  /** The usage chunk (only when the client asked for it), then `[DONE]`. */
  end(usage: Json): string {
    return `${this.withUsage ? this.event([], usage) : ''}data: [DONE]\n\n`;
  }

  private event(choices: unknown[], usage: Json | null | undefined): string {
    const chunk = { id: this.id, object: 'chat.completion.chunk', created: this.created, model: this.model, choices };
    return `data: ${JSON.stringify(usage === undefined ? chunk : { ...chunk, usage })}\n\n`;
  }
}

/** One event of an upstream chat stream, read for translation into another wire. */
type ChatStreamEvent = { kind: 'done' } | { kind: 'error'; code: string; message: string } | { kind: 'chunk'; chunk: Json };

/** Reads a chat stream event: `[DONE]`, an `{"error":…}` event, or a chunk; undefined for comments and non-JSON. */
export function readChatEvent(raw: string): ChatStreamEvent | undefined {
  const data = eventData(raw);
  if (data === undefined) return undefined;
  if (data === '[DONE]') return { kind: 'done' };
  let chunk: Json;
  try {
    chunk = JSON.parse(data) as Json;
  } catch {
    return undefined;
  }
  if (!chunk.error) return { kind: 'chunk', chunk };
  const error = chunk.error as Json;
  return {
    kind: 'error',
    code: String(error.code ?? error.type ?? 'server_error'),
    message: String(error.message ?? 'The provider reported an error.'),
  };
}
