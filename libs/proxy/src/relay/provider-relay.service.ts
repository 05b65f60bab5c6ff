import { once } from 'node:events';
import { Inject, Injectable } from '@nestjs/common';
import type { Request, Response } from 'express';
import { errors as undiciErrors, type Dispatcher } from 'undici';
import { LedgerWriter, normalizeAnthropicUsage, normalizeOpenAiUsage, PriceBook, ZERO_USAGE, type NormalizedUsage } from '@allot/billing';
import type { CallOutcome } from '@allot/contracts';
import type { Logger } from 'pino';
import { APP_CONFIG, APP_LOGGER, type AppConfig } from '@allot/platform';
import { StoredResponses } from '../responses/stored-responses.service';
import { upstreamTarget, type UpstreamOperation } from '../adapters/provider-adapter';
import { GatewayError, GatewayErrors } from '../errors/gateway-error';
import { anthropicErrorBody, anthropicTypeForStatus } from '../errors/anthropic-error-body';
import { openAiErrorBody } from '../errors/openai-error-body';
import type { AdmittedCall } from '../preflight/preflight-context';
import { UpstreamClient } from '../upstream/upstream-client.service';
import { clientBoundHeaders, upstreamBoundHeaders } from './client-headers';
import { LiveCalls } from './live-calls.service';
import { adjustParameters, isAdjustable, ParameterRules, refusedParameter } from './parameter-compat';
import { SseSplitter } from './sse-splitter';
import {
  ChatStream,
  gatewayResponseId,
  MessagesStream,
  sendResponsesFailure,
  ResponsesStream,
  type StreamProtocol,
} from './stream-protocols';
import { retryAfterAsSeconds } from './retry-after';
import { readUpstreamFailure } from './upstream-error';
import { scanUsage } from './usage-scan';
import { ENDPOINT_NAMES } from './endpoints';
import { dropGatewayReasoning, dropGatewayThinking } from '../translate/reasoning-carrier';
import { translationFor, type WireTranslation } from '../translate/translations';

/** What happened to the call while it was being relayed. */
interface CallState {
  clientGone: boolean;
  /** Set when the call was ended because its key or allocation may no longer run. */
  terminatedWith?: GatewayError;
  signal: AbortSignal;
}

/** The provider's answer; an error body already read (to look for a refused parameter) comes with it. */
interface UpstreamAnswer {
  upstream: Dispatcher.ResponseData;
  errorText?: string;
}

interface Outcome {
  /** The provider's response id (Responses API), for stored responses. */
  responseId?: string;
  statusCode: number;
  outcome: CallOutcome;
  usage: NormalizedUsage;
  firstByteMs: number | null;
  errorCode?: string;
  errorMessage?: string;
  /** The provider refused the call with an error status: it processed nothing, so there is no input to bill. */
  refused?: boolean;
}

/**
 * Forwards an admitted call to a provider that speaks its wire natively (OpenAI's chat, embeddings and Responses;
 * Anthropic's Messages) and meters it. The body passes through untouched except `model` (the upstream name) and,
 * for chat streams, `stream_options.include_usage` (forced, so every stream is billed; the usage chunk is removed
 * again for clients that did not ask for it). Streams are relayed event by event as they arrive, with backpressure
 * (the wire's StreamProtocol reads usage and the terminal event); a client that goes away aborts the upstream request.
 */
@Injectable()
export class ProviderRelay {
  constructor(
    private readonly upstream: UpstreamClient,
    private readonly ledger: LedgerWriter,
    private readonly prices: PriceBook,
    private readonly live: LiveCalls,
    private readonly parameterRules: ParameterRules,
    private readonly storedResponses: StoredResponses,
    @Inject(APP_LOGGER) private readonly logger: Logger,
    @Inject(APP_CONFIG) private readonly config: AppConfig,
  ) {}

