import { Document } from 'yaml';
import { microsToUsd } from '@allot/contracts';
import type { OrgSnapshot } from './org-snapshot';

/** A suggested variable name for a credential whose key did not come from a config file. */
export const suggestedSecretEnv = (provider: string, label: string) =>
  `ALLOT_${provider}_${label}_API_KEY`.toUpperCase().replace(/[^A-Z0-9_]/g, '_');

/** Drops undefined and null fields so exports stay short and apply's defaults fill them back in. */
function compact<T extends Record<string, unknown>>(value: T): Partial<T> {
  return Object.fromEntries(Object.entries(value).filter(([, v]) => v !== undefined && v !== null)) as Partial<T>;
}

const usd = (micros: number | null) => (micros === null ? undefined : microsToUsd(micros));

/**
 * The stored organization in the apply format. Secrets are never written: each credential names the environment
 * variable its key came from (or a suggested one, with a comment saying so). Applying an export changes nothing.
 */
export function exportOrgConfig(s: OrgSnapshot): string {
  const modelSlug = new Map(s.models.map((m) => [m.id, m.slug]));
  const memberIdentifier = new Map(s.members.map((m) => [m.id, m.identifier]));
  const suggested: string[] = [];

  const body = {
    version: 1,
    providers: s.providers.map((p) =>
      compact({
        name: p.name,
        type: p.type,
        displayName: p.displayName,
        baseUrl: p.baseUrl,
        apiVersion: p.settings.apiVersion,
        responsesApiVersion: p.settings.responsesApiVersion,
        status: p.status,
        credentials: s.credentials
          .filter((c) => c.providerId === p.id)
          .map((c) => {
            const env = c.secretEnv ?? suggestedSecretEnv(p.name, c.label);
            if (!c.secretEnv) suggested.push(env);
            return compact({
              label: c.label,
              apiKey: { env },
              status: c.status,
              baseUrl: c.baseUrl,
              apiVersion: c.settings.apiVersion,
              deployments: c.settings.deployments,
            });
          }),
      }),
    ),
    models: s.models.map((m) =>
      compact({
        slug: m.slug,
        upstreamName: m.upstreamName === m.slug.slice(m.slug.indexOf('/') + 1) ? undefined : m.upstreamName,
        kind: m.kind,
        displayName: m.displayName,
        description: m.description,
        family: m.family,
        capabilities: m.capabilities,
        modalities: { input: m.inputModalities, output: m.outputModalities },
        contextWindow: m.contextWindow,
        maxOutputTokens: m.maxOutputTokens,
        status: m.status,
        responses: m.responsesSupport,
        access: { default: m.defaultAccess, allowTags: m.allowedTags, denyTags: m.deniedTags },
        selfService: compact({
          enabled: m.selfServiceEnabled,
          tokensPerMonth: m.selfServiceTokenQuota,
          costPerMonth: usd(m.selfServiceCostQuotaMicros),
        }),
        prices: s.prices
          .filter((p) => p.modelId === m.id)
          .map((p) =>
            compact({
              effectiveFrom: p.effectiveFrom.toISOString(),
              unit: p.unit,
              inputPer1M: usd(p.inputPerMillionMicros),
              cachedInputPer1M: usd(p.cachedInputPerMillionMicros),
              cacheWritePer1M: usd(p.cacheWritePerMillionMicros),
              cacheWrite1hPer1M: usd(p.cacheWrite1hPerMillionMicros),
              outputPer1M: usd(p.outputPerMillionMicros),
              perUnit: p.unitPerMillionMicros === null ? undefined : microsToUsd(p.unitPerMillionMicros / 1_000_000),
              note: p.sourceNote,
            }),
          ),
      }),
    ),
    tags: s.tags.map((t) => compact({ name: t.name, description: t.description })),
    members: s.members.map((m) =>
      compact({
        identifier: m.identifier,
        displayName: m.displayName,
        email: m.email === m.identifier ? undefined : m.email,
        role: m.role,
        status: m.status,
        authProvider: m.authProvider,
        tags: [...(s.memberTags.get(m.id) ?? [])].sort(),
      }),
    ),
    allocations: s.allocations
      .filter((a) => a.status !== 'revoked')
      .map((a) =>
        compact({
          member: memberIdentifier.get(a.memberId),
          model: modelSlug.get(a.modelId),
          name: a.name,
          // A quarantine is the anomaly detector's state, not configuration: export it as the state it lifts to.
          status: a.status === 'quarantined' ? 'active' : a.status,
          quota: compact({ tokensPerMonth: a.quotaTokensMonthly, costPerMonth: usd(a.quotaCostMicrosMonthly) }),
          limits: compact({ rpm: a.rpmLimit, tpm: a.tpmLimit, concurrency: a.maxConcurrency }),
          service: a.isService,
          quotaLocked: a.quotaLocked,
          note: a.note,
        }),
      ),
    keys: s.keys
      .filter((k) => k.revokedAt === null)
      .map((k) =>
        compact({
          member: memberIdentifier.get(k.memberId),
          name: k.name,
          allocations: (s.keyScopes.get(k.id) ?? []).map((allocationId) => {
            const allocation = s.allocations.find((a) => a.id === allocationId)!;
            const slug = modelSlug.get(allocation.modelId)!;
            return allocation.name === 'default' ? slug : `${slug}#${allocation.name}`;
          }),
          expiresAt: k.expiresAt?.toISOString(),
        }),
      ),
  };
  const doc = new Document(body);
  doc.commentBefore =
    ' Allot organization — exported without secrets. Apply with: npm run cli -- apply -f <file>\n' +
    (suggested.length > 0 ? ` Set these variables to the providers' API keys before applying: ${suggested.join(', ')}\n` : '') +
    ' Keys are listed without their secret; applying never re-issues an existing key.';
  return doc.toString({ lineWidth: 0 });
}
