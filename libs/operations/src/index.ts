import { AuditEventEntity } from './audit/entities/audit-event.entity';

export { AuditEventEntity };
export type { AuditActorType } from './audit/entities/audit-event.entity';
export const OPERATIONS_ENTITIES = [AuditEventEntity];
