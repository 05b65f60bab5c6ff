import type { ResolvedKey, ScopedAllocation } from '@allot/allocations';
import type { Admission } from '@allot/billing';
import type { ModelRoute, RouteCredential } from '@allot/catalog';

/** What the preflight pipeline establishes about a `/v1` call; filled step by step so rejections are attributed. */
export interface PreflightContext {
  requestId: string;
  startedAt: Date;
  endpoint: string;
  requestedModel?: string;
  key?: ResolvedKey;
  allocation?: ScopedAllocation;
  route?: ModelRoute;
  /** The output cap: the client's, else the model's, else the configured default (0 for calls without output). */
  maxOutputTokens?: number;
  /** The prompt's tokens, counted on first use (quotas, tpm, billing a cut call, count_tokens) and then kept. */
  promptTokens?: () => number;
  /** The call's hold on its quotas and limits; settled with the actual usage when the call ends. */
  admission?: Admission;
  credential?: RouteCredential;
}

/** Complete after preflight passed. */
export type AdmittedCall = Required<PreflightContext>;

declare module 'express-serve-static-core' {
  interface Request {
    allot?: PreflightContext;
  }
}
