import type { IncomingMessage, ServerResponse } from 'node:http';
import { pieces, ScriptedFake, sleep } from './scripted-fake';

/**
 * A fake Gemini API (Generative Language API, v1beta) written from the public API reference:
 * `models/{model}:generateContent` (one GenerateContentResponse), `models/{model}:streamGenerateContent?alt=sse`
 * (`data:` events, each a GenerateContentResponse chunk with the usage so far; the last carries the finishReason and the
 * full usageMetadata; without `alt=sse`, the JSON-array form), `models/{model}:countTokens`, text, functionCall and
 * thought parts with thought signatures, prompt and response safety blocks, Google-shaped errors
 * (`{"error":{"code","message","status"}}`), and per-request fault scripting.
 *
 * Replayed function calls of Gemini 3 models (`gemini-3…`) must carry a thought signature the fake issued, or the
 * documented skip value, as the API validates them; anything else is a 400.
 *
 * Keys belong in the `x-goog-api-key` header: a request with `?key=` in its URL is refused (400 INVALID_ARGUMENT)
 * before any script is consumed, and counted in {@link GeminiFake.keyInUrl}.
 *
 * Token counts are deterministic: the prompt is `ceil(JSON length of systemInstruction + contents + tools / 4)`
 * (see {@link geminiPromptTokens}) and includes the cached tokens, as Gemini counts them; candidates are
 * `ceil(text length / 4)` plus `ceil(JSON length of the functionCall / 4)`; thoughts are `thoughtsTokens`, or
 * `ceil(summary length / 4)` when `thoughts` is scripted; total = prompt + candidates + thoughts. As the API does
 * (proto3 JSON), usage counters that are zero are left out.
 */
export interface GeminiScript {
  status?: number;
  /** Error body for status ≥ 400 (default: a Google error object with the status the code maps to). */
  errorBody?: unknown;
  retryAfter?: string;
  /** Delay before the response headers. */
  delayMs?: number;
  /** Never answer. */
  hang?: boolean;
  /** Delay between stream chunks. */
  chunkDelayMs?: number;
  /** Close the connection after this many stream chunks. */
  cutAfterEvents?: number;
  /** Text of the answer (default: a greeting; with `functionCall` or `safetyStop`, no text unless given). */
  content?: string;
  /** Answer with this function call (after the text, if `content` is given); finishReason stays STOP. */
  functionCall?: { name: string; args: Record<string, unknown> };
  /**
   * The model thought: a thought-summary part first (only when the request sets
   * `generationConfig.thinkingConfig.includeThoughts`), and `thoughtSignature` on the functionCall part, else on the
   * (last) text part.
   */
  thoughts?: { summary: string; signature: string };
  cachedTokens?: number;
  thoughtsTokens?: number;
  /** Report this prompt size instead of the one computed from the request (the same usage across wires). */
  promptTokens?: number;
  /** Report this candidates count (thoughts apart) instead of the one computed from the answer. */
  outputTokens?: number;
  finishReason?: 'STOP' | 'MAX_TOKENS' | 'SAFETY' | 'RECITATION' | 'LANGUAGE' | 'OTHER' | 'BLOCKLIST' | 'PROHIBITED_CONTENT' | 'SPII';
  /** Block the prompt: `promptFeedback.blockReason` and no candidates. */
  blockedPrompt?: 'SAFETY' | 'OTHER' | 'BLOCKLIST' | 'PROHIBITED_CONTENT' | 'IMAGE_SAFETY';
  /** The candidate stops with finishReason SAFETY and safetyRatings (dangerous content blocked), without content. */
  safetyStop?: boolean;
}

/** HTTP status → google.rpc status name. */
const STATUSES: Record<number, string> = {
  400: 'INVALID_ARGUMENT',
  401: 'UNAUTHENTICATED',
  403: 'PERMISSION_DENIED',
  404: 'NOT_FOUND',
  409: 'ABORTED',
  429: 'RESOURCE_EXHAUSTED',
  499: 'CANCELLED',
  500: 'INTERNAL',
  501: 'NOT_IMPLEMENTED',
  503: 'UNAVAILABLE',
  504: 'DEADLINE_EXCEEDED',
};

