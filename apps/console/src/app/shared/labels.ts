import type { MemberRole } from '@allot/contracts';
import type { GatewayStatus } from '../core/health-api';

// One label function per enum shown (U3). Records over the full union make a new enum value a compile error
// here instead of a raw value on screen; this is also the single place to hook i18n later.

const ROLE_LABELS: Record<MemberRole, string> = {
  admin: 'Administrator',
  member: 'Member',
};

export function roleLabel(role: MemberRole): string {
  return ROLE_LABELS[role] ?? role;
}

const GATEWAY_STATUS_LABELS: Record<GatewayStatus, string> = {
  checking: 'Checking gateway…',
  ready: 'Gateway ready',
  'not-ready': 'Gateway not ready',
  unreachable: 'Gateway unreachable',
};

export function gatewayStatusLabel(status: GatewayStatus): string {
  return GATEWAY_STATUS_LABELS[status];
}
