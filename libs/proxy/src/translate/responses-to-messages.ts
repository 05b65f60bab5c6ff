import { normalizeOpenAiUsage, type NormalizedUsage } from '@allot/billing';
import { GatewayError } from '../errors/gateway-error';
import { parseToolArguments } from '../relay/chat-wire';
import { anthropicUsage, messageStartEvents, messagesErrorEvent, messagesEvent } from '../relay/messages-wire';
import { eventData } from '../relay/sse-splitter';
import type { StreamProtocol } from '../relay/stream-protocols';
import { encodeOpenAiReasoning } from './messages-to-responses';

/**
 * OpenAI Responses answers → Anthropic Messages answers (JSON and stream), the way back of messages-to-responses.ts:
 * reasoning items become `thinking` blocks (the summary as text, the item itself as the signature, which Claude Code
 * replays), output text becomes text blocks, function calls `tool_use` blocks.
 */

type Json = Record<string, unknown>;

const partsText = (parts: unknown) =>
  ((parts as Json[] | undefined) ?? [])
    .map((part) => (typeof part.text === 'string' ? part.text : ''))
    .filter(Boolean)
    .join('\n\n');

/**
 * The readable reasoning: the summary OpenAI's models give, else the raw `reasoning_text` content that open-weight
 * models (gpt-oss) served by OpenAI-compatible servers return instead.
 */
const summaryText = (item: Json) => partsText(item.summary) || partsText(item.content);

/**
 * A reasoning item is worth a thinking block when it can be read (summary) or replayed (encrypted content); a model
 * that reasoned while the client asked for no thinking returns neither.
 */
const shown = (item: Json) => summaryText(item) !== '' || typeof item.encrypted_content === 'string';

const messageId = (responseId: unknown) => `msg_${String(responseId ?? '').replace(/^resp_/, '')}`;

/** The stop reason of a finished response: tool use, the output cap, a content filter, or the end of the turn. */
function stopReason(response: Json, calledTools: boolean): string {
  const reason = (response.incomplete_details as Json | null | undefined)?.reason;
  if (response.status === 'incomplete' && reason === 'max_output_tokens') return 'max_tokens';
  if (response.status === 'incomplete' && reason === 'content_filter') return 'refusal';
  return calledTools ? 'tool_use' : 'end_turn';
}

/** A failed response (200 with `status: "failed"`): the provider's error, reported as the provider's fault. */
function failedResponse(response: Json): GatewayError {
  const error = (response.error ?? {}) as Json;
  const message = typeof error.message === 'string' ? error.message : 'The provider reported the response failed.';
  return new GatewayError(502, 'api_error', typeof error.code === 'string' ? error.code : 'server_error', message, 'upstream_error');
}

/** A `response` object as an Anthropic `message`. */
export function responseToMessage(response: Json, requestedModel: string): Json {
  if (response.status === 'failed') throw failedResponse(response);
  const content: Json[] = [];
  let calledTools = false;
  let refused = false;
  for (const item of (response.output as Json[] | undefined) ?? []) {
    if (item.type === 'reasoning') {
      if (shown(item)) content.push({ type: 'thinking', thinking: summaryText(item), signature: encodeOpenAiReasoning(item) });
    } else if (item.type === 'message') {
      for (const part of (item.content as Json[] | undefined) ?? []) {
        if (part.type === 'output_text' && typeof part.text === 'string') content.push({ type: 'text', text: part.text });
        else if (part.type === 'refusal' && typeof part.refusal === 'string') {
          refused = true;
          content.push({ type: 'text', text: part.refusal });
        }
      }
    } else if (item.type === 'function_call') {
      calledTools = true;
      content.push({
        type: 'tool_use',
        id: String(item.call_id),
        name: String(item.name),
        input: parseToolArguments(String(item.arguments ?? '')),
      });
    }
  }
  return {
    id: messageId(response.id),
    type: 'message',
    role: 'assistant',
    model: requestedModel,
    content,
    stop_reason: refused ? 'refusal' : stopReason(response, calledTools),
    stop_sequence: null,
    usage: anthropicUsage(normalizeOpenAiUsage(response.usage)),
  };
}

