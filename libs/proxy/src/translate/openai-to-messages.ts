import { normalizeOpenAiUsage, type NormalizedUsage } from '@allot/billing';
import type { GatewayError } from '../errors/gateway-error';
import { parseToolArguments, readChatEvent } from '../relay/chat-wire';
import { anthropicUsage, messageStartEvents, messagesErrorEvent, messagesEvent } from '../relay/messages-wire';
import type { StreamProtocol } from '../relay/stream-protocols';
import { carriedReasoning, encodeReasoning, REASONING_DELTA, type ReasoningDelta, type ReasoningVendor } from './reasoning-carrier';

type Json = Record<string, unknown>;

/** Chat Completions finish reasons → Anthropic stop reasons. */
const STOP_REASONS: Record<string, string> = {
  stop: 'end_turn',
  length: 'max_tokens',
  tool_calls: 'tool_use',
  function_call: 'tool_use',
  content_filter: 'refusal',
};

/**
 * The `thinking` block that returns a vendor's carried reasoning (see reasoning-carrier.ts) to an Anthropic client: its
 * thought summaries as the thinking text (possibly empty) and, as the signature, the gateway's encoding of what the
 * vendor needs back (Gemini's thought signatures) — the same `allot.<vendor>.v1.` value as a Responses reasoning
 * item's `encrypted_content`. Claude Code replays thinking blocks verbatim, so the next turn can hand them back.
 */
export const carriedThinkingBlock = (vendor: ReasoningVendor, items: Json[], summary: string[]): Json => ({
  type: 'thinking',
  thinking: summary.join('\n\n'),
  signature: encodeReasoning(vendor, items),
});

/**
 * A `chat.completion` as an Anthropic `message`. With `carry` (a chat answer translated from Gemini), reasoning carried
 * on the message (see reasoning-carrier.ts) comes first, as a `thinking` block, and the usage tells the thinking tokens
 * apart, as a stream of the same call does.
 */
export function openAiChatToMessage(chat: Json, requestedModel: string, carry = false): Json {
  const choice = ((chat.choices as Json[] | undefined) ?? [])[0] ?? {};
  const message = (choice.message ?? {}) as Json;
  const content: Json[] = [];
  const carried = carry ? carriedReasoning(message) : undefined;
  if (carried) content.push(carriedThinkingBlock(carried.vendor, carried.items, carried.summary));
  if (typeof message.content === 'string' && message.content) content.push({ type: 'text', text: message.content });
  for (const call of (message.tool_calls as Json[] | undefined) ?? []) {
    const fn = (call.function ?? {}) as Json;
    content.push({ type: 'tool_use', id: String(call.id), name: String(fn.name), input: parseToolArguments(String(fn.arguments ?? '')) });
  }
  return {
    id: `msg_${String(chat.id ?? '').replace(/^chatcmpl-/, '')}`,
    type: 'message',
    role: 'assistant',
    model: requestedModel,
    content,
    stop_reason: STOP_REASONS[String(choice.finish_reason)] ?? 'end_turn',
    stop_sequence: null,
    usage: anthropicUsage(normalizeOpenAiUsage(chat.usage), carry),
  };
}

/**
 * Chat Completions chunks → Anthropic's Messages events: `message_start` at the first chunk, a text block opened at
 * the first content delta, one `tool_use` block per tool call (arguments as `input_json_delta`), blocks closed as the
 * next one opens, and at `[DONE]` the `message_delta` (stop reason and usage, which the gateway asked upstream for)
 * and `message_stop`. An upstream `{"error":…}` chunk becomes an `error` event. Created with `carry` (a composed stream
 * from Gemini), carried reasoning deltas (see reasoning-carrier.ts) become `thinking` blocks, as Claude streams them:
 * `content_block_start` (thinking), `thinking_delta`s of the thought summary, and before `content_block_stop` a
 * `signature_delta` with the gateway's encoding of the thought signatures ({@link carriedThinkingBlock}). A signature
 * that arrives after text (Gemini signs the call that follows it) opens a thinking block of its own before the call.
 */
