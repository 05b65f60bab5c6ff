import type { IncomingHttpHeaders } from 'node:http';
import type { Dispatcher } from 'undici';

/**
 * Client headers worth passing to the provider: Codex's session and turn headers (sticky routing, prompt-cache
 * affinity, turn state) and Anthropic's version and beta headers. Nothing else crosses: not the member's key, not
 * cookies, not hop-by-hop headers; none of these can replace the provider's auth header.
 */
const UPSTREAM_BOUND = [
  'x-codex-turn-state',
  'x-codex-turn-metadata',
  'x-codex-window-id',
  'x-codex-beta-features',
  'session-id',
  'session_id',
  'thread-id',
  'x-client-request-id',
  'originator',
  // Anthropic clients choose the API version and opt into betas (Claude Code relies on several).
  'anthropic-version',
  'anthropic-beta',
];

/** Provider response headers the client needs back: Codex echoes `x-codex-turn-state` within a turn. */
const CLIENT_BOUND = ['x-codex-turn-state'];

/** The client headers to pass on, or undefined when there are none (the common case allocates nothing). */
export function upstreamBoundHeaders(headers: IncomingHttpHeaders): Record<string, string> | undefined {
  let out: Record<string, string> | undefined;
  for (const name of UPSTREAM_BOUND) {
    const value = headers[name];
    if (typeof value === 'string' && value.length <= 8192) (out ??= {})[name] = value;
  }
  return out;
}

export function clientBoundHeaders(headers: Dispatcher.ResponseData['headers']): [string, string][] {
  const out: [string, string][] = [];
  for (const name of CLIENT_BOUND) {
    const value = headers[name];
    if (typeof value === 'string') out.push([name, value]);
  }
  return out;
}
