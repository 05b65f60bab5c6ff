import type { IncomingMessage, ServerResponse } from 'node:http';
import { ScriptedFake, sleep } from './scripted-fake';
import { answerResponses, compactResponse, type ResponseStore, type ResponsesScript } from './responses-wire';

/**
 * A fake OpenAI / Azure OpenAI server written from the public API reference: chat completions (JSON and SSE with a
 * role chunk, content or tool-call argument deltas, a finish chunk, a usage chunk when `include_usage`, `[DONE]`),
 * embeddings, the Responses API (responses-wire.ts), OpenAI-shaped error bodies, and per-request fault scripting.
 */
export interface FakeScript extends ResponsesScript {
  status?: number;
  /** Error body for status ≥ 400 (default: an OpenAI error object). */
  errorBody?: unknown;
  retryAfter?: string;
  /** Delay before the response headers. */
  delayMs?: number;
  /** Never answer. */
  hang?: boolean;
}

export type { ReceivedRequest } from './scripted-fake';

export class OpenAiFake extends ScriptedFake<FakeScript> {
  readonly storedResponses: ResponseStore = new Map();
  private responseCount = 0;

  protected async handle(req: IncomingMessage, res: ServerResponse): Promise<void> {
    const { body } = await this.receive(req, res);
    const script = this.nextScript();
    if (script.hang) return;
    if (script.delayMs) await sleep(script.delayMs);
    if (script.status && script.status >= 400) {
      const headers: Record<string, string> = { 'content-type': 'application/json' };
      if (script.retryAfter) headers['retry-after'] = script.retryAfter;
      res.writeHead(script.status, headers);
      res.end(
        JSON.stringify(
          script.errorBody ?? { error: { message: `fake error ${script.status}`, type: 'server_error', param: null, code: null } },
        ),
      );
      return;
    }
    const path = (req.url ?? '').split('?')[0]!;
    if (path.endsWith('/responses/compact') && req.method === 'POST') return compactResponse(body, res);
    const storedPath = /\/responses\/([^/]+)(\/input_items)?$/.exec(path);
    if (storedPath) return this.storedResponse(req.method ?? 'GET', decodeURIComponent(storedPath[1]!), !!storedPath[2], res);
    if (path.endsWith('/embeddings')) return this.embeddings(body, res);
    if (path.endsWith('/chat/completions')) return this.chat(body, script, res);
    if (path.endsWith('/responses')) {
      const id = `resp_fake_${String(++this.responseCount).padStart(4, '0')}`;
      return answerResponses(body, script, res, id, this.storedResponses);
    }
    res
      .writeHead(404, { 'content-type': 'application/json' })
      .end(JSON.stringify({ error: { message: 'not found', type: 'invalid_request_error', param: null, code: null } }));
  }

  /** GET /responses/{id}, GET /responses/{id}/input_items, DELETE /responses/{id}, as the API reference shapes them. */
  private storedResponse(method: string, id: string, inputItems: boolean, res: ServerResponse): void {
    const stored = this.storedResponses.get(id);
    const json = (status: number, value: unknown) =>
      res.writeHead(status, { 'content-type': 'application/json' }).end(JSON.stringify(value));
    if (!stored) {
      json(404, { error: { message: `Response with id '${id}' not found.`, type: 'invalid_request_error', param: null, code: null } });
      return;
    }
    if (method === 'DELETE') {
      this.storedResponses.delete(id);
      json(200, { id, object: 'response', deleted: true });
    } else if (inputItems) {
      const input =
        typeof stored.input === 'string'
          ? [{ type: 'message', role: 'user', content: [{ type: 'input_text', text: stored.input }] }]
          : stored.input;
      const data = (input as Record<string, unknown>[]).map((item, i) => ({ id: `msg_in_${i}`, ...item }));
      json(200, { object: 'list', data, first_id: data[0]?.id ?? null, last_id: data.at(-1)?.id ?? null, has_more: false });
    } else json(200, stored.response);
  }

