import { Injectable } from '@nestjs/common';
import { ModelCapabilities, RouteCatalog } from '@allot/catalog';
import { DomainError } from '@allot/platform';
import { upstreamTarget } from '../adapters/provider-adapter';
import { GatewayError } from '../errors/gateway-error';
import { redactSecrets } from '../errors/openai-error-body';
import { UpstreamClient } from '../upstream/upstream-client.service';

export interface ResponsesProbeResult {
  support: 'available' | 'unavailable';
  detail: string;
}

/** Answers that mean "this provider or model has no Responses API", as opposed to a passing fault. */
const UNSUPPORTED_STATUSES = [400, 404, 405, 422, 501];
const PROBE_TIMEOUT_MS = 30_000;

/**
 * C6: tests whether a model answers the Responses API with one tiny real request (a few tokens, `store: false`;
 * it is billable upstream, which is why it runs only when an admin asks) and records the result as "tested".
 * A fault that decides nothing (auth, rate limit, 5xx, network) changes nothing and is reported.
 */
@Injectable()
export class ResponsesProbe {
  constructor(
    private readonly catalog: RouteCatalog,
    private readonly upstream: UpstreamClient,
    private readonly capabilities: ModelCapabilities,
  ) {}

  async test(slug: string): Promise<ResponsesProbeResult> {
    const route = await this.catalog.routeBySlug(slug);
    if (!route) throw new DomainError(404, 'model_not_found', `there is no model "${slug}"`);
    const credential = route.credentials[0];
    if (!route.provider.active || !credential)
      throw new DomainError(409, 'provider_unavailable', `${slug} has no active provider credential`);
    const target = upstreamTarget(route, credential, 'responses');
    const body = JSON.stringify({ model: target.bodyModel, input: 'Reply with the word OK.', max_output_tokens: 16, store: false });
    let status: number;
    let text: string;
    try {
      const answer = await this.upstream.send(credential.id, target, body, AbortSignal.timeout(PROBE_TIMEOUT_MS));
      status = answer.statusCode;
      text = await answer.body.text();
    } catch (error) {
      const reason = error instanceof GatewayError ? error.message : (error as Error).message;
      throw new DomainError(502, 'probe_failed', `could not reach the provider of ${slug}: ${reason}; nothing was recorded`);
    }
    const message = redactSecrets(upstreamMessage(text) ?? `HTTP ${status}`, [credential.apiKey]);
    let result: ResponsesProbeResult;
    if (status < 300 && /"object"\s*:\s*"response"/.test(text))
      result = { support: 'available', detail: `HTTP ${status}, a response object` };
    else if (UNSUPPORTED_STATUSES.includes(status)) result = { support: 'unavailable', detail: `HTTP ${status}: ${message}` };
    else throw new DomainError(502, 'probe_inconclusive', `the provider answered HTTP ${status} (${message}); nothing was recorded`);
    await this.capabilities.setResponsesSupport(slug, result.support, 'tested');
    return result;
  }
}

function upstreamMessage(text: string): string | undefined {
  try {
    const message = (JSON.parse(text) as { error?: { message?: unknown } }).error?.message;
    return typeof message === 'string' ? message.slice(0, 300) : undefined;
  } catch {
    return undefined;
  }
}
