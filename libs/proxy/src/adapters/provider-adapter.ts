import type { ModelRoute, RouteCredential } from '@allot/catalog';
import type { ProviderType } from '@allot/contracts';
import { GatewayErrors } from '../errors/gateway-error';

/**
 * What a call asks of a provider: OpenAI's operations, then Anthropic's, then Gemini's (`generateContent`, and
 * `streamGenerateContent?alt=sse`, which is a separate operation because it has its own URL; only translations reach them).
 */
export type UpstreamOperation =
  'chat' | 'embeddings' | 'responses' | 'compact' | 'messages' | 'count_tokens' | 'generate' | 'generate_stream';

const OPENAI_OPERATIONS: ReadonlySet<UpstreamOperation> = new Set(['chat', 'embeddings', 'responses', 'compact']);
const PATHS: Record<UpstreamOperation, string> = {
  chat: '/chat/completions',
  embeddings: '/embeddings',
  responses: '/responses',
  compact: '/responses/compact',
  messages: '/messages',
  count_tokens: '/messages/count_tokens',
  // Gemini: suffixes of `/models/{model}`.
  generate: ':generateContent',
  generate_stream: ':streamGenerateContent?alt=sse',
};

/** The Messages API version sent when the client names none (clients' own `anthropic-version` is passed on). */
const ANTHROPIC_VERSION = '2023-06-01';

/** Azure serves the Responses API outside deployment URLs; this version is used unless the provider names one. */
const AZURE_RESPONSES_API_VERSION = '2025-04-01-preview';

export interface UpstreamTarget {
  url: URL;
  headers: Record<string, string>;
  /** The `model` value the upstream expects in the body (a deployment name on Azure's v1 surface); none when the URL names it (Gemini). */
  bodyModel?: string;
}

/** Knows one provider type's URLs and auth header. Provider keys only ever travel in headers. */
export interface ProviderAdapter {
  readonly type: ProviderType;
  /** The operations it serves natively; others need a translation (or are refused, naming the gap). */
  readonly operations: ReadonlySet<UpstreamOperation>;
  target(route: ModelRoute, credential: RouteCredential, operation: UpstreamOperation): UpstreamTarget;
}

const trimSlash = (url: string) => url.replace(/\/+$/, '');

function baseUrl(route: ModelRoute, credential: RouteCredential, fallback?: string): string {
  const base = credential.baseUrl ?? route.provider.baseUrl ?? fallback;
  if (!base) throw GatewayErrors.providerUnavailable(route.slug);
  return trimSlash(base);
}

export const openAiAdapter: ProviderAdapter = {
  type: 'openai',
  operations: OPENAI_OPERATIONS,
  target: (route, credential, operation) => ({
    url: new URL(baseUrl(route, credential, 'https://api.openai.com/v1') + PATHS[operation]),
    headers: { authorization: `Bearer ${credential.apiKey}` },
    bodyModel: route.upstreamName,
  }),
};

/** vLLM, Ollama, LiteLLM and other servers speaking the OpenAI wire at their own base URL (ending in /v1). */
export const openAiCompatibleAdapter: ProviderAdapter = {
  type: 'openai-compatible',
  operations: OPENAI_OPERATIONS,
  target: (route, credential, operation) => ({
    url: new URL(baseUrl(route, credential) + PATHS[operation]),
    headers: { authorization: `Bearer ${credential.apiKey}` },
    bodyModel: route.upstreamName,
  }),
};

/**
 * Azure OpenAI: deployments per model (mapped per credential), `api-key` header. `apiVersion: v1` selects the
 * `/openai/v1` surface, where the deployment goes in the body's `model`; any other version uses the classic
 * `/openai/deployments/{deployment}/…?api-version=` URLs, except the Responses API, which Azure serves at
 * `/openai/responses?api-version=` with the deployment in the body.
 */