  private embeddings(body: Record<string, unknown>, res: ServerResponse): void {
    const inputs = Array.isArray(body.input) ? body.input : [body.input];
    const tokens = inputs.reduce<number>((n, i) => n + Math.ceil(String(i).length / 4), 0);
    res.writeHead(200, { 'content-type': 'application/json' });
    res.end(
      JSON.stringify({
        object: 'list',
        data: inputs.map((_, index) => ({ object: 'embedding', index, embedding: [0.1, -0.2, 0.3] })),
        model: body.model,
        usage: { prompt_tokens: tokens, total_tokens: tokens },
      }),
    );
  }

  private async chat(body: Record<string, unknown>, script: FakeScript, res: ServerResponse): Promise<void> {
    const messages = (body.messages as { content?: unknown }[] | undefined) ?? [];
    const promptTokens = script.promptTokens ?? 8 + messages.reduce((n, m) => n + Math.ceil(JSON.stringify(m.content ?? '').length / 4), 0);
    const content = script.content ?? 'Hello from the fake upstream!';
    const pieces = script.toolCall ? chunk(script.toolCall.arguments, 4) : chunk(content, 5);
    const completionTokens = script.outputTokens ?? pieces.length + (script.reasoningTokens ?? 0);
    const usage = {
      prompt_tokens: promptTokens,
      completion_tokens: completionTokens,
      total_tokens: promptTokens + completionTokens,
      prompt_tokens_details: { cached_tokens: script.cachedTokens ?? 0, audio_tokens: 0 },
      completion_tokens_details: { reasoning_tokens: script.reasoningTokens ?? 0, audio_tokens: 0 },
    };
    const id = 'chatcmpl-fake123';
    const created = 1_764_460_800;
    const model = String(body.model);
    const toolId = 'call_fake_1';
    if (body.stream !== true) {
      const message = script.toolCall
        ? { role: 'assistant', content: null, tool_calls: [{ id: toolId, type: 'function', function: script.toolCall }] }
        : { role: 'assistant', content };
      res.writeHead(200, { 'content-type': 'application/json', 'openai-model': `${model}-2026-01-01`, 'openai-processing-ms': '12' });
      res.end(
        JSON.stringify({
          id,
          object: 'chat.completion',
          created,
          model,
          choices: [{ index: 0, message, finish_reason: script.toolCall ? 'tool_calls' : 'stop', logprobs: null }],
          usage,
        }),
      );
      return;
    }
    const includeUsage = (body.stream_options as { include_usage?: boolean } | undefined)?.include_usage === true;
    const base = { id, object: 'chat.completion.chunk', created, model, ...(includeUsage ? { usage: null } : {}) };
    const events: unknown[] = [
      { ...base, choices: [{ index: 0, delta: { role: 'assistant', content: script.toolCall ? null : '' }, finish_reason: null }] },
    ];
    pieces.forEach((piece, i) => {
      const delta = script.toolCall
        ? {
            tool_calls: [
              {
                index: 0,
                ...(i === 0
                  ? { id: toolId, type: 'function', function: { name: script.toolCall.name, arguments: piece } }
                  : { function: { arguments: piece } }),
              },
            ],
          }
        : { content: piece };
      events.push({ ...base, choices: [{ index: 0, delta, finish_reason: null }] });
    });
    events.push({ ...base, choices: [{ index: 0, delta: {}, finish_reason: script.toolCall ? 'tool_calls' : 'stop' }] });
    if (includeUsage) events.push({ ...base, choices: [], usage });
    res.writeHead(200, { 'content-type': 'text/event-stream' });
    let sent = 0;
    for (const event of [...events.map((e) => JSON.stringify(e)), '[DONE]']) {
      if (script.cutAfterEvents !== undefined && sent >= script.cutAfterEvents) {
        // Close after what was written is flushed: the client sees a chunked body that never finishes.
        res.socket?.end();
        return;
      }
      if (res.destroyed) return;
      res.write(`data: ${event}\n\n`);
      sent++;
      if (script.chunkDelayMs) await sleep(script.chunkDelayMs);
    }
    res.end();
  }
}

const chunk = (text: string, size: number) =>
  Array.from({ length: Math.max(1, Math.ceil(text.length / size)) }, (_, i) => text.slice(i * size, i * size + size));