export class ChatAsMessagesStream implements StreamProtocol {
  complete = false;
  upstreamFailure: { code: string; message: string } | undefined;
  private started = false;
  private openBlock:
    | { index: number; kind: 'text' | 'tool'; toolIndex?: number }
    | { index: number; kind: 'thinking'; vendor: ReasoningVendor; items: Json[] }
    | undefined;
  private blocks = 0;
  private stopReason = 'end_turn';
  private openAiUsage: Json | undefined;

  constructor(
    private readonly requestedModel: string,
    private readonly carry = false,
  ) {}

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
      return messagesEvent('error', { error: { type: 'api_error', message: read.message } });
    }
    const chunk = read.chunk;
    let out = this.started ? '' : this.start(chunk);
    if (chunk.usage) this.openAiUsage = chunk.usage as Json;
    const choice = ((chunk.choices as Json[] | undefined) ?? [])[0];
    if (!choice) return out || undefined;
    const delta = (choice.delta ?? {}) as Json;
    const reasoning = this.carry ? (delta[REASONING_DELTA] as ReasoningDelta | undefined) : undefined;
    if (reasoning) out += this.thinking(reasoning);
    if (typeof delta.content === 'string' && delta.content) {
      if (this.openBlock?.kind !== 'text') out += this.open('text', { type: 'text', text: '' });
      out += messagesEvent('content_block_delta', { index: this.openBlock!.index, delta: { type: 'text_delta', text: delta.content } });
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
        out += messagesEvent('content_block_delta', {
          index: this.openBlock!.index,
          delta: { type: 'input_json_delta', partial_json: fn.arguments },
        });
      }
    }
    if (typeof choice.finish_reason === 'string') this.stopReason = STOP_REASONS[choice.finish_reason] ?? 'end_turn';
    return out || undefined;
  }

  failure(error: GatewayError, message = error.message): string {
    return messagesErrorEvent(error, message);
  }

  private start(chunk: Json): string {
    this.started = true;
    return messageStartEvents(`msg_${String(chunk.id ?? '').replace(/^chatcmpl-/, '')}`, this.requestedModel);
  }

  private open(kind: 'text' | 'tool', block: Json, toolIndex?: number): string {
    const closing = this.close();
    this.openBlock = { index: this.blocks++, kind, ...(toolIndex !== undefined ? { toolIndex } : {}) };
    return closing + messagesEvent('content_block_start', { index: this.openBlock.index, content_block: block });
  }

  /** A piece of carried reasoning: opens a thinking block (closing what was open), streams its summary, keeps items. */
  private thinking(piece: ReasoningDelta): string {
    let out = '';
    if (this.openBlock?.kind !== 'thinking' || this.openBlock.vendor !== piece.vendor) {
      out += this.close();
      this.openBlock = { index: this.blocks++, kind: 'thinking', vendor: piece.vendor, items: [] };
      out += messagesEvent('content_block_start', {
        index: this.openBlock.index,
        content_block: { type: 'thinking', thinking: '', signature: '' },
      });
    }
    if (piece.item) this.openBlock.items.push(piece.item);
    if (typeof piece.text === 'string' && piece.text)
      out += messagesEvent('content_block_delta', { index: this.openBlock.index, delta: { type: 'thinking_delta', thinking: piece.text } });
    return out;
  }

  private close(): string {
    const open = this.openBlock;
    if (!open) return '';
    this.openBlock = undefined;
    const signature =
      open.kind === 'thinking'
        ? messagesEvent('content_block_delta', {
            index: open.index,
            delta: { type: 'signature_delta', signature: String(carriedThinkingBlock(open.vendor, open.items, []).signature) },
          })
        : '';
    return signature + messagesEvent('content_block_stop', { index: open.index });
  }

  private finish(): string {
    this.complete = true;
    const opening = this.started ? '' : this.start({});
    return (
      opening +
      this.close() +
      messagesEvent('message_delta', {
        delta: { stop_reason: this.stopReason, stop_sequence: null },
        usage: anthropicUsage(this.usage, this.carry),
      }) +
      messagesEvent('message_stop', {})
    );
  }
}
