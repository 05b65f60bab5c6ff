import { normalizeOpenAiUsage, type NormalizedUsage } from '@allot/billing';
import type { GatewayError } from '../errors/gateway-error';
import { readChatEvent, tokenCount } from '../relay/chat-wire';
import { responsesFailedEvent, type StreamProtocol } from '../relay/stream-protocols';

type Json = Record<string, unknown>;

/** Chat usage as the Responses API reports it. */
export function responsesUsage(usage: Json | undefined): Json {
  const n = tokenCount;
  const input = n(usage?.prompt_tokens);
  const output = n(usage?.completion_tokens);
  return {
    input_tokens: input,
    input_tokens_details: { cached_tokens: n((usage?.prompt_tokens_details as Json | undefined)?.cached_tokens) },
    output_tokens: output,
    output_tokens_details: { reasoning_tokens: n((usage?.completion_tokens_details as Json | undefined)?.reasoning_tokens) },
    total_tokens: input + output,
  };
}

const messageItem = (id: string, text: string, status: string) => ({
  id,
  type: 'message',
  status,
  role: 'assistant',
  content: status === 'in_progress' ? [] : [{ type: 'output_text', text, annotations: [] }],
});

const functionItem = (id: string, callId: string, name: string, args: string, status: string) => ({
  id,
  type: 'function_call',
  status,
  call_id: callId,
  name,
  arguments: args,
});

function responseObject(id: string, model: string, createdAt: number, status: string, output: Json[], usage: Json | null): Json {
  return { id, object: 'response', created_at: createdAt, status, model, output, usage, error: null, incomplete_details: null };
}

/** A `chat.completion` as a Responses API `response`. */
export function chatToResponse(chat: Json, responseId: string, requestedModel: string, createdAt: number): Json {
  const choice = ((chat.choices as Json[] | undefined) ?? [])[0] ?? {};
  const message = (choice.message ?? {}) as Json;
  const output: Json[] = [];
  if (typeof message.content === 'string' && message.content)
    output.push(messageItem(`msg_${responseId.slice(5)}`, message.content, 'completed'));
  ((message.tool_calls as Json[] | undefined) ?? []).forEach((call, i) => {
    const fn = (call.function ?? {}) as Json;
    output.push(functionItem(`fc_${responseId.slice(5)}_${i}`, String(call.id), String(fn.name), String(fn.arguments ?? ''), 'completed'));
  });
  const status = choice.finish_reason === 'length' ? 'incomplete' : 'completed';
  return {
    ...responseObject(responseId, requestedModel, createdAt, status, output, responsesUsage(chat.usage as Json | undefined)),
    ...(status === 'incomplete' ? { incomplete_details: { reason: 'max_output_tokens' } } : {}),
  };
}

/**
 * Chat Completions chunks → the Responses API's typed events: `response.created` and `in_progress` first; a message
 * item (content part, `output_text.delta` …) for text, a `function_call` item (`function_call_arguments.delta` …) per
 * tool call, each closed (`…done`, `output_item.done`) before the next opens; `response.completed` (or `incomplete`
 * at the length limit) with the usage at `[DONE]`. An upstream error chunk ends it as `response.failed`.
 */
export class ChatAsResponsesStream implements StreamProtocol {
  complete = false;
  upstreamFailure: { code: string; message: string } | undefined;
  private sequence = 0;
  private started = false;
  private readonly output: Json[] = [];
  private open:
    | { kind: 'text'; text: string; id: string }
    | { kind: 'call'; id: string; callId: string; name: string; args: string; index: number }
    | undefined;
  private finishReason: string | undefined;
  private chatUsage: Json | undefined;

  constructor(
    private readonly responseId: string,
    private readonly requestedModel: string,
    private readonly createdAt: number,
  ) {}

  get usage(): NormalizedUsage | undefined {
    return normalizeOpenAiUsage(this.chatUsage);
  }

