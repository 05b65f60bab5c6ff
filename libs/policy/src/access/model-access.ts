import type { AccessMode } from '@allot/contracts';

/** Who may see and call a model: open to all but denied tags, or restricted to allowed tags (deny always wins). */
export interface ModelAccessPolicy {
  mode: AccessMode;
  allowTags: readonly string[];
  denyTags: readonly string[];
}

export type AccessDecision = { allowed: true; reason: string } | { allowed: false; reason: string };

/**
 * C3's tag rule as one pure function, used by the hot path, `/v1/models` and (later) the admin's "why can't
 * member X see model Y". The reason is written for an admin; the member-facing error stays generic.
 */
export function decideModelAccess(policy: ModelAccessPolicy, memberTags: readonly string[]): AccessDecision {
  const denied = memberTags.filter((tag) => policy.denyTags.includes(tag));
  if (denied.length > 0) return { allowed: false, reason: `member has denied tag${denied.length > 1 ? 's' : ''} ${denied.join(', ')}` };
  if (policy.mode === 'open') return { allowed: true, reason: 'model is open to every member without a denied tag' };
  const granted = memberTags.filter((tag) => policy.allowTags.includes(tag));
  if (granted.length > 0) return { allowed: true, reason: `member has allowed tag${granted.length > 1 ? 's' : ''} ${granted.join(', ')}` };
  return {
    allowed: false,
    reason:
      policy.allowTags.length > 0
        ? `model is restricted to members tagged ${policy.allowTags.join(', ')}`
        : 'model is restricted and allows no tag yet',
  };
}
