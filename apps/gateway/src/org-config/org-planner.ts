import { createHash } from 'node:crypto';
import type { AllocationEntity } from '@allot/allocations';
import { validateBaseUrl, type NetworkList } from '@allot/platform';
import type { OrgConfig } from './org-config.schema';
import { allocationRef, type OrgPlan, type PlanOp } from './org-plan';
import type { OrgSnapshot } from './org-snapshot';
import { formatProblem, OrgConfigInvalid, type OrgConfigSource, type SourceProblem } from './yaml-source';

/** Identifies a secret without revealing it: 16 hex characters of its SHA-256. */
export function secretFingerprint(secret: string): string {
  return createHash('sha256').update(secret, 'utf8').digest('hex').slice(0, 16);
}

/** Keeps only the fields whose desired value differs from the current one. */
function changed<T extends object>(current: T, desired: Partial<T>): Partial<T> {
  const out: Partial<T> = {};
  for (const [field, value] of Object.entries(desired) as [keyof T, T[keyof T]][]) {
    if (!sameValue(current[field], value)) out[field] = value;
  }
  return out;
}

function sameValue(a: unknown, b: unknown): boolean {
  if (a instanceof Date || b instanceof Date) {
    return a instanceof Date && b instanceof Date && a.getTime() === b.getTime();
  }
  return JSON.stringify(normalize(a)) === JSON.stringify(normalize(b));
}

/** Object key order must not count as a change (jsonb does not keep it). */
function normalize(value: unknown): unknown {
  if (value === undefined) return null;
  if (Array.isArray(value)) return value.map(normalize);
  if (value && typeof value === 'object') {
    return Object.fromEntries(
      Object.entries(value)
        .filter(([, v]) => v !== undefined)
        .sort(([a], [b]) => a.localeCompare(b))
        .map(([k, v]) => [k, normalize(v)]),
    );
  }
  return value;
}

const nonEmpty = (values: Record<string, unknown>) => Object.keys(values).length > 0;
const orNull = <T>(value: T | undefined): T | null => (value === undefined ? null : value);

/**
 * Compares a validated file with the stored organization and returns the writes that make them equal.
 * Pure: it reads the snapshot and the environment (for API keys) and writes nothing. Every reference problem is
 * collected and reported with its line, and then nothing is applied. With `allowedNetworks` (the gateway's network
 * policy), base URLs whose address the gateway would refuse to connect to are noted, not refused: the gateway that
 * serves them may run with another policy, and it checks every connection anyway.
 */