export const googleStatus = (code: number): string => STATUSES[code] ?? (code >= 500 ? 'INTERNAL' : 'FAILED_PRECONDITION');

export const googleError = (code: number, message: string, details?: unknown[]) => ({
  error: { code, message, status: googleStatus(code), ...(details ? { details } : {}) },
});

/** The prompt's token count: `ceil(JSON length of systemInstruction + contents + tools / 4)`, counting the fields present. */
export function geminiPromptTokens(body: Record<string, unknown>): number {
  const parts = [body.systemInstruction, body.contents, body.tools].filter((p) => p !== undefined);
  return Math.ceil(parts.reduce<number>((n, p) => n + JSON.stringify(p).length, 0) / 4);
}

export const DEFAULT_GEMINI_TEXT = 'Hello from the fake Gemini upstream!';

type Part = Record<string, unknown>;
type Chunk = Record<string, unknown>;

const SAFETY_RATINGS = [
  { category: 'HARM_CATEGORY_SEXUALLY_EXPLICIT', probability: 'NEGLIGIBLE' },
  { category: 'HARM_CATEGORY_HATE_SPEECH', probability: 'NEGLIGIBLE' },
  { category: 'HARM_CATEGORY_HARASSMENT', probability: 'NEGLIGIBLE' },
  { category: 'HARM_CATEGORY_DANGEROUS_CONTENT', probability: 'HIGH', blocked: true },
];

export class GeminiFake extends ScriptedFake<GeminiScript> {
  /** Requests that carried an API key in the URL (`?key=`); each was refused. */
  keyInUrl = 0;
  private responseCount = 0;
  /** Thought signatures the fake issued: Gemini 3 models check replayed function calls against them. */
  private readonly signatures = new Set<string>();

  protected async handle(req: IncomingMessage, res: ServerResponse): Promise<void> {
    const { body, malformed } = await this.receive(req, res);
    const json = (status: number, value: unknown, headers: Record<string, string> = {}) =>
      res.writeHead(status, { 'content-type': 'application/json; charset=UTF-8', ...headers }).end(JSON.stringify(value));
    const url = new URL(req.url ?? '/', 'http://fake.invalid');
    if (url.searchParams.has('key')) {
      this.keyInUrl++;
      return void json(
        400,
        googleError(400, 'API keys must not be sent in the URL: this fake accepts only the x-goog-api-key header.', [
          { '@type': 'type.googleapis.com/google.rpc.ErrorInfo', reason: 'API_KEY_IN_URL', domain: 'fake.invalid' },
        ]),
      );
    }
    const script = this.nextScript();
    if (script.hang) return;
    if (script.delayMs) await sleep(script.delayMs);
    if (script.status && script.status >= 400) {
      const headers: Record<string, string> = {};
      if (script.retryAfter) headers['retry-after'] = script.retryAfter;
      const retryInfo =
        script.retryAfter && /^\d+$/.test(script.retryAfter)
          ? [{ '@type': 'type.googleapis.com/google.rpc.RetryInfo', retryDelay: `${script.retryAfter}s` }]
          : undefined;
      return void json(
        script.status,
        script.errorBody ?? googleError(script.status, `fake ${googleStatus(script.status)}`, retryInfo),
        headers,
      );
    }
    if (malformed) return void json(400, googleError(400, 'Invalid JSON payload received.'));
    const route = /\/(?:v1beta|v1)\/models\/([^/:]+):(generateContent|streamGenerateContent|countTokens)$/.exec(url.pathname);
    if (!route || req.method !== 'POST') return void json(404, googleError(404, `Method not found: ${url.pathname}`));
    const model = decodeURIComponent(route[1]!);
    if (route[2] === 'countTokens') {
      const request = (body.generateContentRequest as Record<string, unknown> | undefined) ?? body;
      const totalTokens = geminiPromptTokens(request);
      return void json(200, { totalTokens, promptTokensDetails: [{ modality: 'TEXT', tokenCount: totalTokens }] });
    }
    const refusal = this.replayRefusal(body, model);
    if (refusal) return void json(400, googleError(400, refusal));
    return this.generate(body, model, route[2] === 'streamGenerateContent', url.searchParams.get('alt') === 'sse', script, res);
  }

