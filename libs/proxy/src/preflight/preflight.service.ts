import { Inject, Injectable } from '@nestjs/common';
import type { Request } from 'express';
import { hashApiKey, isWellFormedApiKey, KeyResolver, type ScopedAllocation } from '@allot/allocations';
import { QuotaRejection, QuotaService } from '@allot/billing';
import { RouteCatalog } from '@allot/catalog';
import { APP_CONFIG, type AppConfig } from '@allot/platform';
import { decideModelAccess } from '@allot/policy';
import { GatewayErrors } from '../errors/gateway-error';
import { translationFor } from '../translate/translations';
import { OPERATIONS_BY_ENDPOINT } from '../relay/endpoints';
import { outputCap, promptTokens, thinkingBudget } from './estimate';
import type { AdmittedCall, PreflightContext } from './preflight-context';

/** Credentials are taken in turn so load spreads over a provider's keys. */
let roundRobin = 0;

/**
 * P4, one pipeline for every `/v1` route: key → member active → allocation by model (exact slug or a unique bare
 * name) → allocation status → access policy → rate limits and quota reservation → provider credential. Each step
 * records what it learned on the context first, so a rejection is attributed as far as it got. The policy check
 * runs before the reservation (PRODUCT.md lists it after) so that a forbidden call never counts against the
 * allocation's rate limits or holds its quota, even briefly.
 */
@Injectable()
export class PreflightService {
  constructor(
    private readonly keys: KeyResolver,
    private readonly catalog: RouteCatalog,
    private readonly quotas: QuotaService,
    @Inject(APP_CONFIG) private readonly config: AppConfig,
  ) {}

  async admit(req: Request, ctx: PreflightContext, options: { requiresModel: boolean }): Promise<PreflightContext> {
    const plaintext = bearer(req);
    if (!plaintext) throw GatewayErrors.missingKey();
    const hash = hashApiKey(plaintext);
    // Only a key this process has not seen pays for the checksum; one it has seen passed the check back then.
    if (!this.keys.hasSeen(hash) && !isWellFormedApiKey(plaintext)) throw GatewayErrors.invalidKey();
    const key = await this.keys.resolveHash(hash);
    if (!key) throw GatewayErrors.invalidKey();
    ctx.key = key;
    if (key.revokedAt) throw GatewayErrors.keyRevoked();
    if (key.expiresAt && key.expiresAt.getTime() <= Date.now()) throw GatewayErrors.keyExpired();
    if (key.memberStatus !== 'active') throw GatewayErrors.memberDisabled();
    if (!options.requiresModel) return ctx;

    const body: unknown = req.body;
    if (!body || typeof body !== 'object' || Array.isArray(body))
      throw GatewayErrors.invalidBody('The request body must be a JSON object.');
    const model = (body as Record<string, unknown>).model;
    if (typeof model !== 'string' || model.length === 0) {
      throw GatewayErrors.invalidBody('You must provide a model parameter.', 'model');
    }
    ctx.requestedModel = model;
    const allocation = pickAllocation(key.scope, model);
    ctx.allocation = allocation;
    if (allocation.status !== 'active') throw GatewayErrors.allocationStatus(allocation.status, allocation.modelSlug);

    const route = await this.catalog.route(allocation.modelId);
    if (!route) throw GatewayErrors.providerUnavailable(allocation.modelSlug);
    ctx.route = route;
    // A model without a Responses API is served through its chat API (translations.ts); compaction has no such path.
    if (ctx.endpoint === 'responses.compact' && route.responses === 'unavailable')
      throw GatewayErrors.responsesUnavailable(allocation.modelSlug);
    if (!decideModelAccess(route.access, key.memberTags).allowed) throw GatewayErrors.modelForbidden(allocation.modelSlug);
    const request = body as Record<string, unknown>;
    const maxOutputTokens = route.kind === 'chat' ? outputCap(request, route.maxOutputTokens, this.config.defaultMaxOutputTokens) : 0;
    ctx.maxOutputTokens = maxOutputTokens;
    let counted: number | undefined;
    const prompt = (ctx.promptTokens = () => (counted ??= promptTokens(request)));
    // A call translated to Anthropic's Messages API asks for its thinking budget on top of the output cap.
    const operation = OPERATIONS_BY_ENDPOINT.get(ctx.endpoint);
    const thinking = operation && translationFor(operation, route)?.upstreamOperation === 'messages' ? thinkingBudget(request) : 0;
    const worstCase = () => ({ inputTokens: prompt(), maxOutputTokens: maxOutputTokens + thinking });
    try {
      ctx.admission = await this.quotas.admit({ ...allocation, modelId: route.modelId }, worstCase);
    } catch (error) {
      if (!(error instanceof QuotaRejection)) throw error;
      throw error.kind === 'tokens' || error.kind === 'cost'
        ? GatewayErrors.quotaExceeded(error.message, error.resetsAt)
        : GatewayErrors.rateLimited(error.message, error.retryAfterSeconds ?? 1);
    }
    if (!route.provider.active || route.credentials.length === 0) throw GatewayErrors.providerUnavailable(allocation.modelSlug);
    ctx.credential = route.credentials[roundRobin++ % route.credentials.length];
    return ctx;
  }
}

function isAdmitted(ctx: PreflightContext): ctx is AdmittedCall {
  return !!(
    ctx.key &&
    ctx.allocation &&
    ctx.route &&
    ctx.credential &&
    ctx.requestedModel &&
    ctx.maxOutputTokens !== undefined &&
    ctx.promptTokens &&
    ctx.admission
  );
}

/** The call the preflight guard admitted, for handlers behind it (the guard runs before every `/v1` handler). */
export function admittedCall(req: Request): AdmittedCall {
  if (!req.allot || !isAdmitted(req.allot)) throw new Error('internal: preflight did not admit the call');
  return req.allot;
}

/** The member's key: `Authorization: Bearer <key>` (OpenAI clients) or `x-api-key: <key>` (Anthropic clients). */
function bearer(req: Request): string | undefined {
  const header = req.headers.authorization;
  if (typeof header === 'string') {
    const match = /^Bearer\s+(\S+)\s*$/i.exec(header);
    if (match) return match[1];
  }
  const apiKey = req.headers['x-api-key'];
  return typeof apiKey === 'string' && apiKey.trim() ? apiKey.trim() : undefined;
}

/** Exact slug first; else a bare name that names exactly one model of the key (`gpt-5.4` → `azure/gpt-5.4`). */
function pickAllocation(scope: ScopedAllocation[], model: string): ScopedAllocation {
  const exact = scope.find((a) => a.modelSlug === model);
  if (exact) return exact;
  const bare = scope.filter((a) => a.modelSlug.slice(a.modelSlug.indexOf('/') + 1) === model);
  if (bare.length === 1) return bare[0]!;
  if (bare.length > 1)
    throw GatewayErrors.ambiguousModel(
      model,
      bare.map((a) => a.modelSlug),
    );
  throw GatewayErrors.modelNotInScope(
    model,
    scope.filter((a) => a.status === 'active').map((a) => a.modelSlug),
  );
}
