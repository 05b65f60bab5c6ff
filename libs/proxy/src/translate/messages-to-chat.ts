import { normalizeAnthropicUsage, type NormalizedUsage } from '@allot/billing';
import type { GatewayError } from '../errors/gateway-error';
import { chatCompletion, ChatChunkWriter, chatErrorEvent, chatFailure, tokenCount } from '../relay/chat-wire';
import type { StreamProtocol } from '../relay/stream-protocols';
import { eventData } from '../relay/sse-splitter';
import { carryReasoning, REASONING_DELTA, type ReasoningDelta } from './reasoning-carrier';

type Json = Record<string, unknown>;

/** Anthropic stop reasons → Chat Completions finish reasons. */
const FINISH_REASONS: Record<string, string> = {
  end_turn: 'stop',
  stop_sequence: 'stop',
  pause_turn: 'stop',
  max_tokens: 'length',
  model_context_window_exceeded: 'length',
  tool_use: 'tool_calls',
  refusal: 'content_filter',
};

/**
 * Anthropic usage as OpenAI reports it: prompt tokens include cache reads and writes (OpenAI has no separate
 * write count), cached tokens are the reads. The ledger uses the exact Anthropic split (normalizeAnthropicUsage).
 */
export function chatUsage(usage: Json | undefined): Json {
  const n = tokenCount;
  const prompt = n(usage?.input_tokens) + n(usage?.cache_read_input_tokens) + n(usage?.cache_creation_input_tokens);
  const completion = n(usage?.output_tokens);
  return {
    prompt_tokens: prompt,
    completion_tokens: completion,
    total_tokens: prompt + completion,
    prompt_tokens_details: { cached_tokens: n(usage?.cache_read_input_tokens) },
    completion_tokens_details: { reasoning_tokens: 0 },
  };
}

/**
 * A Messages answer as a `chat.completion`. Thinking blocks have no place in chat: they are not returned to chat
 * clients, but ride on the message object as carried reasoning (see reasoning-carrier.ts) for the Responses leg.
 */
export function messagesToChat(message: Json, requestedModel: string, created: number): Json {
  let text = '';
  const toolCalls: Json[] = [];
  const thinking: Json[] = [];
  const summary: string[] = [];
  for (const block of (message.content as Json[] | undefined) ?? []) {
    if (block.type === 'text') text += String(block.text ?? '');
    else if (block.type === 'thinking' || block.type === 'redacted_thinking') {
      thinking.push(block);
      if (block.type === 'thinking' && typeof block.thinking === 'string' && block.thinking) summary.push(block.thinking);
    } else if (block.type === 'tool_use') {
      toolCalls.push({ id: block.id, type: 'function', function: { name: block.name, arguments: JSON.stringify(block.input ?? {}) } });
    }
  }
  const chat = chatCompletion({
    id: `chatcmpl-${String(message.id ?? '')}`,
    created,
    model: requestedModel,
    text,
    toolCalls,
    finishReason: FINISH_REASONS[String(message.stop_reason)] ?? 'stop',
    usage: chatUsage(message.usage as Json | undefined),
  });
  carryReasoning((chat.choices as Json[])[0]!.message as Json, { vendor: 'anthropic', items: thinking, summary });
  return chat;
}

/**
 * Anthropic's Messages SSE → Chat Completions chunks, event by event: a role chunk at `message_start`, content deltas,
 * tool calls (id and name at `content_block_start`, arguments from `input_json_delta`), the finish chunk at
 * `message_delta`, then the usage chunk (when the client asked) and `[DONE]` at `message_stop`. An upstream `error`
 * event becomes an `{"error":…}` chunk. Created with `carryReasoning` (the Responses leg), thinking travels as
 * {@link REASONING_DELTA} chunks: the thinking text as it streams, then each whole block (thinking with its
 * signature at its `content_block_stop`, redacted_thinking at its start); chat clients never get them.
 */
export class MessagesAsChatStream implements StreamProtocol {
  complete = false;
  upstreamFailure: { code: string; message: string } | undefined;
  private anthropicUsage: Json = {};
  private readonly toolIndex = new Map<number, number>();
  private readonly out: ChatChunkWriter;
  /** Thinking blocks being streamed, by content block index; `part` numbers them for the summary. */
  private readonly thinking = new Map<number, { block: Json; part: number }>();
  private thinkingParts = 0;

