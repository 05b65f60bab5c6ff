import { InitialSchema1795996800000 } from './1795996800000-initial-schema';

/** Every migration in the order it runs. Append only; a landed migration is never edited. */
export const MIGRATIONS = [InitialSchema1795996800000];
