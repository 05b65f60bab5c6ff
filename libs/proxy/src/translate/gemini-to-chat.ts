import { normalizeGeminiUsage, ZERO_USAGE, type NormalizedUsage } from '@allot/billing';
import type { GatewayError } from '../errors/gateway-error';
import { chatCompletion, ChatChunkWriter, chatErrorEvent, chatFailure } from '../relay/chat-wire';
import type { StreamProtocol } from '../relay/stream-protocols';
import { eventData } from '../relay/sse-splitter';
import { carryReasoning, REASONING_DELTA, type ReasoningDelta } from './reasoning-carrier';

type Json = Record<string, unknown>;

/** Gemini finish reasons → Chat Completions finish reasons; the others (OTHER, LANGUAGE, MALFORMED_FUNCTION_CALL …) → stop. */
const GEMINI_FINISH_REASONS: Readonly<Record<string, string>> = {
  STOP: 'stop',
  MAX_TOKENS: 'length',
  SAFETY: 'content_filter',
  RECITATION: 'content_filter',
  BLOCKLIST: 'content_filter',
  PROHIBITED_CONTENT: 'content_filter',
  SPII: 'content_filter',
  IMAGE_SAFETY: 'content_filter',
  IMAGE_PROHIBITED_CONTENT: 'content_filter',
  IMAGE_RECITATION: 'content_filter',
};

/** A call that ended normally with function calls is a `tool_calls` finish in chat; a cut or a block keeps its reason. */
function finishReason(reason: unknown, hasToolCalls: boolean): string {
  if (hasToolCalls && (reason === 'STOP' || reason === undefined)) return 'tool_calls';
  return GEMINI_FINISH_REASONS[String(reason)] ?? 'stop';
}

/**
 * Gemini has no tool call ids: they are made up as `call_<responseId>_<n>` (n counts the answer's calls from 0), so
 * they stay unique across the turns of a conversation. Tool messages are matched back by name from the history.
 */
function geminiToolCallId(responseId: unknown, index: number): string {
  return typeof responseId === 'string' && responseId ? `call_${responseId}_${index}` : `call_${index}`;
}

/**
 * Gemini usage as OpenAI reports it: prompt tokens include the cached ones (as Gemini counts them), completion tokens
 * include the thoughts (billed as output; reported as reasoning tokens). The ledger gets the same numbers.
 */
function geminiChatUsage(usageMetadata: unknown): Json {
  const u = normalizeGeminiUsage(usageMetadata) ?? ZERO_USAGE;
  return {
    prompt_tokens: u.inputTokens,
    completion_tokens: u.outputTokens,
    total_tokens: u.inputTokens + u.outputTokens,
    prompt_tokens_details: { cached_tokens: u.cachedInputTokens },
    completion_tokens_details: { reasoning_tokens: u.reasoningTokens },
  };
}

type FunctionCall = { name?: unknown; args?: unknown };
const functionCallOf = (part: Json) => part.functionCall as FunctionCall | undefined;
const toolCall = (call: FunctionCall, id: string) => ({
  id,
  type: 'function',
  function: { name: String(call.name ?? ''), arguments: JSON.stringify(call.args ?? {}) },
});

/**
 * A `generateContent` answer as a `chat.completion` (first candidate: the request asks for one). Thought parts and
 * thought signatures have no place in chat: they are not returned to chat clients, but ride on the message object as
 * carried reasoning (see reasoning-carrier.ts) for the Responses leg — the thought summaries, and the signature of
 * each signed function call by its tool call id (the signatures Gemini 3 validates). A prompt Gemini blocked
 * (`promptFeedback.blockReason`, no candidate) is an empty answer with finish reason `content_filter` — what a stream
 * of it can say too, its status being sent.
 */
export function geminiToChat(answer: Json, requestedModel: string, created: number, fallbackId: string): Json {
  const candidate = (answer.candidates as Json[] | undefined)?.[0];
  const parts = ((candidate?.content as Json | undefined)?.parts as Json[] | undefined) ?? [];
  let text = '';
  let thoughts = '';
  const toolCalls: Json[] = [];
  const signatures: Json[] = [];
  for (const part of parts) {
    const call = functionCallOf(part);
    if (part.thought === true) {
      if (typeof part.text === 'string') thoughts += part.text;
    } else if (call) {
      const id = geminiToolCallId(answer.responseId, toolCalls.length);
      toolCalls.push(toolCall(call, id));
      if (typeof part.thoughtSignature === 'string') signatures.push({ toolCallId: id, thoughtSignature: part.thoughtSignature });
    } else if (typeof part.text === 'string') text += part.text;
  }
  const blocked = !candidate && (answer.promptFeedback as Json | undefined)?.blockReason !== undefined;
  const chat = chatCompletion({
    id: `chatcmpl-${typeof answer.responseId === 'string' && answer.responseId ? answer.responseId : fallbackId}`,
    created,
    model: requestedModel,
    text,
    toolCalls,
    finishReason: blocked ? 'content_filter' : finishReason(candidate?.finishReason, toolCalls.length > 0),
    usage: geminiChatUsage(answer.usageMetadata),
  });
  carryReasoning((chat.choices as Json[])[0]!.message as Json, {
    vendor: 'gemini',
    items: signatures,
    summary: thoughts ? [thoughts] : [],
  });
  return chat;
}