/** The block open for one output item: its Anthropic index and kind. */
interface OpenBlock {
  outputIndex: number;
  index: number;
  kind: 'thinking' | 'text' | 'tool';
  /** Thinking: the summary part being streamed (parts are joined by a blank line). Tools: arguments were streamed. */
  part?: number;
  streamed?: boolean;
}

/**
 * Responses stream events → Anthropic's Messages events: `message_start` at `response.created`; per output item a
 * block — a reasoning item a `thinking` block (summary deltas as `thinking_delta`, the item as one `signature_delta`
 * once it is done, since only then is its `encrypted_content` known), a message a `text` block (`text_delta`), a
 * function call a `tool_use` block (`input_json_delta`); at `response.completed` / `response.incomplete` the
 * `message_delta` (stop reason and usage) and `message_stop`. `response.failed` and `error` become an `error` event.
 * Usage is the provider's own, from the terminal event.
 */
export class ResponsesAsMessagesStream implements StreamProtocol {
  complete = false;
  upstreamFailure: { code: string; message: string } | undefined;
  usage: NormalizedUsage | undefined;
  private started = false;
  private open: OpenBlock | undefined;
  private blocks = 0;
  private calledTools = false;
  private refused = false;

  constructor(private readonly requestedModel: string) {}

  forward(raw: string): string | undefined {
    const data = eventData(raw);
    if (!data) return undefined;
    let parsed: Json;
    try {
      parsed = JSON.parse(data) as Json;
    } catch {
      return undefined; // not an event of the Responses wire (a comment, a keep-alive): nothing to translate
    }
    const type = String(parsed.type ?? '');
    let out = this.started ? '' : this.start((parsed.response ?? {}) as Json);
    const outputIndex = Number(parsed.output_index ?? -1);
    switch (type) {
      case 'response.output_item.added':
        out += this.added(parsed.item as Json, outputIndex);
        break;
      case 'response.reasoning_summary_text.delta':
        out += this.thinking(outputIndex, Number(parsed.summary_index ?? 0), String(parsed.delta ?? ''));
        break;
      case 'response.reasoning_text.delta':
        out += this.thinking(outputIndex, Number(parsed.content_index ?? 0), String(parsed.delta ?? ''));
        break;
      case 'response.output_text.delta':
        out += this.text(outputIndex, String(parsed.delta ?? ''));
        break;
      case 'response.refusal.delta':
        this.refused = true;
        out += this.text(outputIndex, String(parsed.delta ?? ''));
        break;
      case 'response.function_call_arguments.delta':
        if (this.open?.kind === 'tool' && this.open.outputIndex === outputIndex && parsed.delta) {
          this.open.streamed = true;
          out += messagesEvent('content_block_delta', {
            index: this.open.index,
            delta: { type: 'input_json_delta', partial_json: String(parsed.delta) },
          });
        }
        break;
      case 'response.output_item.done':
        out += this.done(parsed.item as Json, outputIndex);
        break;
      case 'response.completed':
      case 'response.incomplete':
        out += this.finish((parsed.response ?? {}) as Json);
        break;
      case 'response.failed':
        out += this.fail((parsed.response as Json | undefined)?.error as Json | undefined);
        break;
      case 'error':
        out += this.fail(parsed);
        break;
      default:
        break; // lifecycle and `.done` events whose content the deltas already carried
    }
    return out || undefined;
  }

  failure(error: GatewayError, message = error.message): string {
    return messagesErrorEvent(error, message);
  }

  private start(response: Json): string {
    this.started = true;
    return messageStartEvents(messageId(response.id), this.requestedModel);
  }

  private added(item: Json | undefined, outputIndex: number): string {
    if (item?.type === 'function_call') {
      this.calledTools = true;
      return this.openBlock(outputIndex, 'tool', { type: 'tool_use', id: String(item.call_id), name: String(item.name), input: {} });
    }
    // Reasoning and text blocks open at their first delta (a reasoning item without a summary may stay unseen).
    return '';
  }