export function planOrgConfig(
  source: OrgConfigSource,
  snapshot: OrgSnapshot,
  env: Record<string, string | undefined>,
  options: { allowedNetworks?: NetworkList } = {},
): OrgPlan {
  const config: OrgConfig = source.config;
  const problems: SourceProblem[] = [];
  const ops: PlanOp[] = [];
  const notes: string[] = [];
  const problem = (path: (string | number)[], message: string) => problems.push(source.problemAt(path, message));
  const noteAddress = (path: (string | number)[], url: string | undefined) => {
    const refused = url && options.allowedNetworks ? validateBaseUrl(url, options.allowedNetworks) : undefined;
    if (refused) {
      const where = formatProblem(source.file, source.problemAt(path, refused));
      notes.push(`${where}; calls will fail with upstream_address_blocked unless ALLOT_UPSTREAM_ALLOWED_NETWORKS allows it`);
    }
  };

  const unique = <T>(list: T[], keyOf: (item: T) => string, section: string, what: string) => {
    const seen = new Set<string>();
    list.forEach((item, i) => {
      const key = keyOf(item);
      if (seen.has(key)) problem([section, i], `${what} "${key}" is listed twice`);
      seen.add(key);
    });
  };
  unique(config.tags, (t) => t.name, 'tags', 'tag');
  unique(config.providers, (p) => p.name, 'providers', 'provider');
  unique(config.models, (m) => m.slug, 'models', 'model');
  unique(config.members, (m) => m.identifier.toLowerCase(), 'members', 'member');
  unique(config.allocations, (a) => allocationRef(a.member.toLowerCase(), a.model, a.name), 'allocations', 'allocation');
  unique(config.keys, (k) => `${k.member.toLowerCase()}/${k.name}`, 'keys', 'key');

  // Tags: the file's tags plus every tag named on a member or in an access policy must exist.
  const tagsByName = new Map(snapshot.tags.map((t) => [t.name, t]));
  const knownTags = new Set([...tagsByName.keys(), ...config.tags.map((t) => t.name)]);
  for (const tag of config.tags) {
    const current = tagsByName.get(tag.name);
    const values = { description: orNull(tag.description) };
    if (!current) ops.push({ op: 'tag.create', name: tag.name, values });
    else if (nonEmpty(changed(current, values)))
      ops.push({ op: 'tag.update', id: current.id, name: tag.name, values: changed(current, values) });
  }

  // Providers and their credentials.
  const providersByName = new Map(snapshot.providers.map((p) => [p.name, p]));
  const knownProviders = new Set([...providersByName.keys(), ...config.providers.map((p) => p.name)]);
  config.providers.forEach((provider, pi) => {
    const current = providersByName.get(provider.name);
    noteAddress(['providers', pi, 'baseUrl'], provider.baseUrl);
    const values = {
      type: provider.type,
      displayName: orNull(provider.displayName),
      baseUrl: orNull(provider.baseUrl),
      settings: {
        ...(provider.apiVersion ? { apiVersion: provider.apiVersion } : {}),
        ...(provider.responsesApiVersion ? { responsesApiVersion: provider.responsesApiVersion } : {}),
      },
      status: provider.status,
    };
    if (!current) ops.push({ op: 'provider.create', name: provider.name, values });
    else {
      if (current.type !== provider.type) {
        problem(['providers', pi, 'type'], `provider "${provider.name}" is of type ${current.type}; the type of a provider cannot change`);
      }
      const diff = changed(current, values);
      if (nonEmpty(diff)) ops.push({ op: 'provider.update', id: current.id, name: provider.name, values: diff });
    }
    const seenLabels = new Set<string>();
    provider.credentials.forEach((credential, ci) => {
      const path = ['providers', pi, 'credentials', ci];
      noteAddress([...path, 'baseUrl'], credential.baseUrl);
      if (seenLabels.has(credential.label)) problem([...path, 'label'], `credential "${credential.label}" is listed twice`);
      seenLabels.add(credential.label);
      const secret = env[credential.apiKey.env];
      if (!secret) {
        problem([...path, 'apiKey', 'env'], `environment variable ${credential.apiKey.env} is not set (it must hold the API key)`);
        return;
      }
      const existing = current && snapshot.credentials.find((c) => c.providerId === current.id && c.label === credential.label);
      const settings = {
        ...(credential.apiVersion ? { apiVersion: credential.apiVersion } : {}),
        ...(credential.deployments ? { deployments: credential.deployments } : {}),
      };
      const credentialValues = {
        status: credential.status,
        baseUrl: orNull(credential.baseUrl),
        settings,
        secretEnv: credential.apiKey.env,
      };
      if (!existing) {
        ops.push({ op: 'credential.create', provider: provider.name, label: credential.label, values: credentialValues, secret });
        return;
      }
      const diff = changed(existing, credentialValues);
      const secretChanged = existing.secretFingerprint !== secretFingerprint(secret);
      if (nonEmpty(diff) || secretChanged) {
        ops.push({
          op: 'credential.update',
          id: existing.id,
          provider: provider.name,
          label: credential.label,
          values: diff,
          ...(secretChanged ? { secret } : {}),
        });
      }
    });
  });

  // Models and their prices.
  const modelsBySlug = new Map(snapshot.models.map((m) => [m.slug, m]));
  const knownModels = new Set([...modelsBySlug.keys(), ...config.models.map((m) => m.slug)]);
  config.models.forEach((model, mi) => {
    const providerName = model.slug.slice(0, model.slug.indexOf('/'));
    if (!knownProviders.has(providerName)) {
      problem(['models', mi, 'slug'], `provider "${providerName}" does not exist; add it under providers`);
    }
    for (const [field, tags] of [
      ['allowTags', model.access.allowTags],
      ['denyTags', model.access.denyTags],
    ] as const) {
      tags.forEach((tag, ti) => {
        if (!knownTags.has(tag)) problem(['models', mi, 'access', field, ti], `tag "${tag}" does not exist; add it under tags`);
      });
    }
    const current = modelsBySlug.get(model.slug);
    const values = {
      upstreamName: model.upstreamName ?? model.slug.slice(providerName.length + 1),
      kind: model.kind,
      displayName: orNull(model.displayName),
      description: orNull(model.description),
      family: orNull(model.family),
      capabilities: model.capabilities,
      inputModalities: model.modalities.input,
      outputModalities: model.modalities.output,
      contextWindow: orNull(model.contextWindow),
      maxOutputTokens: orNull(model.maxOutputTokens),
      status: model.status,
      responsesSupport: model.responses,
      responsesSupportSource: model.responses === 'unknown' ? null : ('manual' as const),
      defaultAccess: model.access.default,
      allowedTags: model.access.allowTags,
      deniedTags: model.access.denyTags,
      selfServiceEnabled: model.selfService.enabled,
      selfServiceTokenQuota: orNull(model.selfService.tokensPerMonth),
      selfServiceCostQuotaMicros: orNull(model.selfService.costPerMonth),
    };
    if (!current) ops.push({ op: 'model.create', slug: model.slug, provider: providerName, values });
    else {
      // A responses state found by a real test is kept unless the file says something else than "unknown".
      if (model.responses === 'unknown' && current.responsesSupportSource === 'tested') {
        values.responsesSupport = current.responsesSupport;
        values.responsesSupportSource = 'tested' as never;
      }
      const diff = changed(current, values);
      if (nonEmpty(diff)) ops.push({ op: 'model.update', id: current.id, slug: model.slug, values: diff });
    }
    const stored = current ? snapshot.prices.filter((p) => p.modelId === current.id) : [];
    const seenInstants = new Set<number>();
    model.prices.forEach((price, pi) => {
      const path = ['models', mi, 'prices', pi];
      const effectiveFrom = new Date(price.effectiveFrom);
      if (seenInstants.has(effectiveFrom.getTime())) problem([...path, 'effectiveFrom'], 'two prices take effect at the same instant');
      seenInstants.add(effectiveFrom.getTime());
      const isToken = price.unit === 'token';
      if (isToken && (price.inputPer1M === undefined || price.outputPer1M === undefined)) {
        problem(path, 'a token price needs inputPer1M and outputPer1M');
      }
      if (isToken && price.perUnit !== undefined) problem([...path, 'perUnit'], 'perUnit is for non-token units');
      if (!isToken && price.perUnit === undefined) problem(path, `a price per ${price.unit} needs perUnit`);
      const values = {
        effectiveFrom,
        unit: price.unit,
        inputPerMillionMicros: orNull(price.inputPer1M),
        cachedInputPerMillionMicros: orNull(price.cachedInputPer1M),
        cacheWritePerMillionMicros: orNull(price.cacheWritePer1M),
        cacheWrite1hPerMillionMicros: orNull(price.cacheWrite1hPer1M),
        outputPerMillionMicros: orNull(price.outputPer1M),
        // Stored per million units like token prices, so one formula prices every unit exactly.
        unitPerMillionMicros: price.perUnit === undefined ? null : price.perUnit * 1_000_000,
        sourceNote: orNull(price.note),
      };
      if (values.unitPerMillionMicros !== null && !Number.isSafeInteger(values.unitPerMillionMicros)) {
        problem([...path, 'perUnit'], 'the unit price is too large');
      }
      const existing = stored.find((p) => p.effectiveFrom.getTime() === effectiveFrom.getTime());
      if (!existing) ops.push({ op: 'price.create', model: model.slug, values });
      else if (nonEmpty(changed(existing, values))) {
        problem(
          path,
          `the price of ${model.slug} from ${price.effectiveFrom} already exists with other values; prices are append-only, add a new version with a later effectiveFrom`,
        );
      }
    });
  });

  // Members and their tags.
  const membersByIdentifier = new Map(snapshot.members.map((m) => [m.identifier, m]));
  const knownMembers = new Set([...membersByIdentifier.keys(), ...config.members.map((m) => m.identifier.toLowerCase())]);
  config.members.forEach((member, mi) => {
    const identifier = member.identifier.toLowerCase();
    member.tags.forEach((tag, ti) => {
      if (!knownTags.has(tag)) problem(['members', mi, 'tags', ti], `tag "${tag}" does not exist; add it under tags`);
    });
    const current = membersByIdentifier.get(identifier);
    const values = {
      displayName: orNull(member.displayName),
      email: orNull(member.email?.toLowerCase() ?? (identifier.includes('@') ? identifier : undefined)),
      role: member.role,
      status: member.status,
      authProvider: member.authProvider,
    };
    if (!current) ops.push({ op: 'member.create', identifier, values });
    else {
      const diff = changed(current, values);
      if (nonEmpty(diff)) ops.push({ op: 'member.update', id: current.id, identifier, values: diff });
    }
    const currentTags = current ? (snapshot.memberTags.get(current.id) ?? []) : [];
    const desired = [...new Set(member.tags)];
    const add = desired.filter((t) => !currentTags.includes(t));
    const remove = currentTags.filter((t) => !desired.includes(t));
    if (add.length || remove.length) ops.push({ op: 'member.tags', identifier, add, remove });
  });

  // Allocations: (member, model, name) names one allocation that is not revoked.
  const memberIdOf = (identifier: string) => membersByIdentifier.get(identifier)?.id;
  const modelIdOf = (slug: string) => modelsBySlug.get(slug)?.id;
  const liveAllocation = (member: string, model: string, name: string): AllocationEntity | undefined => {
    const memberId = memberIdOf(member);
    const modelId = modelIdOf(model);
    return snapshot.allocations.find((a) => a.memberId === memberId && a.modelId === modelId && a.name === name && a.status !== 'revoked');
  };
  const plannedAllocations = new Set<string>();
  config.allocations.forEach((allocation, ai) => {
    const member = allocation.member.toLowerCase();
    const ref = allocationRef(member, allocation.model, allocation.name);
    if (!knownMembers.has(member))
      problem(['allocations', ai, 'member'], `member "${allocation.member}" does not exist; add it under members`);
    if (!knownModels.has(allocation.model))
      problem(['allocations', ai, 'model'], `model "${allocation.model}" does not exist; add it under models`);
    const current = liveAllocation(member, allocation.model, allocation.name);
    const values = {
      quotaTokensMonthly: orNull(allocation.quota.tokensPerMonth),
      quotaCostMicrosMonthly: orNull(allocation.quota.costPerMonth),
      rpmLimit: orNull(allocation.limits.rpm),
      tpmLimit: orNull(allocation.limits.tpm),
      maxConcurrency: orNull(allocation.limits.concurrency),
      isService: allocation.service,
      quotaLocked: allocation.quotaLocked,
      note: orNull(allocation.note),
    };
    if (allocation.status !== 'revoked') plannedAllocations.add(ref);
    if (!current) {
      if (allocation.status === 'revoked') return; // nothing live to revoke: already as the file says
      ops.push({
        op: 'allocation.create',
        ref,
        member,
        model: allocation.model,
        values: { ...values, status: allocation.status, origin: 'config', name: allocation.name },
      });
      return;
    }
    const diff: Partial<AllocationEntity> = changed(current, values);
    if (current.status === 'quarantined' && allocation.status !== 'revoked') {
      notes.push(`allocation ${ref} is quarantined; apply does not lift a quarantine (an admin unquarantines it)`);
    } else if (current.status !== allocation.status) {
      diff.status = allocation.status;
      if (allocation.status === 'paused') diff.pausedAt = new Date();
      if (allocation.status === 'active') diff.pausedAt = null;
      if (allocation.status === 'revoked') diff.revokedAt = new Date();
    }
    if (nonEmpty(diff)) ops.push({ op: 'allocation.update', id: current.id, ref, values: diff });
  });

  // Keys: (member, name) names one key; its scope is a set of allocations of that member, one per model.
  config.keys.forEach((key, ki) => {
    const member = key.member.toLowerCase();
    if (!knownMembers.has(member)) problem(['keys', ki, 'member'], `member "${key.member}" does not exist; add it under members`);
    const scope: string[] = [];
    const models = new Set<string>();
    key.allocations.forEach((entry, si) => {
      const [model, name = 'default'] = entry.split('#') as [string, string?];
      const ref = allocationRef(member, model, name);
      if (models.has(model))
        problem(['keys', ki, 'allocations', si], `the key already has an allocation of ${model}; a key holds one allocation per model`);
      models.add(model);
      if (!plannedAllocations.has(ref) && !liveAllocation(member, model, name)) {
        problem(['keys', ki, 'allocations', si], `${key.member} has no active allocation "${name}" of ${model}; add it under allocations`);
      }
      scope.push(ref);
    });
    const memberId = memberIdOf(member);
    const current = snapshot.keys.find((k) => k.memberId === memberId && k.name === key.name && (k.revokedAt === null || key.revoked));
    const expiresAt = key.expiresAt ? new Date(key.expiresAt) : null;
    if (!current) {
      if (key.revoked) return;
      ops.push({ op: 'key.create', member, name: key.name, values: { expiresAt, origin: 'config' }, scope });
      return;
    }
    const diff: Partial<typeof current> = changed(current, { expiresAt });
    if (key.revoked && current.revokedAt === null) Object.assign(diff, { revokedAt: new Date(), revokedReason: 'revoked by config file' });
    if (nonEmpty(diff)) ops.push({ op: 'key.update', id: current.id, member, name: key.name, values: diff });
    const currentScope = (snapshot.keyScopes.get(current.id) ?? [])
      .map((id) => snapshot.allocations.find((a) => a.id === id))
      .filter((a): a is AllocationEntity => a !== undefined)
      .map((a) => allocationRef(member, snapshot.models.find((m) => m.id === a.modelId)?.slug ?? '?', a.name));
    if (!key.revoked && !sameValue([...currentScope].sort(), [...scope].sort())) {
      ops.push({ op: 'key.scope', id: current.id, member, name: key.name, scope });
    }
  });

  if (problems.length > 0) throw new OrgConfigInvalid(source.file, problems);
  return { ops, notes };
}