/**
 * Gemini's `streamGenerateContent?alt=sse` → Chat Completions chunks. Each Gemini event is a whole
 * GenerateContentResponse carrying the usage so far: a role chunk comes first, then content deltas, each function call
 * whole in one tool-call chunk (id, name and arguments), and the finish chunk when a `finishReason` (or a prompt
 * block) arrives. Gemini's SSE has no terminal event: the usage chunk (when the client asked) and `[DONE]` are sent
 * when the upstream ends cleanly after the finish ({@link upstreamEnded}); one that ends before is a cut stream. An
 * upstream `{"error":…}` event becomes an `{"error":…}` chunk. Created with `carry` (the Responses leg), thought
 * summaries and the signature of each signed function call (just before its tool-call chunk) travel as
 * {@link REASONING_DELTA} chunks; chat clients never get them.
 */
export class GeminiAsChatStream implements StreamProtocol {
  complete = false;
  upstreamFailure: { code: string; message: string } | undefined;
  private usageMetadata: unknown;
  private responseId: unknown;
  private readonly out: ChatChunkWriter;
  private started = false;
  private finished = false;
  private toolCalls = 0;

  constructor(
    requestedModel: string,
    created: number,
    clientWantsUsage: boolean,
    fallbackId: string,
    private readonly carry = false,
  ) {
    this.out = new ChatChunkWriter(requestedModel, created, clientWantsUsage);
    this.out.id = `chatcmpl-${fallbackId}`;
  }

  get usage(): NormalizedUsage | undefined {
    return normalizeGeminiUsage(this.usageMetadata);
  }

  forward(event: string): string | undefined {
    const data = eventData(event);
    if (!data) return undefined;
    let parsed: Json;
    try {
      parsed = JSON.parse(data) as Json;
    } catch {
      return undefined;
    }
    if (parsed.error) return this.error(parsed.error as Json);
    if (parsed.usageMetadata) this.usageMetadata = parsed.usageMetadata; // cumulative: the last one is the bill
    let out = '';
    if (!this.started) {
      this.started = true;
      if (typeof parsed.responseId === 'string' && parsed.responseId) {
        this.responseId = parsed.responseId;
        this.out.id = `chatcmpl-${parsed.responseId}`;
      }
      out += this.out.chunk({ role: 'assistant', content: '' });
    }
    if (this.finished) return out || undefined;
    const candidate = (parsed.candidates as Json[] | undefined)?.[0];
    if (!candidate) {
      if ((parsed.promptFeedback as Json | undefined)?.blockReason !== undefined) {
        this.finished = true;
        out += this.out.chunk({}, 'content_filter');
      }
      return out || undefined;
    }
    for (const part of ((candidate.content as Json | undefined)?.parts as Json[] | undefined) ?? []) {
      if (part.thought === true) {
        // Thought summaries have no place in chat; carried, they are the reasoning item's summary.
        if (this.carry && typeof part.text === 'string' && part.text) out += this.reasoning({ text: part.text, part: 0 });
        continue;
      }
      const call = functionCallOf(part);
      if (call) {
        const index = this.toolCalls++;
        const id = geminiToolCallId(this.responseId, index);
        if (this.carry && typeof part.thoughtSignature === 'string')
          out += this.reasoning({ item: { toolCallId: id, thoughtSignature: part.thoughtSignature } });
        out += this.out.chunk({ tool_calls: [{ index, ...toolCall(call, id) }] });
      } else if (typeof part.text === 'string' && part.text) out += this.out.chunk({ content: part.text });
    }
    if (candidate.finishReason !== undefined) {
      this.finished = true;
      out += this.out.chunk({}, finishReason(candidate.finishReason, this.toolCalls > 0));
    }
    return out || undefined;
  }

  upstreamEnded(): string | undefined {
    if (!this.finished || this.complete) return undefined; // cut before the finish, or ended by an error event
    this.complete = true;
    return this.out.end(geminiChatUsage(this.usageMetadata));
  }

  failure(error: GatewayError, message?: string): string {
    return chatFailure(error, message);
  }

  private reasoning(piece: Omit<ReasoningDelta, 'vendor'>): string {
    const delta: ReasoningDelta = { vendor: 'gemini', ...piece };
    return this.out.chunk({ [REASONING_DELTA]: delta });
  }

  private error(error: Json): string {
    this.complete = true;
    this.upstreamFailure = {
      code: typeof error.status === 'string' ? error.status.toLowerCase() : 'server_error',
      message: typeof error.message === 'string' ? error.message : 'The provider reported an error.',
    };
    return chatErrorEvent({ message: this.upstreamFailure.message, type: 'api_error', param: null, code: this.upstreamFailure.code });
  }
}