export const azureOpenAiAdapter: ProviderAdapter = {
  type: 'azure-openai',
  operations: OPENAI_OPERATIONS,
  target: (route, credential, operation) => {
    const base = baseUrl(route, credential).replace(/\/openai(\/v1)?$/, '');
    const deployment = credential.settings.deployments?.[route.upstreamName] ?? route.upstreamName;
    const apiVersion = credential.settings.apiVersion ?? route.provider.settings.apiVersion ?? '2024-10-21';
    const url =
      apiVersion === 'v1'
        ? new URL(`${base}/openai/v1${PATHS[operation]}`)
        : operation === 'responses' || operation === 'compact'
          ? new URL(
              `${base}/openai${PATHS[operation]}?api-version=${encodeURIComponent(route.provider.settings.responsesApiVersion ?? AZURE_RESPONSES_API_VERSION)}`,
            )
          : new URL(
              `${base}/openai/deployments/${encodeURIComponent(deployment)}${PATHS[operation]}?api-version=${encodeURIComponent(apiVersion)}`,
            );
    return { url, headers: { 'api-key': credential.apiKey }, bodyModel: deployment };
  },
};

/** Anthropic's Messages API: `x-api-key`, `anthropic-version` (the client's, else the default) under `/v1`. */
export const anthropicAdapter: ProviderAdapter = {
  type: 'anthropic',
  operations: new Set(['messages', 'count_tokens']),
  target: (route, credential, operation) => ({
    url: new URL(baseUrl(route, credential, 'https://api.anthropic.com/v1').replace(/(\/v1)?$/, '/v1') + PATHS[operation]),
    headers: { 'x-api-key': credential.apiKey, 'anthropic-version': ANTHROPIC_VERSION },
    bodyModel: route.upstreamName,
  }),
};

/**
 * Google's Gemini API (Generative Language API): `/v1beta/models/{model}:generateContent`, or
 * `:streamGenerateContent?alt=sse` for streams. The key goes in `x-goog-api-key`, never in the URL (`?key=` would put
 * it in access logs). A base URL ending in `/v1` or `/v1beta` is kept as it is; otherwise `/v1beta` is added.
 */
export const geminiAdapter: ProviderAdapter = {
  type: 'gemini',
  operations: new Set(['generate', 'generate_stream']),
  target: (route, credential, operation) => {
    const base = baseUrl(route, credential, 'https://generativelanguage.googleapis.com');
    const root = /\/v1(beta)?$/.test(base) ? base : `${base}/v1beta`;
    const model = encodeURIComponent(route.upstreamName.replace(/^models\//, ''));
    return { url: new URL(`${root}/models/${model}${PATHS[operation]}`), headers: { 'x-goog-api-key': credential.apiKey } };
  },
};

const ADAPTERS = new Map<ProviderType, ProviderAdapter>(
  [openAiAdapter, openAiCompatibleAdapter, azureOpenAiAdapter, anthropicAdapter, geminiAdapter].map((a) => [a.type, a]),
);

const WIRE_NAMES: Record<UpstreamOperation, string> = {
  chat: 'chat completions',
  embeddings: 'embeddings',
  responses: 'the Responses API',
  compact: 'the Responses API',
  messages: 'the Anthropic Messages API',
  count_tokens: 'the Anthropic Messages API',
  generate: 'the Gemini API',
  generate_stream: 'the Gemini API',
};

const JSON_REQUEST = { 'content-type': 'application/json', accept: 'application/json, text/event-stream' };
/** Targets per credential object: the catalog builds new credential objects when anything changes, so none go stale. */
const targets = new WeakMap<RouteCredential, Partial<Record<UpstreamOperation, Readonly<UpstreamTarget>>>>();

/**
 * The adapter's target for a JSON request, built once per credential and operation (URL parsing and header objects
 * are not free on the hot path). Callers must not modify it.
 */
export function upstreamTarget(route: ModelRoute, credential: RouteCredential, operation: UpstreamOperation): Readonly<UpstreamTarget> {
  let byOperation = targets.get(credential);
  if (!byOperation) targets.set(credential, (byOperation = {}));
  let target = byOperation[operation];
  if (!target) {
    const adapter = adapterFor(route.provider.type);
    if (!adapter.operations.has(operation)) {
      throw GatewayErrors.unsupported(
        `${route.slug} is served by a provider of type "${route.provider.type}", which does not speak ${WIRE_NAMES[operation]}; ` +
          `translation between these wires is not available yet. Call it through its own wire.`,
      );
    }
    const built = adapter.target(route, credential, operation);
    target = byOperation[operation] = Object.freeze({ ...built, headers: { ...built.headers, ...JSON_REQUEST } });
  }
  return target;
}

export function adapterFor(type: ProviderType): ProviderAdapter {
  const adapter = ADAPTERS.get(type);
  if (!adapter) throw GatewayErrors.unsupported(`Provider type "${type}" is not supported on this endpoint yet.`);
  return adapter;
}