  private thinking(outputIndex: number, part: number, delta: string): string {
    let out = '';
    if (this.open?.kind !== 'thinking' || this.open.outputIndex !== outputIndex) {
      out += this.openBlock(outputIndex, 'thinking', { type: 'thinking', thinking: '', signature: '' });
      this.open!.part = part;
    } else if (this.open.part !== part) {
      this.open.part = part;
      delta = `\n\n${delta}`;
    }
    if (delta) out += messagesEvent('content_block_delta', { index: this.open!.index, delta: { type: 'thinking_delta', thinking: delta } });
    return out;
  }

  private text(outputIndex: number, delta: string): string {
    let out = '';
    if (this.open?.kind !== 'text' || this.open.outputIndex !== outputIndex)
      out += this.openBlock(outputIndex, 'text', { type: 'text', text: '' });
    if (delta) out += messagesEvent('content_block_delta', { index: this.open!.index, delta: { type: 'text_delta', text: delta } });
    return out;
  }

  private done(item: Json | undefined, outputIndex: number): string {
    if (!item) return '';
    let out = '';
    if (item.type === 'reasoning') {
      if (!shown(item)) return this.open?.outputIndex === outputIndex ? this.close() : '';
      if (this.open?.kind !== 'thinking' || this.open.outputIndex !== outputIndex) {
        // No summary was streamed (none asked for, or sent whole): the block opens with its text now.
        out += this.openBlock(outputIndex, 'thinking', { type: 'thinking', thinking: '', signature: '' });
        const text = summaryText(item);
        if (text)
          out += messagesEvent('content_block_delta', { index: this.open!.index, delta: { type: 'thinking_delta', thinking: text } });
      }
      out += messagesEvent('content_block_delta', {
        index: this.open!.index,
        delta: { type: 'signature_delta', signature: encodeOpenAiReasoning(item) },
      });
      return out + this.close();
    }
    if (item.type === 'function_call') {
      if (this.open?.kind !== 'tool' || this.open.outputIndex !== outputIndex) out += this.added(item, outputIndex);
      if (!this.open!.streamed && typeof item.arguments === 'string' && item.arguments)
        out += messagesEvent('content_block_delta', {
          index: this.open!.index,
          delta: { type: 'input_json_delta', partial_json: item.arguments },
        });
      return out + this.close();
    }
    if (item.type === 'message') {
      if (this.open?.outputIndex !== outputIndex) {
        // Text sent whole, without deltas: one block per text part.
        for (const part of (item.content as Json[] | undefined) ?? []) {
          const text = part.type === 'output_text' ? part.text : part.type === 'refusal' ? part.refusal : undefined;
          if (part.type === 'refusal') this.refused = true;
          if (typeof text === 'string' && text) out += this.text(outputIndex, text);
        }
      }
      return out + (this.open?.outputIndex === outputIndex ? this.close() : '');
    }
    return out;
  }

  private openBlock(outputIndex: number, kind: OpenBlock['kind'], block: Json): string {
    const closing = this.close();
    this.open = { outputIndex, index: this.blocks++, kind };
    return closing + messagesEvent('content_block_start', { index: this.open.index, content_block: block });
  }

  private close(): string {
    if (!this.open) return '';
    const text = messagesEvent('content_block_stop', { index: this.open.index });
    this.open = undefined;
    return text;
  }

  private finish(response: Json): string {
    this.complete = true;
    this.usage = normalizeOpenAiUsage(response.usage);
    const stop = this.refused ? 'refusal' : stopReason(response, this.calledTools);
    return (
      this.close() +
      messagesEvent('message_delta', {
        delta: { stop_reason: stop, stop_sequence: null },
        usage: anthropicUsage(this.usage),
      }) +
      messagesEvent('message_stop', {})
    );
  }

  private fail(error: Json | undefined): string {
    this.complete = true;
    const code = typeof error?.code === 'string' ? error.code : 'server_error';
    const message = typeof error?.message === 'string' ? error.message : 'The provider reported the response failed.';
    this.upstreamFailure = { code, message };
    const type = code === 'rate_limit_exceeded' ? 'rate_limit_error' : code === 'insufficient_quota' ? 'rate_limit_error' : 'api_error';
    return this.close() + messagesEvent('error', { error: { type, message } });
  }
}