  constructor(
    requestedModel: string,
    created: number,
    clientWantsUsage: boolean,
    private readonly carry = false,
  ) {
    this.out = new ChatChunkWriter(requestedModel, created, clientWantsUsage);
  }

  get usage(): NormalizedUsage | undefined {
    return Object.keys(this.anthropicUsage).length ? normalizeAnthropicUsage(this.anthropicUsage) : undefined;
  }

  forward(event: string): string | undefined {
    const data = eventData(event);
    if (!data) return undefined; // pings and comments: chat streams have none
    let parsed: Json;
    try {
      parsed = JSON.parse(data) as Json;
    } catch {
      return undefined;
    }
    switch (parsed.type) {
      case 'message_start': {
        const message = (parsed.message ?? {}) as Json;
        this.out.id = `chatcmpl-${String(message.id ?? '')}`;
        this.anthropicUsage = { ...((message.usage as Json | undefined) ?? {}) };
        return this.out.chunk({ role: 'assistant', content: '' });
      }
      case 'content_block_start': {
        const block = (parsed.content_block ?? {}) as Json;
        if (this.carry && block.type === 'thinking') {
          this.thinking.set(Number(parsed.index), { block: { ...block, thinking: '', signature: '' }, part: this.thinkingParts++ });
          return undefined;
        }
        if (this.carry && block.type === 'redacted_thinking') return this.reasoning({ item: block });
        if (block.type !== 'tool_use') return undefined;
        const index = this.toolIndex.size;
        this.toolIndex.set(Number(parsed.index), index);
        return this.out.chunk({ tool_calls: [{ index, id: block.id, type: 'function', function: { name: block.name, arguments: '' } }] });
      }
      case 'content_block_delta': {
        const delta = (parsed.delta ?? {}) as Json;
        if (delta.type === 'text_delta') return this.out.chunk({ content: String(delta.text ?? '') });
        if (delta.type === 'input_json_delta') {
          const index = this.toolIndex.get(Number(parsed.index));
          return index === undefined
            ? undefined
            : this.out.chunk({ tool_calls: [{ index, function: { arguments: String(delta.partial_json ?? '') } }] });
        }
        const thinking = this.thinking.get(Number(parsed.index));
        if (thinking && delta.type === 'thinking_delta' && typeof delta.thinking === 'string') {
          thinking.block.thinking = String(thinking.block.thinking) + delta.thinking;
          return delta.thinking ? this.reasoning({ text: delta.thinking, part: thinking.part }) : undefined;
        }
        if (thinking && delta.type === 'signature_delta' && typeof delta.signature === 'string') {
          thinking.block.signature = String(thinking.block.signature) + delta.signature;
          return undefined;
        }
        return undefined; // without carrying, thinking and signature deltas have no chat counterpart
      }
      case 'content_block_stop': {
        const thinking = this.thinking.get(Number(parsed.index));
        if (!thinking) return undefined;
        this.thinking.delete(Number(parsed.index));
        return this.reasoning({ item: thinking.block });
      }
      case 'message_delta': {
        const usage = (parsed.usage ?? {}) as Json;
        for (const [k, v] of Object.entries(usage)) if (v !== null && v !== undefined) this.anthropicUsage[k] = v;
        const reason = String(((parsed.delta ?? {}) as Json).stop_reason ?? 'end_turn');
        return this.out.chunk({}, FINISH_REASONS[reason] ?? 'stop');
      }
      case 'message_stop': {
        this.complete = true;
        return this.out.end(chatUsage(this.anthropicUsage));
      }
      case 'error': {
        const error = (parsed.error ?? {}) as Json;
        this.complete = true;
        this.upstreamFailure = {
          code: String(error.type ?? 'api_error'),
          message: String(error.message ?? 'The provider reported an error.'),
        };
        return chatErrorEvent({ message: this.upstreamFailure.message, type: 'api_error', param: null, code: this.upstreamFailure.code });
      }
      default:
        return undefined;
    }
  }

  failure(error: GatewayError, message?: string): string {
    return chatFailure(error, message);
  }

  private reasoning(piece: Omit<ReasoningDelta, 'vendor'>): string {
    const delta: ReasoningDelta = { vendor: 'anthropic', ...piece };
    return this.out.chunk({ [REASONING_DELTA]: delta });
  }
}
