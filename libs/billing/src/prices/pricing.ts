import type { NormalizedUsage } from '../ledger/usage';

/** The price fields a calculation needs: micro-dollars per million units. */
export interface TokenPrice {
  inputPerMillionMicros: number | null;
  cachedInputPerMillionMicros: number | null;
  cacheWritePerMillionMicros: number | null;
  /** 1-hour cache writes (Anthropic: 2× input, where 5-minute writes are 1.25×). */
  cacheWrite1hPerMillionMicros: number | null;
  outputPerMillionMicros: number | null;
}

/**
 * B3: `(input − cached) × p_in + cached × p_cached + (cache_write − cache_write_1h) × p_write + cache_write_1h ×
 * p_write_1h + output × p_out`, computed exactly in BigInt as micro-dollars × 10⁻⁶ and returned as a decimal string
 * with six decimals (the ledger's NUMERIC(24,6)). Missing cached / cache-write prices fall back to the input price; a
 * missing 1-hour cache-write price falls back to the cache-write price (then the input price). Undefined when the
 * input or output price is missing: an unpriced call has unknown cost, never zero.
 */
export function priceTokens(usage: NormalizedUsage, price: TokenPrice): string | undefined {
  if (price.inputPerMillionMicros === null || price.outputPerMillionMicros === null) return undefined;
  const pIn = BigInt(price.inputPerMillionMicros);
  const pCached = BigInt(price.cachedInputPerMillionMicros ?? price.inputPerMillionMicros);
  const pWrite = BigInt(price.cacheWritePerMillionMicros ?? price.inputPerMillionMicros);
  const pWrite1h = BigInt(price.cacheWrite1hPerMillionMicros ?? price.cacheWritePerMillionMicros ?? price.inputPerMillionMicros);
  const pOut = BigInt(price.outputPerMillionMicros);
  const cached = BigInt(Math.min(usage.cachedInputTokens, usage.inputTokens));
  const uncached = BigInt(usage.inputTokens) - cached;
  const writes1h = BigInt(Math.min(usage.cacheWrite1hTokens, usage.cacheWriteTokens));
  const writes5m = BigInt(usage.cacheWriteTokens) - writes1h;
  const microsTimesMillion =
    uncached * pIn + cached * pCached + writes5m * pWrite + writes1h * pWrite1h + BigInt(usage.outputTokens) * pOut;
  return formatMillionths(microsTimesMillion);
}

/**
 * The most a call with this prompt and output cap can cost, for quota reservations (B4): every prompt token at the
 * dearest price a prompt token can have — input, or a cache write (a 1-hour write costs 2× input at Anthropic) —
 * and the whole cap as output. Undefined when unpriced, as with {@link priceTokens}.
 */
export function priceWorstCase(inputTokens: number, maxOutputTokens: number, price: TokenPrice): string | undefined {
  if (price.inputPerMillionMicros === null || price.outputPerMillionMicros === null) return undefined;
  const perInput = [price.inputPerMillionMicros, price.cacheWritePerMillionMicros, price.cacheWrite1hPerMillionMicros].reduce<bigint>(
    (max, p) => (p !== null && BigInt(p) > max ? BigInt(p) : max),
    0n,
  );
  return formatMillionths(BigInt(inputTokens) * perInput + BigInt(maxOutputTokens) * BigInt(price.outputPerMillionMicros));
}

/** 1_850_000_000_000n (µ$ × 10⁶) → "1850000.000000" µ$. */
export function formatMillionths(value: bigint): string {
  const whole = value / 1_000_000n;
  const fraction = (value % 1_000_000n).toString().padStart(6, '0');
  return `${whole}.${fraction}`;
}
