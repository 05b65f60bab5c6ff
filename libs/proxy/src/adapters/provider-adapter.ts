import type { ModelRoute, RouteCredential } from '@allot/catalog';
import type { ProviderType } from '@allot/contracts';
import { GatewayErrors } from '../errors/gateway-error';

/** The OpenAI-wire operations the gateway forwards natively. */
export type OpenAiOperation = 'chat' | 'embeddings' | 'responses' | 'compact';

const PATHS: Record<OpenAiOperation, string> = {
  chat: '/chat/completions',
  embeddings: '/embeddings',
  responses: '/responses',
  compact: '/responses/compact',
};

/** Azure serves the Responses API outside deployment URLs; this version is used unless the provider names one. */
const AZURE_RESPONSES_API_VERSION = '2025-04-01-preview';

export interface UpstreamTarget {
  url: URL;
  headers: Record<string, string>;
  /** The `model` value the upstream expects in the body (a deployment name on Azure's v1 surface). */
  bodyModel: string;
}

/** Knows one provider type's URLs and auth header. Provider keys only ever travel in headers. */
export interface ProviderAdapter {
  readonly type: ProviderType;
  target(route: ModelRoute, credential: RouteCredential, operation: OpenAiOperation): UpstreamTarget;
}

const trimSlash = (url: string) => url.replace(/\/+$/, '');

function baseUrl(route: ModelRoute, credential: RouteCredential, fallback?: string): string {
  const base = credential.baseUrl ?? route.provider.baseUrl ?? fallback;
  if (!base) throw GatewayErrors.providerUnavailable(route.slug);
  return trimSlash(base);
}

export const openAiAdapter: ProviderAdapter = {
  type: 'openai',
  target: (route, credential, operation) => ({
    url: new URL(baseUrl(route, credential, 'https://api.openai.com/v1') + PATHS[operation]),
    headers: { authorization: `Bearer ${credential.apiKey}` },
    bodyModel: route.upstreamName,
  }),
};

/** vLLM, Ollama, LiteLLM and other servers speaking the OpenAI wire at their own base URL (ending in /v1). */
export const openAiCompatibleAdapter: ProviderAdapter = {
  type: 'openai-compatible',
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

const ADAPTERS = new Map<ProviderType, ProviderAdapter>(
  [openAiAdapter, openAiCompatibleAdapter, azureOpenAiAdapter].map((a) => [a.type, a]),
);

const JSON_REQUEST = { 'content-type': 'application/json', accept: 'application/json, text/event-stream' };
/** Targets per credential object: the catalog builds new credential objects when anything changes, so none go stale. */
const targets = new WeakMap<RouteCredential, Partial<Record<OpenAiOperation, Readonly<UpstreamTarget>>>>();

/**
 * The adapter's target for a JSON request, built once per credential and operation (URL parsing and header objects
 * are not free on the hot path). Callers must not modify it.
 */
export function upstreamTarget(route: ModelRoute, credential: RouteCredential, operation: OpenAiOperation): Readonly<UpstreamTarget> {
  let byOperation = targets.get(credential);
  if (!byOperation) targets.set(credential, (byOperation = {}));
  let target = byOperation[operation];
  if (!target) {
    const built = adapterFor(route.provider.type).target(route, credential, operation);
    target = byOperation[operation] = Object.freeze({ ...built, headers: { ...built.headers, ...JSON_REQUEST } });
  }
  return target;
}

export function adapterFor(type: ProviderType): ProviderAdapter {
  const adapter = ADAPTERS.get(type);
  if (!adapter) throw GatewayErrors.unsupported(`Provider type "${type}" is not supported on this endpoint yet.`);
  return adapter;
}