  async forward(call: AdmittedCall, operation: UpstreamOperation, req: Request, res: Response): Promise<void> {
    let body = { ...(req.body as Record<string, unknown>) };
    const stream = STREAMING.has(operation) && body.stream === true;
    const options = body.stream_options && typeof body.stream_options === 'object' ? (body.stream_options as Record<string, unknown>) : {};
    const clientWantsUsage = stream && options.include_usage === true;
    const translation = translationFor(operation, call.route);
    if (stream && operation === 'chat' && !translation) body.stream_options = { ...options, include_usage: true };
    const adjusted = ADJUSTABLE.has(operation) && !translation ? adjustParameters(body, this.parameterRules.for(call.route)) : [];
    if (!translation && (operation === 'responses' || operation === 'compact') && dropGatewayReasoning(body))
      adjusted.push('input.reasoning');
    if (!translation && (operation === 'messages' || operation === 'count_tokens') && dropGatewayThinking(body))
      adjusted.push('messages.thinking');

    const abort = new AbortController();
    const state: CallState = { clientGone: false, signal: abort.signal };
    res.on('close', () => {
      if (res.writableFinished) return;
      state.clientGone = true;
      abort.abort();
    });
    // Pausing or revoking the allocation (or the key) ends the call, even mid-stream.
    const unregister = this.live.register(call, (error) => {
      state.terminatedWith = error;
      abort.abort();
    });
    let result: Outcome;
    try {
      if (translation) body = translation.request(body, call, adjusted);
      const pinned = operation === 'responses' ? await this.pinPreviousResponse(call, body.previous_response_id) : false;
      const upstreamOperation = !translation ? operation : (stream && translation.streamOperation) || translation.upstreamOperation;
      const answer = await this.send(call, upstreamOperation, body, upstreamBoundHeaders(req.headers), state, adjusted, pinned);
      const upstream = answer.upstream;
      for (const [name, value] of clientBoundHeaders(upstream.headers)) res.setHeader(name, value);
      const firstByteMs = Date.now() - call.startedAt.getTime();
      if (adjusted.length > 0) res.setHeader('x-allot-adjusted-params', adjusted.join(', '));
      if (upstream.statusCode >= 400)
        result = { ...(await this.relayUpstreamError(call, operation, stream, answer, res, firstByteMs)), refused: true };
      else if (stream) {
        const protocol = translation ? translation.stream(call, clientWantsUsage) : this.streamProtocol(operation, call, clientWantsUsage);
        result = await this.relayStream(upstream, res, protocol, firstByteMs, state);
        if (protocol instanceof ResponsesStream) result.responseId = protocol.responseId;
      } else if (translation) result = await this.relayTranslatedJson(upstream, res, translation, call, firstByteMs);
      else result = await this.relayJson(upstream, res, operation, firstByteMs);
    } catch (error) {
      result = this.failBeforeResponse(error, res, state, operation, stream ? call : undefined);
    } finally {
      unregister();
    }
    await this.record(call, operation, stream, req, result);
    if (operation === 'responses' && body.store !== false && result.outcome === 'success' && result.responseId) {
      this.rememberStoredResponse(call, result.responseId);
    }
  }

  /**
   * Answers an admitted call without a provider (an operation the gateway can compute itself, like counting tokens
   * for a model whose vendor has no count endpoint); it is recorded like any call, at no cost.
   */
  async answerLocally(call: AdmittedCall, operation: UpstreamOperation, req: Request, res: Response, body: unknown): Promise<void> {
    res.status(200).json(body);
    await this.record(call, operation, false, req, { statusCode: 200, outcome: 'success', usage: ZERO_USAGE, firstByteMs: 0 });
  }

  /** The provider stored the response (`store` not false): remember who owns it and which credential holds it. */
  private rememberStoredResponse(call: AdmittedCall, responseId: string): void {
    this.storedResponses
      .remember({
        responseId,
        memberId: call.key.memberId,
        allocationId: call.allocation.allocationId,
        modelId: call.route.modelId,
        providerId: call.route.provider.id,
        credentialId: call.credential.id,
      })
      .catch((error: unknown) => this.logger.warn({ err: error, requestId: call.requestId }, 'could not remember a stored response'));
  }

  /**
   * A `previous_response_id` continues a response stored upstream: only its owner may, only through the allocation
   * that created it, and only through the credential that holds it (so no retry on another). Returns whether the
   * credential was pinned.
   */
  private async pinPreviousResponse(call: AdmittedCall, previous: unknown): Promise<boolean> {
    if (previous === undefined || previous === null) return false;
    if (typeof previous !== 'string' || previous.length === 0 || previous.length > 128)
      throw GatewayErrors.invalidBody('previous_response_id must be a response id string.', 'previous_response_id');
    const stored = await this.storedResponses.find(previous);
    if (!stored || stored.memberId !== call.key.memberId) throw GatewayErrors.previousResponseNotFound(previous);
    if (stored.allocationId !== call.allocation.allocationId) {
      const origin = call.key.scope.find((a) => a.allocationId === stored.allocationId);
      throw GatewayErrors.previousResponseElsewhere(previous, origin ? origin.modelSlug : 'another of your allocations');
    }
    const credential = call.route.credentials.find((c) => c.id === stored.credentialId);
    if (!credential) throw GatewayErrors.previousResponseUnavailable(previous);
    call.credential = credential;
    return true;
  }

