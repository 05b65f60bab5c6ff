import { normalizeOpenAiUsage, type NormalizedUsage } from '@allot/billing';
import type { GatewayError } from '../errors/gateway-error';
import { parseToolArguments, readChatEvent, tokenCount } from '../relay/chat-wire';
import { responsesFailedEvent, type StreamProtocol } from '../relay/stream-protocols';
import { carriedReasoning, encodeReasoning, REASONING_DELTA, type ReasoningDelta, type ReasoningVendor } from './reasoning-carrier';
import type { ResponsesTools, ResponsesToolTarget } from './responses-to-chat';

type Json = Record<string, unknown>;

/** Chat usage as the Responses API reports it. */
function responsesUsage(usage: Json | undefined): Json {
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

const reasoningItem = (id: string, summary: string[], encrypted: string | null) => ({
  id,
  type: 'reasoning',
  summary: summary.map((text) => ({ type: 'summary_text', text })),
  encrypted_content: encrypted,
});

/**
 * The output item of a chat tool call, as the client declared the tool: a `function_call` (with its `namespace` when
 * it was flattened from one), a `custom_tool_call` whose `input` is the text the model put in the function's `input`
 * argument, or a `tool_search_call` with its arguments as an object.
 */
function toolCallItem(
  suffix: string,
  callId: string,
  chatName: string,
  args: string,
  status: string,
  tools: ResponsesTools | undefined,
): Json {
  const target = tools ? tools.target(chatName) : { kind: 'function' as const, name: chatName };
  const namespace = target.namespace ? { namespace: target.namespace } : {};
  if (target.kind === 'custom') {
    return { id: `ctc_${suffix}`, type: 'custom_tool_call', call_id: callId, name: target.name, input: customInput(args), ...namespace };
  }
  if (target.kind === 'tool_search') {
    return {
      id: `tsc_${suffix}`,
      type: 'tool_search_call',
      call_id: callId,
      arguments: parseToolArguments(args),
      execution: 'client',
      status,
    };
  }
  return { id: `fc_${suffix}`, type: 'function_call', status, call_id: callId, name: target.name, arguments: args, ...namespace };
}

/** A custom tool's text from the function arguments the model wrote (`{"input": …}`); anything else as it came. */
function customInput(args: string): string {
  try {
    const parsed = JSON.parse(args) as unknown;
    if (parsed && typeof parsed === 'object' && typeof (parsed as Json).input === 'string') return (parsed as Json).input as string;
  } catch {
    // SyntaxError: not JSON (a model that wrote the text itself); it is the input.
  }
  return args;
}

function responseObject(id: string, model: string, createdAt: number, status: string, output: Json[], usage: Json | null): Json {
  return { id, object: 'response', created_at: createdAt, status, model, output, usage, error: null, incomplete_details: null };
}

/**
 * A `chat.completion` as a Responses API `response`: reasoning carried on the message (see reasoning-carrier.ts) first,
 * as a `reasoning` item, then the text, then the tool calls as the client declared the tools.
 */
export function chatToResponse(chat: Json, responseId: string, requestedModel: string, createdAt: number, tools?: ResponsesTools): Json {
  const choice = ((chat.choices as Json[] | undefined) ?? [])[0] ?? {};
  const message = (choice.message ?? {}) as Json;
  const output: Json[] = [];
  const suffix = responseId.slice(5);
  const carried = carriedReasoning(message);
  if (carried) {
    output.push(
      reasoningItem(`rs_${suffix}`, carried.summary, carried.items.length ? encodeReasoning(carried.vendor, carried.items) : null),
    );
  }
  if (typeof message.content === 'string' && message.content) output.push(messageItem(`msg_${suffix}`, message.content, 'completed'));
  ((message.tool_calls as Json[] | undefined) ?? []).forEach((call, i) => {
    const fn = (call.function ?? {}) as Json;
    output.push(toolCallItem(`${suffix}_${i}`, String(call.id), String(fn.name), String(fn.arguments ?? ''), 'completed', tools));
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
 * tool call — or a `custom_tool_call` (`custom_tool_call_input.delta` / `.done`, the input sent whole when the call is
 * complete, since it arrives inside JSON arguments) or a `tool_search_call`, as the client declared the tool — each
 * closed (`…done`, `output_item.done`) before the next opens; `response.completed` (or `incomplete` at the length
 * limit) with the usage at `[DONE]`. An upstream error chunk ends it as `response.failed`. Created with `carry`, the
 * carried reasoning deltas of a composed stream (see reasoning-carrier.ts) become a `reasoning` item, as OpenAI streams
 * one: `output_item.added`, `reasoning_summary_part.added`, `reasoning_summary_text.delta` …, and at
 * `output_item.done` the summary and the `encrypted_content` the next turn replays.
 */
export class ChatAsResponsesStream implements StreamProtocol {
  complete = false;
  upstreamFailure: { code: string; message: string } | undefined;
  private sequence = 0;
  private started = false;
  private readonly output: Json[] = [];
  private open:
    | { kind: 'text'; text: string; id: string }
    | { kind: 'call'; suffix: string; id: string; callId: string; name: string; args: string; index: number; target: ResponsesToolTarget }
    | { kind: 'reasoning'; id: string; vendor: ReasoningVendor; summary: string[]; part: number | undefined; items: Json[] }
    | undefined;
  private finishReason: string | undefined;
  private chatUsage: Json | undefined;

  constructor(
    private readonly responseId: string,
    private readonly requestedModel: string,
    private readonly createdAt: number,
    private readonly tools?: ResponsesTools,
    private readonly carry = false,
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
    const reasoning = this.carry ? (delta[REASONING_DELTA] as ReasoningDelta | undefined) : undefined;
    if (reasoning) out += this.reasoning(reasoning);
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
        const suffix = `${this.responseId.slice(5)}_${this.output.length}`;
        const chatName = String(fn.name ?? '');
        const target = this.tools ? this.tools.target(chatName) : { kind: 'function' as const, name: chatName };
        const callId = String(call.id ?? `call_${suffix}`);
        const item = toolCallItem(suffix, callId, chatName, '', 'in_progress', this.tools);
        // A custom tool's input is known only once its JSON arguments are complete.
        if (target.kind === 'custom') item.input = '';
        this.open = { kind: 'call', suffix, id: String(item.id), callId, name: chatName, args: '', index, target };
        out += this.event('response.output_item.added', { output_index: this.output.length, item });
      }
      if (typeof fn.arguments === 'string' && fn.arguments && this.open.kind === 'call') {
        this.open.args += fn.arguments;
        if (this.open.target.kind === 'function') {
          out += this.event('response.function_call_arguments.delta', {
            item_id: this.open.id,
            output_index: this.output.length,
            delta: fn.arguments,
          });
        }
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

  /** A piece of carried reasoning: opens the reasoning item (closing what was open), streams its summary, keeps items. */
  private reasoning(piece: ReasoningDelta): string {
    let out = '';
    if (this.open?.kind !== 'reasoning' || this.open.vendor !== piece.vendor) {
      out += this.close();
      this.open = {
        kind: 'reasoning',
        id: `rs_${this.responseId.slice(5)}_${this.output.length}`,
        vendor: piece.vendor,
        summary: [],
        part: undefined,
        items: [],
      };
      out += this.event('response.output_item.added', { output_index: this.output.length, item: reasoningItem(this.open.id, [], null) });
    }
    const open = this.open;
    if (piece.item) open.items.push(piece.item);
    if (typeof piece.text === 'string' && piece.text) {
      const part = piece.part ?? 0;
      if (open.part !== part) {
        out += this.closeSummaryPart();
        open.part = part;
        open.summary.push('');
        out += this.event('response.reasoning_summary_part.added', {
          item_id: open.id,
          output_index: this.output.length,
          summary_index: open.summary.length - 1,
          part: { type: 'summary_text', text: '' },
        });
      }
      open.summary[open.summary.length - 1] += piece.text;
      out += this.event('response.reasoning_summary_text.delta', {
        item_id: open.id,
        output_index: this.output.length,
        summary_index: open.summary.length - 1,
        delta: piece.text,
      });
    }
    return out;
  }

  private closeSummaryPart(): string {
    const open = this.open;
    if (open?.kind !== 'reasoning' || open.part === undefined) return '';
    const summaryIndex = open.summary.length - 1;
    const text = open.summary[summaryIndex]!;
    open.part = undefined;
    const where = { item_id: open.id, output_index: this.output.length, summary_index: summaryIndex };
    return (
      this.event('response.reasoning_summary_text.done', { ...where, text }) +
      this.event('response.reasoning_summary_part.done', { ...where, part: { type: 'summary_text', text } })
    );
  }

  private close(): string {
    const open = this.open;
    if (!open) return '';
    const index = this.output.length;
    if (open.kind === 'reasoning') {
      const closing = this.closeSummaryPart();
      this.open = undefined;
      const item = reasoningItem(open.id, open.summary, open.items.length ? encodeReasoning(open.vendor, open.items) : null);
      this.output.push(item);
      return closing + this.event('response.output_item.done', { output_index: index, item });
    }
    this.open = undefined;
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
    const item = toolCallItem(open.suffix, open.callId, open.name, open.args, 'completed', this.tools);
    this.output.push(item);
    let details = '';
    if (open.target.kind === 'function') {
      details = this.event('response.function_call_arguments.done', {
        item_id: open.id,
        output_index: index,
        name: open.target.name,
        arguments: open.args,
      });
    } else if (open.target.kind === 'custom') {
      const input = String(item.input);
      details =
        this.event('response.custom_tool_call_input.delta', { item_id: open.id, output_index: index, delta: input }) +
        this.event('response.custom_tool_call_input.done', { item_id: open.id, output_index: index, input });
    }
    return details + this.event('response.output_item.done', { output_index: index, item });
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
