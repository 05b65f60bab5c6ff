import type { IncomingMessage, ServerResponse } from 'node:http';
import { pieces, ScriptedFake, sleep } from './scripted-fake';

/**
 * A fake Anthropic Messages API written from the public API reference: `POST /v1/messages` as JSON or as the SSE
 * stream (`message_start`, `ping`, per content block `content_block_start` / `content_block_delta` /
 * `content_block_stop`, `message_delta`, `message_stop`; each event an `event:` line and a `data:` line), text,
 * tool_use, thinking (with its signature) and redacted_thinking blocks, prompt-caching usage, an `error` event
 * mid-stream, `POST /v1/messages/count_tokens`, Anthropic-shaped error bodies, and per-request fault scripting.
 * Replayed thinking is checked as the API does: a signature must be one the fake issued for exactly that thinking
 * text (redacted data one it produced), and with thinking enabled the final assistant turn with tool use must start
 * with its thinking; a history with tool blocks needs tools declared; anything else is a 400.
 *
 * Token counts are deterministic: the prompt is `ceil(JSON length of system + messages + tools / 4)` (see
 * {@link anthropicPromptTokens}); `input_tokens` is that prompt minus the scripted cache reads and writes, so
 * `input_tokens + cache_creation_input_tokens + cache_read_input_tokens` is the prompt, which is also what
 * count_tokens answers. Output tokens are `ceil(length / 4)` per block: the text, the thinking text, the tool input's
 * JSON, the redacted data.
 */
export interface AnthropicScript {
  status?: number;
  /** Error body for status ≥ 400 (default: an Anthropic error object of the type the status maps to). */
  errorBody?: unknown;
  retryAfter?: string;
  /** Delay before the response headers. */
  delayMs?: number;
  /** Never answer. */
  hang?: boolean;
  /** Delay between stream events. */
  chunkDelayMs?: number;
  /** Close the connection after this many stream events (the client sees a body that never finishes). */
  cutAfterEvents?: number;
  /** After this many stream events send an `error` event (overloaded_error) and end the stream cleanly. */
  errorEventAfter?: number;
  /** Text of the answer (default: a greeting; with `toolUse`, no text block unless given). */
  content?: string;
  /** Answer with this tool call (after the text, if `content` is given); stop_reason `tool_use`. */
  toolUse?: { name: string; input: Record<string, unknown> };
  /** A thinking block first. */
  thinking?: { text: string; signature: string };
  /** A redacted_thinking block (after the thinking block, if any) with this opaque `data`. */
  redactedThinking?: string;
  cacheReadTokens?: number;
  cacheWrite5mTokens?: number;
  cacheWrite1hTokens?: number;
  /** Report this prompt size (input + cache reads + cache writes) instead of the one computed from the request. */
  promptTokens?: number;
  /** Report this output count instead of the one computed from the answer. */
  outputTokens?: number;
  stopReason?: 'end_turn' | 'max_tokens' | 'stop_sequence' | 'tool_use' | 'pause_turn' | 'refusal' | 'model_context_window_exceeded';
  /** The `stop_sequence` reported with stopReason `stop_sequence` (default: the request's first stop sequence). */
  stopSequence?: string;
}

type Block =
  | { type: 'thinking'; thinking: string; signature: string }
  | { type: 'redacted_thinking'; data: string }
  | { type: 'text'; text: string }
  | { type: 'tool_use'; id: string; name: string; input: Record<string, unknown> };

/** Status → `error.type`, as the errors reference lists them; other 4xx are invalid_request_error, other 5xx api_error. */
const ERROR_TYPES: Record<number, string> = {
  400: 'invalid_request_error',
  401: 'authentication_error',
  402: 'billing_error',
  403: 'permission_error',
  404: 'not_found_error',
  413: 'request_too_large',
  429: 'rate_limit_error',
  500: 'api_error',
  504: 'timeout_error',
  529: 'overloaded_error',
};

export const anthropicErrorType = (status: number): string =>
  ERROR_TYPES[status] ?? (status >= 500 ? 'api_error' : 'invalid_request_error');

/** The prompt's token count: `ceil(JSON length of system + messages + tools / 4)`, counting only the fields present. */
export function anthropicPromptTokens(body: Record<string, unknown>): number {
  const parts = [body.system, body.messages, body.tools].filter((p) => p !== undefined);
  return Math.ceil(parts.reduce<number>((n, p) => n + JSON.stringify(p).length, 0) / 4);
}

export const DEFAULT_ANTHROPIC_TEXT = 'Hello from the fake Anthropic upstream!';

export class AnthropicFake extends ScriptedFake<AnthropicScript> {
  private messageCount = 0;
  /**
   * Thinking the fake produced, by signature (the thinking text it signed), and redacted data it produced: replayed
   * blocks are checked against them as the API checks its signatures.
   */
  private readonly signed = new Map<string, string>();
  private readonly redacted = new Set<string>();
  private requestCount = 0;

