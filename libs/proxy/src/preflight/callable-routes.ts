import type { ResolvedKey } from '@allot/allocations';
import type { ModelRoute, RouteCatalog } from '@allot/catalog';
import { decideModelAccess } from '@allot/policy';

/**
 * The models a key can call right now: its active allocations whose provider is active with a credential and whose
 * access policy admits the key's owner (`/v1/models`, and the models `codex-config` offers).
 */
export async function callableRoutes(key: ResolvedKey, catalog: RouteCatalog): Promise<ModelRoute[]> {
  const routes: ModelRoute[] = [];
  for (const allocation of key.scope) {
    if (allocation.status !== 'active') continue;
    const route = await catalog.route(allocation.modelId);
    if (!route || !route.provider.active || route.credentials.length === 0) continue;
    if (decideModelAccess(route.access, key.memberTags).allowed) routes.push(route);
  }
  return routes;
}