  /**
   * Sends to the chosen credential; on a 429, a 5xx or a connection failure, tries the provider's other active
   * credentials in turn (when enabled). Nothing has reached the client yet, so a retry is invisible to it and the
   * call is still recorded once, with the credential that answered. A chat call refused for one adjustable
   * parameter is sent once more without it (see parameter-compat.ts); `adjusted` collects what was changed.
   */
  private async send(
    call: AdmittedCall,
    operation: UpstreamOperation,
    body: Record<string, unknown>,
    clientHeaders: Record<string, string> | undefined,
    state: CallState,
    adjusted: string[],
    pinned: boolean,
  ): Promise<UpstreamAnswer> {
    let parameterRetried = false;
    const candidates = [call.credential, ...call.route.credentials.filter((c) => c.id !== call.credential.id)];
    const attempts = this.config.upstream.retryOtherCredential && !pinned ? candidates.length : 1;
    for (let i = 0; ; i++) {
      const credential = candidates[i]!;
      call.credential = credential;
      const cached = upstreamTarget(call.route, credential, operation);
      // The client's version/beta/session headers win over the adapter's defaults; auth headers are never among them.
      const target = clientHeaders ? { ...cached, headers: { ...cached.headers, ...clientHeaders } } : cached;
      const last = i + 1 >= attempts;
      // The body is the relay's own copy: the model is named as this credential's provider knows it.
      if (cached.bodyModel !== undefined) body.model = cached.bodyModel;
      try {
        const upstream = await this.upstream.send(credential.id, target, JSON.stringify(body), state.signal);
        if (upstream.statusCode === 400 && ADJUSTABLE.has(operation) && !parameterRetried) {
          const errorText = await upstream.body.text();
          const param = refusedParameter(upstream.statusCode, errorText);
          const changed = param && isAdjustable(param) ? adjustParameters(body, [param]) : [];
          if (changed.length === 0 || state.signal.aborted) return { upstream, errorText };
          this.parameterRules.learn(call.route.modelId, param!);
          adjusted.push(...changed);
          parameterRetried = true;
          i--; // the same credential again, with the corrected body
          continue;
        }
        if (last || state.signal.aborted || (upstream.statusCode !== 429 && upstream.statusCode < 500)) return { upstream };
        await upstream.body.dump();
      } catch (error) {
        if (last || state.signal.aborted || error instanceof GatewayError) throw error;
      }
    }
  }

  private streamProtocol(operation: UpstreamOperation, call: AdmittedCall, clientWantsUsage: boolean): StreamProtocol {
    if (operation === 'responses') return new ResponsesStream(gatewayResponseId(call.requestId));
    if (operation === 'messages') return new MessagesStream();
    return new ChatStream(clientWantsUsage);
  }

  private async relayTranslatedJson(
    upstream: Dispatcher.ResponseData,
    res: Response,
    translation: WireTranslation,
    call: AdmittedCall,
    firstByteMs: number,
  ): Promise<Outcome> {
    const translated = translation.response((await upstream.body.json()) as Record<string, unknown>, call);
    res.status(200).json(translated.body);
    return { statusCode: 200, outcome: 'success', usage: translated.usage ?? ZERO_USAGE, firstByteMs };
  }

  private async relayJson(
    upstream: Dispatcher.ResponseData,
    res: Response,
    operation: UpstreamOperation,
    firstByteMs: number,
  ): Promise<Outcome> {
    const bytes = Buffer.from(await upstream.body.arrayBuffer());
    // Relayed as it came; only the usage object is read from it. A response object's `usage` is not its last key
    // (user-supplied `metadata` follows), so Responses answers are parsed; chat and embeddings are scanned.
    // Responses and Messages answers are parsed whole: their `usage` is not reliably the last key.
    const parsed = operation === 'chat' || operation === 'embeddings' ? undefined : parseResponse(bytes);
    const usage = ANTHROPIC_WIRE.has(operation)
      ? normalizeAnthropicUsage(parsed?.usage)
      : normalizeOpenAiUsage(parsed ? parsed.usage : scanUsage(bytes.toString('utf8')));
    res.status(upstream.statusCode).setHeader('content-type', String(upstream.headers['content-type'] ?? 'application/json'));
    res.end(bytes);
    const responseId = typeof parsed?.id === 'string' ? parsed.id : undefined;
    return {
      statusCode: upstream.statusCode,
      outcome: 'success',
      usage: usage ?? ZERO_USAGE,
      firstByteMs,
      ...(responseId ? { responseId } : {}),
    };
  }

