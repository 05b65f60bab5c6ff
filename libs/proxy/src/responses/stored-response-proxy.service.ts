import { Injectable } from '@nestjs/common';
import type { Request, Response } from 'express';
import type { ResolvedKey } from '@allot/allocations';
import { RouteCatalog } from '@allot/catalog';
import { upstreamTarget } from '../adapters/provider-adapter';
import { GatewayError, GatewayErrors } from '../errors/gateway-error';
import { redactSecrets } from '../errors/openai-error-body';
import { UpstreamClient } from '../upstream/upstream-client.service';
import { StoredResponses } from './stored-responses.service';

export type StoredResponseAction = 'retrieve' | 'input_items' | 'delete';

/** Query parameters the provider's retrieve and input-items endpoints take; nothing else is passed on. */
const PASSED_QUERY = ['after', 'before', 'limit', 'order', 'include', 'include[]', 'stream', 'starting_after'];

/**
 * `GET /v1/responses/{id}`, `GET …/input_items` and `DELETE /v1/responses/{id}`, relayed to the credential that holds
 * the response, for its owner only: the member who created it, while the allocation it was created with is active and
 * in the key's scope. Anyone else gets the same 404 as for an unknown id, so ids reveal nothing.
 */
@Injectable()
export class StoredResponseProxy {
  constructor(
    private readonly stored: StoredResponses,
    private readonly catalog: RouteCatalog,
    private readonly upstream: UpstreamClient,
  ) {}

  async relay(key: ResolvedKey, id: string, action: StoredResponseAction, req: Request, res: Response): Promise<void> {
    const row = await this.stored.find(id);
    const allocation = row && key.scope.find((a) => a.allocationId === row.allocationId && a.status === 'active');
    if (!row || row.memberId !== key.memberId || !allocation) throw GatewayErrors.responseNotFound(id);
    const route = await this.catalog.route(row.modelId);
    const credential = route?.credentials.find((c) => c.id === row.credentialId);
    if (!route || !credential) throw GatewayErrors.providerUnavailable(allocation.modelSlug);

    const base = upstreamTarget(route, credential, 'responses');
    const url = new URL(base.url);
    url.pathname += `/${encodeURIComponent(id)}${action === 'input_items' ? '/input_items' : ''}`;
    const query = new URL(req.originalUrl, 'http://client').searchParams;
    for (const name of PASSED_QUERY) for (const value of query.getAll(name)) url.searchParams.append(name, value);

    const abort = new AbortController();
    res.on('close', () => abort.abort());
    let status: number;
    let text: string;
    let contentType: string;
    try {
      const answer = await this.upstream.send(credential.id, { ...base, url }, null, abort.signal, action === 'delete' ? 'DELETE' : 'GET');
      status = answer.statusCode;
      contentType = String(answer.headers['content-type'] ?? 'application/json');
      text = await answer.body.text();
    } catch (error) {
      if (error instanceof GatewayError) throw error;
      throw GatewayErrors.upstreamUnreachable();
    }
    if (action === 'delete' && status < 300) await this.stored.forget(id);
    res.status(status).setHeader('content-type', contentType);
    res.end(status >= 400 ? redactSecrets(text, [credential.apiKey]) : text);
  }
}