  /**
   * Gemini 3 validates thought signatures on function calling: the first functionCall part of each model turn must
   * carry a signature the fake issued, or the documented `skip_thought_signature_validator`.
   */
  private replayRefusal(body: Record<string, unknown>, model: string): string | undefined {
    if (!/^gemini-([3-9]|\d{2,})/.test(model)) return undefined;
    const contents = (Array.isArray(body.contents) ? body.contents : []) as { role?: string; parts?: Record<string, unknown>[] }[];
    for (const [c, content] of contents.entries()) {
      if (content.role !== 'model') continue;
      const first = (content.parts ?? []).findIndex((p) => p.functionCall !== undefined);
      if (first < 0) continue;
      const signature = content.parts![first]!.thoughtSignature;
      if (signature === 'skip_thought_signature_validator' || this.signatures.has(String(signature))) continue;
      return signature === undefined
        ? `Function call is missing a thought_signature in functionCall parts. This is required for tools to work correctly, and missing thought_signature may lead to degraded model performance. Additional data, function call \`default_api:${String((content.parts![first]!.functionCall as { name?: unknown }).name)}\` , position ${c + 1}.`
        : `Corrupted thought signature in contents[${c}].parts[${first}].`;
    }
    return undefined;
  }

  private async generate(
    body: Record<string, unknown>,
    model: string,
    stream: boolean,
    sse: boolean,
    script: GeminiScript,
    res: ServerResponse,
  ): Promise<void> {
    const responseId = `fakeResp${String(++this.responseCount).padStart(4, '0')}`;
    const generationConfig = (body.generationConfig as { thinkingConfig?: { includeThoughts?: boolean } } | undefined) ?? {};
    const includeThoughts = generationConfig.thinkingConfig?.includeThoughts === true;
    const prompt = script.promptTokens ?? geminiPromptTokens(body);
    const cached = Math.min(script.cachedTokens ?? 0, prompt);
    const thoughtsTokens = script.thoughtsTokens ?? (script.thoughts ? Math.ceil(script.thoughts.summary.length / 4) : 0);
    const text = script.content ?? (script.functionCall || script.safetyStop || script.blockedPrompt ? undefined : DEFAULT_GEMINI_TEXT);
    const call = script.functionCall;
    const signature = script.thoughts?.signature;
    if (signature) this.signatures.add(signature);
    const candidatesTokens =
      script.outputTokens ?? Math.ceil((text ?? '').length / 4) + (call ? Math.ceil(JSON.stringify(call).length / 4) : 0);
    const finishReason = script.safetyStop ? 'SAFETY' : (script.finishReason ?? 'STOP');

    const usage = (candidates: number, withThoughts = true) => ({
      promptTokenCount: prompt,
      ...(candidates > 0 ? { candidatesTokenCount: candidates } : {}),
      totalTokenCount: prompt + candidates + (withThoughts ? thoughtsTokens : 0),
      ...(cached > 0 ? { cachedContentTokenCount: cached } : {}),
      promptTokensDetails: [{ modality: 'TEXT', tokenCount: prompt }],
      ...(cached > 0 ? { cacheTokensDetails: [{ modality: 'TEXT', tokenCount: cached }] } : {}),
      ...(withThoughts && thoughtsTokens > 0 ? { thoughtsTokenCount: thoughtsTokens } : {}),
    });
    const envelope = (fields: Chunk) => ({ ...fields, modelVersion: model, responseId });
    const candidate = (parts: Part[] | undefined, finish: boolean): Chunk => ({
      ...(parts ? { content: { parts, role: 'model' } } : {}),
      ...(finish ? { finishReason } : {}),
      index: 0,
      ...(finish && script.safetyStop ? { safetyRatings: SAFETY_RATINGS } : {}),
    });
    const thoughtPart = includeThoughts && script.thoughts ? { text: script.thoughts.summary, thought: true } : undefined;
    const callPart = call
      ? { functionCall: { name: call.name, args: call.args }, ...(signature ? { thoughtSignature: signature } : {}) }
      : undefined;

    if (script.blockedPrompt) {
      const blocked = envelope({
        promptFeedback: {
          blockReason: script.blockedPrompt,
          ...(script.blockedPrompt === 'SAFETY' ? { safetyRatings: SAFETY_RATINGS } : {}),
        },
        usageMetadata: usage(0, false),
      });
      return this.send(res, stream, sse, [blocked], script);
    }

    if (!stream) {
      const parts: Part[] = [];
      if (thoughtPart) parts.push(thoughtPart);
      if (text !== undefined) parts.push({ text, ...(signature && !call ? { thoughtSignature: signature } : {}) });
      if (callPart) parts.push(callPart);
      const response = envelope({
        candidates: [candidate(parts.length ? parts : undefined, true)],
        usageMetadata: usage(candidatesTokens),
      });
      return this.send(res, false, false, [response], script);
    }

    // Stream: thought-summary chunks, text chunks (cumulative usage), the functionCall whole in one chunk, and the
    // finishReason with the full usage on the last text chunk, or on a closing chunk after a call or a safety stop.
    const chunks: Chunk[] = [];
    if (thoughtPart) {
      for (const summary of pieces(script.thoughts!.summary, 24))
        chunks.push(envelope({ candidates: [candidate([{ text: summary, thought: true }], false)], usageMetadata: usage(0) }));
    }
    if (text !== undefined) {
      const textPieces = pieces(text, 8);
      let sent = '';
      textPieces.forEach((piece, i) => {
        sent += piece;
        const last = i === textPieces.length - 1;
        const part = { text: piece, ...(last && signature && !call ? { thoughtSignature: signature } : {}) };
        const closes = last && !call && !script.safetyStop;
        chunks.push(
          envelope({
            candidates: [candidate([part], closes)],
            usageMetadata: usage(closes ? candidatesTokens : Math.ceil(sent.length / 4)),
          }),
        );
      });
    }
    if (callPart) chunks.push(envelope({ candidates: [candidate([callPart], false)], usageMetadata: usage(candidatesTokens) }));
    if (text === undefined || call || script.safetyStop) {
      const closing = script.safetyStop ? undefined : [{ text: '' }];
      chunks.push(envelope({ candidates: [candidate(closing, true)], usageMetadata: usage(candidatesTokens) }));
    }
    return this.send(res, true, sse, chunks, script);
  }

  private async send(res: ServerResponse, stream: boolean, sse: boolean, chunks: Chunk[], script: GeminiScript): Promise<void> {
    if (!stream) {
      res.writeHead(200, { 'content-type': 'application/json; charset=UTF-8' }).end(JSON.stringify(chunks[0]));
      return;
    }
    res.writeHead(200, { 'content-type': sse ? 'text/event-stream' : 'application/json; charset=UTF-8' });
    if (!sse) res.write('[');
    for (let i = 0; i < chunks.length; i++) {
      if (script.cutAfterEvents !== undefined && i >= script.cutAfterEvents) {
        // Close after what was written is flushed: the client sees a chunked body that never finishes.
        res.socket?.end();
        return;
      }
      if (res.destroyed) return;
      const data = JSON.stringify(chunks[i]);
      // The API ends each SSE event with CRLF CRLF; the JSON-array form separates elements with ",\r\n".
      res.write(sse ? `data: ${data}\r\n\r\n` : `${i ? ',\r\n' : ''}${data}`);
      if (script.chunkDelayMs) await sleep(script.chunkDelayMs);
    }
    res.end(sse ? undefined : ']');
  }
}