  private async relayStream(
    upstream: Dispatcher.ResponseData,
    res: Response,
    protocol: StreamProtocol,
    firstByteMs: number,
    state: CallState,
  ): Promise<Outcome> {
    res.status(200);
    res.setHeader('content-type', 'text/event-stream; charset=utf-8');
    res.setHeader('cache-control', 'no-cache');
    res.setHeader('x-accel-buffering', 'no');
    res.flushHeaders();
    const splitter = new SseSplitter();
    const write = async (text: string) => {
      if (!res.write(text)) await once(res, 'drain', { signal: state.signal });
    };
    const ended = (outcome: CallOutcome, statusCode: number, error?: { code: string; message: string }): Outcome => ({
      statusCode,
      outcome,
      usage: protocol.usage ?? ZERO_USAGE,
      firstByteMs,
      ...(error ? { errorCode: error.code, errorMessage: error.message } : {}),
    });
    const finished = () => (protocol.upstreamFailure ? ended('upstream_error', 200, protocol.upstreamFailure) : ended('success', 200));
    try {
      for await (const chunk of upstream.body) {
        for (const event of splitter.push(chunk as Buffer)) {
          const out = protocol.forward(event);
          if (out) await write(out);
        }
      }
      // Wires without a terminal event (Gemini) close the client's stream only now that the upstream ended cleanly.
      const closing = protocol.upstreamEnded?.();
      if (!protocol.complete) throw new Error('upstream ended the stream before its terminal event');
      res.end(closing);
      return finished();
    } catch (error) {
      // Clients such as Codex hang up as soon as they read the terminal event: the call is complete, not cut.
      if (state.clientGone && protocol.complete) return finished();
      if (state.clientGone) return ended('client_disconnected', 499, { code: 'client_disconnected', message: 'The client went away.' });
      if (state.terminatedWith) {
        res.end(protocol.failure(state.terminatedWith));
        return ended(state.terminatedWith.outcome, 200, state.terminatedWith);
      }
      // After the first byte the status is sent: the client learns of the failure from a terminal error event.
      const timeout = error instanceof undiciErrors.BodyTimeoutError;
      const failure = timeout ? GatewayErrors.upstreamTimeout() : GatewayErrors.upstreamUnreachable();
      const message = timeout ? failure.message : 'The provider ended the stream before it was complete.';
      res.end(protocol.failure(failure, message));
      return ended(failure.outcome, 200, { code: failure.code, message });
    }
  }

  private async relayUpstreamError(
    call: AdmittedCall,
    operation: UpstreamOperation,
    stream: boolean,
    answer: UpstreamAnswer,
    res: Response,
    firstByteMs: number,
  ): Promise<Outcome> {
    const upstream = answer.upstream;
    const text = answer.errorText ?? (await upstream.body.text());
    if (operation === 'compact' && [404, 405, 501].includes(upstream.statusCode)) {
      // The provider has no compaction endpoint: say so, instead of a bare 404 that reads like a gateway fault.
      const failure = GatewayErrors.compactionUnsupported(call.route.provider.name);
      res.status(failure.status).json(openAiErrorBody(failure));
      return {
        statusCode: failure.status,
        outcome: 'client_error',
        usage: ZERO_USAGE,
        firstByteMs,
        errorCode: failure.code,
        errorMessage: failure.message,
      };
    }
    const failure = readUpstreamFailure(upstream.statusCode, upstream.headers, text, [call.credential.apiKey]);
    const outcome: CallOutcome = failure.status >= 500 || failure.status === 429 ? 'upstream_error' : 'client_error';
    if (ANTHROPIC_WIRE.has(operation)) {
      // Anthropic's own shape, with the provider's type (overloaded_error …) or the one its status implies.
      const type = failure.providerType ?? anthropicTypeForStatus(failure.status);
      if (failure.retryAfter) res.setHeader('retry-after', failure.retryAfter);
      res.status(failure.status).json({ type: 'error', error: { type, message: failure.message } });
      return { statusCode: failure.status, outcome, usage: ZERO_USAGE, firstByteMs, errorCode: type, errorMessage: failure.message };
    }
    if (operation === 'responses' && stream) {
      // A Responses stream reports even a failure before its first byte as `response.failed`: Codex understands its
      // codes (rate_limit_exceeded with "try again in Ns", context_length_exceeded, insufficient_quota, server_error).
      const message =
        failure.retryAfter && !/try again in/i.test(failure.message)
          ? `${failure.message.replace(/[.\s]+$/, '')}. Please try again in ${retryAfterAsSeconds(failure.retryAfter)}s.`
          : failure.message;
      sendResponsesFailure(res, call.requestId, call.requestedModel, { code: failure.code, message });
      return { statusCode: 200, outcome, usage: ZERO_USAGE, firstByteMs, errorCode: failure.code, errorMessage: failure.message };
    }
    if (failure.retryAfter) res.setHeader('retry-after', failure.retryAfter);
    res.status(failure.status).json({ error: { message: failure.message, type: failure.type, param: failure.param, code: failure.code } });
    return { statusCode: failure.status, outcome, usage: ZERO_USAGE, firstByteMs, errorCode: failure.code, errorMessage: failure.message };
  }