  protected async handle(req: IncomingMessage, res: ServerResponse): Promise<void> {
    const { body, malformed } = await this.receive(req, res);
    const requestId = `req_fake_${String(++this.requestCount).padStart(4, '0')}`;
    const script = this.nextScript();
    if (script.hang) return;
    if (script.delayMs) await sleep(script.delayMs);
    if (script.status && script.status >= 400) {
      const headers: Record<string, string> = { 'content-type': 'application/json', 'request-id': requestId };
      if (script.retryAfter) headers['retry-after'] = script.retryAfter;
      const type = anthropicErrorType(script.status);
      const message = type === 'overloaded_error' ? 'Overloaded' : `fake ${type} (${script.status})`;
      res.writeHead(script.status, headers);
      res.end(JSON.stringify(script.errorBody ?? { type: 'error', error: { type, message }, request_id: requestId }));
      return;
    }
    const fail = (status: number, message: string) =>
      res
        .writeHead(status, { 'content-type': 'application/json', 'request-id': requestId })
        .end(JSON.stringify({ type: 'error', error: { type: anthropicErrorType(status), message }, request_id: requestId }));
    if (malformed) return void fail(400, 'The request body is not valid JSON.');
    const path = (req.url ?? '').split('?')[0]!;
    if (req.method === 'POST' && path.endsWith('/v1/messages/count_tokens')) {
      res.writeHead(200, { 'content-type': 'application/json', 'request-id': requestId });
      res.end(JSON.stringify({ input_tokens: anthropicPromptTokens(body) }));
      return;
    }
    if (req.method === 'POST' && path.endsWith('/v1/messages')) {
      const refusal = this.replayRefusal(body);
      if (refusal) return void fail(400, refusal);
      return this.messages(body, script, res, requestId);
    }
    fail(404, 'Not found');
  }

  /**
   * What the API refuses in replayed thinking: a thinking block whose signature the fake did not issue for exactly
   * that text, redacted data it did not produce, and — with thinking enabled — a final assistant turn with tool use
   * that does not start with its thinking.
   */
  private replayRefusal(body: Record<string, unknown>): string | undefined {
    const messages = (Array.isArray(body.messages) ? body.messages : []) as { role?: string; content?: unknown }[];
    for (const [m, message] of messages.entries()) {
      if (message.role !== 'assistant' || !Array.isArray(message.content)) continue;
      for (const block of message.content as Record<string, unknown>[]) {
        if (block.type === 'thinking' && this.signed.get(String(block.signature)) !== block.thinking)
          return `messages.${m}.content: Invalid \`signature\` in \`thinking\` block`;
        if (block.type === 'redacted_thinking' && !this.redacted.has(String(block.data)))
          return `messages.${m}.content: Invalid \`data\` in \`redacted_thinking\` block`;
      }
    }
    const toolBlocks = messages.some(
      (message) =>
        Array.isArray(message.content) &&
        (message.content as { type?: string }[]).some((b) => b.type === 'tool_use' || b.type === 'tool_result'),
    );
    if (toolBlocks && !(Array.isArray(body.tools) && body.tools.length > 0))
      return 'Requests which include `tool_use` or `tool_result` blocks must define tools.';
    const thinking = (body.thinking as { type?: string } | undefined)?.type === 'enabled';
    const lastAssistant = messages
      .map((message, m) => ({ message, m }))
      .filter(({ message }) => message.role === 'assistant')
      .at(-1);
    const blocks = (Array.isArray(lastAssistant?.message.content) ? lastAssistant.message.content : []) as { type?: string }[];
    if (
      thinking &&
      blocks.some((b) => b.type === 'tool_use') &&
      blocks[0]?.type !== 'thinking' &&
      blocks[0]?.type !== 'redacted_thinking'
    ) {
      return (
        `messages.${lastAssistant!.m}.content.0.type: Expected \`thinking\` or \`redacted_thinking\`, but found \`${String(blocks[0]?.type)}\`. ` +
        'When `thinking` is enabled, a final `assistant` message must start with a thinking block.'
      );
    }
    return undefined;
  }

