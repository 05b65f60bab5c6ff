import { normalizeOpenAiUsage, type NormalizedUsage } from '@allot/billing';
import { anthropicErrorBody } from '../errors/anthropic-error-body';
import type { GatewayError } from '../errors/gateway-error';
import { readChatEvent, tokenCount } from '../relay/chat-wire';
import type { StreamProtocol } from '../relay/stream-protocols';

type Json = Record<string, unknown>;

/** Chat Completions finish reasons → Anthropic stop reasons. */
export const STOP_REASONS: Record<string, string> = {
  stop: 'end_turn',
  length: 'max_tokens',
  tool_calls: 'tool_use',
  function_call: 'tool_use',
  content_filter: 'refusal',
};

/** OpenAI usage as Anthropic reports it: cached prompt tokens are cache reads, the rest plain input. */
export function anthropicUsage(usage: Json | undefined): Json {
  const n = tokenCount;
  const cached = Math.min(n((usage?.prompt_tokens_details as Json | undefined)?.cached_tokens), n(usage?.prompt_tokens));
  return {
    input_tokens: n(usage?.prompt_tokens) - cached,
    cache_creation_input_tokens: 0,
    cache_read_input_tokens: cached,
    output_tokens: n(usage?.completion_tokens),
  };
}

function parseArguments(text: string): unknown {
  try {
    return JSON.parse(text || '{}');
  } catch {
    return {}; // a model that produced broken JSON: the client sees an empty input rather than a crash
  }
}

/** A `chat.completion` as an Anthropic `message`. */
export function openAiChatToMessage(chat: Json, requestedModel: string): Json {
  const choice = ((chat.choices as Json[] | undefined) ?? [])[0] ?? {};
  const message = (choice.message ?? {}) as Json;
  const content: Json[] = [];
  if (typeof message.content === 'string' && message.content) content.push({ type: 'text', text: message.content });
  for (const call of (message.tool_calls as Json[] | undefined) ?? []) {
    const fn = (call.function ?? {}) as Json;
    content.push({ type: 'tool_use', id: String(call.id), name: String(fn.name), input: parseArguments(String(fn.arguments ?? '')) });
  }
  return {
    id: `msg_${String(chat.id ?? '').replace(/^chatcmpl-/, '')}`,
    type: 'message',
    role: 'assistant',
    model: requestedModel,
    content,
    stop_reason: STOP_REASONS[String(choice.finish_reason)] ?? 'end_turn',
    stop_sequence: null,
    usage: anthropicUsage(chat.usage as Json | undefined),
  };
}

const event = (type: string, data: Json) => `event: ${type}\ndata: ${JSON.stringify({ type, ...data })}\n\n`;

/**
 * Chat Completions chunks → Anthropic's Messages events: `message_start` at the first chunk, a text block opened at
 * the first content delta, one `tool_use` block per tool call (arguments as `input_json_delta`), blocks closed as the
 * next one opens, and at `[DONE]` the `message_delta` (stop reason and usage, which the gateway asked upstream for)
 * and `message_stop`. An upstream `{"error":…}` chunk becomes an `error` event.
 */
export class ChatAsMessagesStream implements StreamProtocol {
  complete = false;
  upstreamFailure: { code: string; message: string } | undefined;
  private started = false;
  private openBlock: { index: number; kind: 'text' | 'tool'; toolIndex?: number } | undefined;
  private blocks = 0;
  private stopReason = 'end_turn';
  private openAiUsage: Json | undefined;

  constructor(private readonly requestedModel: string) {}

  get usage(): NormalizedUsage | undefined {
    return normalizeOpenAiUsage(this.openAiUsage);
  }

  forward(raw: string): string | undefined {
    const read = readChatEvent(raw);
    if (!read) return undefined;
    if (read.kind === 'done') return this.finish();
    if (read.kind === 'error') {
      this.complete = true;
      this.upstreamFailure = { code: read.code, message: read.message };
      return event('error', { error: { type: 'api_error', message: read.message } });
    }
    const chunk = read.chunk;
    let out = this.started ? '' : this.start(chunk);
    if (chunk.usage) this.openAiUsage = chunk.usage as Json;
    const choice = ((chunk.choices as Json[] | undefined) ?? [])[0];
    if (!choice) return out || undefined;
    const delta = (choice.delta ?? {}) as Json;
    if (typeof delta.content === 'string' && delta.content) {
      if (this.openBlock?.kind !== 'text') out += this.open('text', { type: 'text', text: '' });
      out += event('content_block_delta', { index: this.openBlock!.index, delta: { type: 'text_delta', text: delta.content } });
    }
    for (const call of (delta.tool_calls as Json[] | undefined) ?? []) {
      const fn = (call.function ?? {}) as Json;
      const toolIndex = Number(call.index ?? 0);
      if (this.openBlock?.kind !== 'tool' || this.openBlock.toolIndex !== toolIndex) {
        out += this.open(
          'tool',
          { type: 'tool_use', id: String(call.id ?? `toolu_${toolIndex}`), name: String(fn.name ?? ''), input: {} },
          toolIndex,
        );
      }
      if (typeof fn.arguments === 'string' && fn.arguments) {
        out += event('content_block_delta', {
          index: this.openBlock!.index,
          delta: { type: 'input_json_delta', partial_json: fn.arguments },
        });
      }
    }
    if (typeof choice.finish_reason === 'string') this.stopReason = STOP_REASONS[choice.finish_reason] ?? 'end_turn';
    return out || undefined;
  }

  failure(error: GatewayError, message = error.message): string {
    return event('error', { error: anthropicErrorBody(error, message).error });
  }

  private start(chunk: Json): string {
    this.started = true;
    const id = `msg_${String(chunk.id ?? '').replace(/^chatcmpl-/, '')}`;
    const message = {
      id,
      type: 'message',
      role: 'assistant',
      model: this.requestedModel,
      content: [],
      stop_reason: null,
      stop_sequence: null,
      usage: { input_tokens: 0, output_tokens: 0 },
    };
    return event('message_start', { message }) + event('ping', {});
  }

  private open(kind: 'text' | 'tool', block: Json, toolIndex?: number): string {
    const closing = this.close();
    this.openBlock = { index: this.blocks++, kind, ...(toolIndex !== undefined ? { toolIndex } : {}) };
    return closing + event('content_block_start', { index: this.openBlock.index, content_block: block });
  }

  private close(): string {
    if (!this.openBlock) return '';
    const text = event('content_block_stop', { index: this.openBlock.index });
    this.openBlock = undefined;
    return text;
  }

  private finish(): string {
    this.complete = true;
    const opening = this.started ? '' : this.start({});
    return (
      opening +
      this.close() +
      event('message_delta', { delta: { stop_reason: this.stopReason, stop_sequence: null }, usage: anthropicUsage(this.openAiUsage) }) +
      event('message_stop', {})
    );
  }
}