  forward(raw: string): string | undefined {
    const read = readChatEvent(raw);
    if (!read) return undefined;
    if (read.kind === 'done') return this.finish();
    if (read.kind === 'error') {
      this.complete = true;
      this.upstreamFailure = { code: read.code, message: read.message };
      return responsesFailedEvent(this.responseId, this.requestedModel, this.sequence - 1, this.upstreamFailure);
    }
    const chunk = read.chunk;
    let out = this.started ? '' : this.start();
    if (chunk.usage) this.chatUsage = chunk.usage as Json;
    const choice = ((chunk.choices as Json[] | undefined) ?? [])[0];
    if (!choice) return out || undefined;
    const delta = (choice.delta ?? {}) as Json;
    if (typeof delta.content === 'string' && delta.content) {
      if (this.open?.kind !== 'text') {
        out += this.close();
        this.open = { kind: 'text', text: '', id: `msg_${this.responseId.slice(5)}_${this.output.length}` };
        out += this.event('response.output_item.added', {
          output_index: this.output.length,
          item: messageItem(this.open.id, '', 'in_progress'),
        });
        out += this.event('response.content_part.added', {
          item_id: this.open.id,
          output_index: this.output.length,
          content_index: 0,
          part: { type: 'output_text', text: '', annotations: [] },
        });
      }
      this.open.text += delta.content;
      out += this.event('response.output_text.delta', {
        item_id: this.open.id,
        output_index: this.output.length,
        content_index: 0,
        delta: delta.content,
      });
    }
    for (const call of (delta.tool_calls as Json[] | undefined) ?? []) {
      const fn = (call.function ?? {}) as Json;
      const index = Number(call.index ?? 0);
      if (this.open?.kind !== 'call' || this.open.index !== index) {
        out += this.close();
        const id = `fc_${this.responseId.slice(5)}_${this.output.length}`;
        this.open = { kind: 'call', id, callId: String(call.id ?? id), name: String(fn.name ?? ''), args: '', index };
        out += this.event('response.output_item.added', {
          output_index: this.output.length,
          item: functionItem(id, this.open.callId, this.open.name, '', 'in_progress'),
        });
      }
      if (typeof fn.arguments === 'string' && fn.arguments && this.open.kind === 'call') {
        this.open.args += fn.arguments;
        out += this.event('response.function_call_arguments.delta', {
          item_id: this.open.id,
          output_index: this.output.length,
          delta: fn.arguments,
        });
      }
    }
    if (typeof choice.finish_reason === 'string') this.finishReason = choice.finish_reason;
    return out || undefined;
  }

  failure(error: GatewayError, message = error.message): string {
    const code = error.code === 'upstream_timeout' || error.code === 'upstream_unreachable' ? 'server_error' : error.code;
    return responsesFailedEvent(this.responseId, this.requestedModel, this.sequence - 1, { code, message });
  }

  private event(type: string, data: Json): string {
    return `event: ${type}\ndata: ${JSON.stringify({ type, sequence_number: this.sequence++, ...data })}\n\n`;
  }

  private start(): string {
    this.started = true;
    const response = responseObject(this.responseId, this.requestedModel, this.createdAt, 'in_progress', [], null);
    return this.event('response.created', { response }) + this.event('response.in_progress', { response });
  }

  private close(): string {
    const open = this.open;
    if (!open) return '';
    this.open = undefined;
    const index = this.output.length;
    if (open.kind === 'text') {
      const item = messageItem(open.id, open.text, 'completed');
      this.output.push(item);
      return (
        this.event('response.output_text.done', { item_id: open.id, output_index: index, content_index: 0, text: open.text }) +
        this.event('response.content_part.done', {
          item_id: open.id,
          output_index: index,
          content_index: 0,
          part: { type: 'output_text', text: open.text, annotations: [] },
        }) +
        this.event('response.output_item.done', { output_index: index, item })
      );
    }
    const item = functionItem(open.id, open.callId, open.name, open.args, 'completed');
    this.output.push(item);
    return (
      this.event('response.function_call_arguments.done', {
        item_id: open.id,
        output_index: index,
        name: open.name,
        arguments: open.args,
      }) + this.event('response.output_item.done', { output_index: index, item })
    );
  }

  private finish(): string {
    this.complete = true;
    const opening = this.started ? '' : this.start();
    const closing = this.close();
    const incomplete = this.finishReason === 'length';
    const response = {
      ...responseObject(
        this.responseId,
        this.requestedModel,
        this.createdAt,
        incomplete ? 'incomplete' : 'completed',
        this.output,
        responsesUsage(this.chatUsage),
      ),
      ...(incomplete ? { incomplete_details: { reason: 'max_output_tokens' } } : {}),
    };
    return opening + closing + this.event(incomplete ? 'response.incomplete' : 'response.completed', { response });
  }
}
