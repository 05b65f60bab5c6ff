import { InitialSchema1795996800000 } from './1795996800000-initial-schema';
import { StoredResponses1796083200000 } from './1796083200000-stored-responses';
import { CacheWrite1h1796169600000 } from './1796169600000-cache-write-1h';

/** Every migration in the order it runs. Append only; a landed migration is never edited. */
export const MIGRATIONS = [InitialSchema1795996800000, StoredResponses1796083200000, CacheWrite1h1796169600000];