  /** `streamCall`: set for a stream; a Responses stream tells a provider failure as a `response.failed` event. */
  private failBeforeResponse(
    error: unknown,
    res: Response,
    state: CallState,
    operation: UpstreamOperation,
    streamCall?: AdmittedCall,
  ): Outcome {
    if (state.clientGone)
      return { statusCode: 499, outcome: 'client_disconnected', usage: ZERO_USAGE, firstByteMs: null, errorCode: 'client_disconnected' };
    const failure = state.terminatedWith
      ? state.terminatedWith
      : error instanceof GatewayError
        ? error
        : error instanceof undiciErrors.HeadersTimeoutError || error instanceof undiciErrors.ConnectTimeoutError
          ? GatewayErrors.upstreamTimeout()
          : GatewayErrors.upstreamUnreachable();
    const upstreamFault = failure.outcome === 'upstream_error' || failure.outcome === 'upstream_timeout';
    if (operation === 'responses' && streamCall && upstreamFault && !res.headersSent) {
      sendResponsesFailure(res, streamCall.requestId, streamCall.requestedModel, { code: 'server_error', message: failure.message });
      return {
        statusCode: 200,
        outcome: failure.outcome,
        usage: ZERO_USAGE,
        firstByteMs: null,
        errorCode: failure.code,
        errorMessage: failure.message,
      };
    }
    if (!res.headersSent)
      res.status(failure.status).json(ANTHROPIC_WIRE.has(operation) ? anthropicErrorBody(failure) : openAiErrorBody(failure));
    else res.end();
    return {
      statusCode: failure.status,
      outcome: failure.outcome,
      usage: ZERO_USAGE,
      firstByteMs: null,
      errorCode: failure.code,
      errorMessage: failure.message,
    };
  }

  private async record(call: AdmittedCall, operation: UpstreamOperation, stream: boolean, req: Request, result: Outcome): Promise<void> {
    // A call that reached the provider but ended before it reported usage is billed at least its input; one the
    // provider refused (429, 5xx, 4xx status) is not: clients such as Codex replay a refused request many times.
    if (result.usage === ZERO_USAGE && result.firstByteMs !== null && result.outcome !== 'success' && !result.refused) {
      result.usage = { ...ZERO_USAGE, inputTokens: call.promptTokens() };
    }
    const { costMicros, priceVersionId } = await this.prices.cost(call.route.modelId, result.usage, call.startedAt);
    this.ledger.record({
      requestId: call.requestId,
      startedAt: call.startedAt,
      finishedAt: new Date(),
      firstByteMs: result.firstByteMs,
      endpoint: ENDPOINT_NAMES[operation],
      stream,
      statusCode: result.statusCode,
      outcome: result.outcome,
      errorCode: result.errorCode ?? null,
      errorMessage: result.errorMessage ?? null,
      memberId: call.key.memberId,
      allocationId: call.allocation.allocationId,
      keyId: call.key.keyId,
      modelId: call.route.modelId,
      requestedModel: call.requestedModel,
      providerId: call.route.provider.id,
      credentialId: call.credential.id,
      usage: result.usage,
      costMicros,
      priceVersionId,
      clientIp: req.ip ?? null,
      userAgent: req.headers['user-agent'] ?? null,
    });
    // The ledger record is written first: a counter store that fails (Redis down) must not lose the call.
    await call.admission.settle(result.usage, costMicros).catch(() => undefined);
  }
}

/** Operations that may stream (`stream: true`). */
const STREAMING: ReadonlySet<UpstreamOperation> = new Set(['chat', 'responses', 'messages']);
/** Operations whose refused parameters are adjusted (see parameter-compat.ts). */
const ADJUSTABLE: ReadonlySet<UpstreamOperation> = new Set(['chat', 'responses']);
/** Operations of Anthropic's wire: its usage fields and error shape. */
const ANTHROPIC_WIRE: ReadonlySet<UpstreamOperation> = new Set(['messages', 'count_tokens']);

function parseResponse(bytes: Buffer): { id?: unknown; usage?: unknown } | undefined {
  try {
    return JSON.parse(bytes.toString('utf8')) as { id?: unknown; usage?: unknown };
  } catch {
    return undefined;
  }
}
