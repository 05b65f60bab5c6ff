/** A 429's wait: the provider's Retry-After as sent, else the "try again in 2.5s" of its message, else 1 second. */
export function retryAfterSeconds(header: string | string[] | undefined, message: string): string {
  if (typeof header === 'string' && header.trim()) return header.trim();
  const hint = /try again in (\d+(?:\.\d+)?)\s*(ms|s\b|sec|seconds?)/i.exec(message);
  if (!hint) return '1';
  const seconds = Number(hint[1]) / (hint[2]!.toLowerCase() === 'ms' ? 1000 : 1);
  return String(Math.max(1, Math.ceil(seconds)));
}

/** A Retry-After value (delay seconds or an HTTP date) as whole seconds from now, at least 1. */
export function retryAfterAsSeconds(value: string): number {
  const seconds = /^\d+(\.\d+)?$/.test(value.trim()) ? Number(value) : (Date.parse(value) - Date.now()) / 1000;
  return Number.isFinite(seconds) ? Math.max(1, Math.ceil(seconds)) : 1;
}
