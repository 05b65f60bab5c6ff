import { ALLOCATIONS_ENTITIES } from '@allot/allocations';
import { BILLING_ENTITIES } from '@allot/billing';
import { CATALOG_ENTITIES } from '@allot/catalog';
import { IDENTITY_ENTITIES } from '@allot/identity';
import { OPERATIONS_ENTITIES } from '@allot/operations';
import { EncryptionCanaryEntity } from '@allot/platform';
import { PROXY_ENTITIES } from '@allot/proxy';

/** Every entity of every lib: the composition root is the one place that knows them all. */
export const ALL_ENTITIES = [
  EncryptionCanaryEntity,
  ...OPERATIONS_ENTITIES,
  ...IDENTITY_ENTITIES,
  ...CATALOG_ENTITIES,
  ...ALLOCATIONS_ENTITIES,
  ...BILLING_ENTITIES,
  ...PROXY_ENTITIES,
];
