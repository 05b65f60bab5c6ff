import { InitialSchema1795996800000 } from './1795996800000-initial-schema';
import { StoredResponses1796083200000 } from './1796083200000-stored-responses';

/** Every migration in the order it runs. Append only; a landed migration is never edited. */
export const MIGRATIONS = [InitialSchema1795996800000, StoredResponses1796083200000];