  private async messages(body: Record<string, unknown>, script: AnthropicScript, res: ServerResponse, requestId: string): Promise<void> {
    const n = String(++this.messageCount).padStart(4, '0');
    const blocks: Block[] = [];
    if (script.thinking) {
      blocks.push({ type: 'thinking', thinking: script.thinking.text, signature: script.thinking.signature });
      this.signed.set(script.thinking.signature, script.thinking.text);
    }
    if (script.redactedThinking !== undefined) {
      blocks.push({ type: 'redacted_thinking', data: script.redactedThinking });
      this.redacted.add(script.redactedThinking);
    }
    if (!script.toolUse || script.content !== undefined) blocks.push({ type: 'text', text: script.content ?? DEFAULT_ANTHROPIC_TEXT });
    if (script.toolUse) blocks.push({ type: 'tool_use', id: `toolu_fake_${n}`, name: script.toolUse.name, input: script.toolUse.input });

    const prompt = script.promptTokens ?? anthropicPromptTokens(body);
    const cacheRead = script.cacheReadTokens ?? 0;
    const write5m = script.cacheWrite5mTokens ?? 0;
    const write1h = script.cacheWrite1hTokens ?? 0;
    const outputTokens = script.outputTokens ?? blocks.reduce((sum, b) => sum + Math.ceil(blockText(b).length / 4), 0);
    const usage = {
      input_tokens: Math.max(0, prompt - cacheRead - write5m - write1h),
      cache_creation_input_tokens: write5m + write1h,
      cache_read_input_tokens: cacheRead,
      cache_creation: { ephemeral_5m_input_tokens: write5m, ephemeral_1h_input_tokens: write1h },
      output_tokens: outputTokens,
      service_tier: 'standard',
    };
    const stopReason = script.stopReason ?? (script.toolUse ? 'tool_use' : 'end_turn');
    const stopSequences = Array.isArray(body.stop_sequences) ? (body.stop_sequences as string[]) : [];
    const stopSequence = stopReason === 'stop_sequence' ? (script.stopSequence ?? stopSequences[0] ?? null) : null;
    const message = (content: Block[], final: boolean) => ({
      id: `msg_fake_${n}`,
      type: 'message',
      role: 'assistant',
      model: String(body.model),
      content,
      stop_reason: final ? stopReason : null,
      stop_sequence: final ? stopSequence : null,
      // The stream's message_start carries the input counts and a first output token; message_delta the final count.
      usage: final ? usage : { ...usage, output_tokens: Math.min(1, outputTokens) },
    });

    if (body.stream !== true) {
      res.writeHead(200, { 'content-type': 'application/json', 'request-id': requestId });
      res.end(JSON.stringify(message(blocks, true)));
      return;
    }

    const events: Record<string, unknown>[] = [{ type: 'message_start', message: message([], false) }, { type: 'ping' }];
    blocks.forEach((block, index) => {
      const delta = (d: Record<string, unknown>) => events.push({ type: 'content_block_delta', index, delta: d });
      if (block.type === 'thinking') {
        events.push({ type: 'content_block_start', index, content_block: { type: 'thinking', thinking: '', signature: '' } });
        for (const thinking of pieces(block.thinking, 8)) delta({ type: 'thinking_delta', thinking });
        delta({ type: 'signature_delta', signature: block.signature });
      } else if (block.type === 'redacted_thinking') {
        events.push({ type: 'content_block_start', index, content_block: block });
      } else if (block.type === 'text') {
        events.push({ type: 'content_block_start', index, content_block: { type: 'text', text: '' } });
        for (const text of pieces(block.text, 5)) delta({ type: 'text_delta', text });
      } else {
        events.push({ type: 'content_block_start', index, content_block: { ...block, input: {} } });
        delta({ type: 'input_json_delta', partial_json: '' });
        for (const partial_json of pieces(JSON.stringify(block.input), 6)) delta({ type: 'input_json_delta', partial_json });
      }
      events.push({ type: 'content_block_stop', index });
    });
    events.push({
      type: 'message_delta',
      delta: { stop_reason: stopReason, stop_sequence: stopSequence },
      // Cumulative totals for the whole message, as the API sends them.
      usage: {
        input_tokens: usage.input_tokens,
        cache_creation_input_tokens: usage.cache_creation_input_tokens,
        cache_read_input_tokens: usage.cache_read_input_tokens,
        output_tokens: outputTokens,
      },
    });
    events.push({ type: 'message_stop' });

    res.writeHead(200, {
      'content-type': 'text/event-stream; charset=utf-8',
      'cache-control': 'no-cache',
      'request-id': requestId,
    });
    for (let i = 0; i < events.length; i++) {
      if (script.cutAfterEvents !== undefined && i >= script.cutAfterEvents) {
        // Close after what was written is flushed: the client sees a chunked body that never finishes.
        res.socket?.end();
        return;
      }
      if (script.errorEventAfter !== undefined && i >= script.errorEventAfter) {
        const error = { type: 'error', error: { type: 'overloaded_error', message: 'Overloaded' } };
        res.end(`event: error\ndata: ${JSON.stringify(error)}\n\n`);
        return;
      }
      if (res.destroyed) return;
      const event = events[i]!;
      res.write(`event: ${String(event.type)}\ndata: ${JSON.stringify(event)}\n\n`);
      if (script.chunkDelayMs) await sleep(script.chunkDelayMs);
    }
    res.end();
  }
}

const blockText = (b: Block): string =>
  b.type === 'text' ? b.text : b.type === 'thinking' ? b.thinking : b.type === 'redacted_thinking' ? b.data : JSON.stringify(b.input);
