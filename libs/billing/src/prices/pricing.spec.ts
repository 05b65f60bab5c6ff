import { priceTokens, priceWorstCase } from './pricing';
import { normalizeAnthropicUsage, normalizeOpenAiUsage } from '../ledger/usage';

const price = (
  input: number | null,
  cached: number | null,
  output: number | null,
  write: number | null = null,
  write1h: number | null = null,
) => ({
  inputPerMillionMicros: input,
  cachedInputPerMillionMicros: cached,
  cacheWritePerMillionMicros: write,
  cacheWrite1hPerMillionMicros: write1h,
  outputPerMillionMicros: output,
});

describe('priceTokens', () => {
  it('should price the reference worked example exactly ($1.85)', () => {
    // $1.00 / $2.00 / $0.25 per 1K tokens = 1e9 / 2e9 / 2.5e8 µ$ per 1M; 1000 in (200 cached), 500 out (300 reasoning).
    const usage = {
      inputTokens: 1000,
      cachedInputTokens: 200,
      cacheWriteTokens: 0,
      cacheWrite1hTokens: 0,
      outputTokens: 500,
      reasoningTokens: 300,
    };
    expect(priceTokens(usage, price(1_000_000_000, 250_000_000, 2_000_000_000))).toBe('1850000.000000');
  });

  it('should keep sub-micro-dollar precision for single tokens', () => {
    const usage = { inputTokens: 1, cachedInputTokens: 0, cacheWriteTokens: 0, cacheWrite1hTokens: 0, outputTokens: 1, reasoningTokens: 0 };
    // $0.10 and $0.40 per 1M → 0.1 µ$ + 0.4 µ$
    expect(priceTokens(usage, price(100_000, null, 400_000))).toBe('0.500000');
  });

  it('should bill cached input and cache writes at the input price when they have none', () => {
    const usage = {
      inputTokens: 1000,
      cachedInputTokens: 400,
      cacheWriteTokens: 100,
      cacheWrite1hTokens: 0,
      outputTokens: 0,
      reasoningTokens: 0,
    };
    expect(priceTokens(usage, price(2_000_000, null, 8_000_000))).toBe('2200.000000');
    expect(priceTokens(usage, price(2_000_000, 500_000, 8_000_000, 2_500_000))).toBe('1650.000000');
  });

  it.each<[string, { w: number; w1h: number }, [write: number | null, write1h: number | null], string]>([
    // Claude Sonnet 4.5: $3 in, $0.30 cache read, $3.75 5-minute write (1.25×), $6 1-hour write (2×), $15 out per 1M.
    ['5-minute writes only', { w: 1000, w1h: 0 }, [3_750_000, 6_000_000], '3750.000000'],
    ['1-hour writes only, at their own price', { w: 1000, w1h: 1000 }, [3_750_000, 6_000_000], '6000.000000'],
    ['both lifetimes in one call', { w: 1000, w1h: 400 }, [3_750_000, 6_000_000], '4650.000000'],
    ['no 1-hour price: at the cache-write price', { w: 1000, w1h: 400 }, [3_750_000, null], '3750.000000'],
    ['no cache-write prices at all: at the input price', { w: 1000, w1h: 400 }, [null, null], '3000.000000'],
    ['a 1-hour count above all writes is clamped', { w: 10, w1h: 30 }, [3_750_000, 6_000_000], '60.000000'],
    ['a single 1-hour token keeps sub-micro-dollar precision', { w: 1, w1h: 1 }, [3_750_000, 6_000_001], '6.000001'],
  ])('should price cache writes by lifetime: %s', (_name, { w, w1h }, [write, write1h], expected) => {
    const usage = {
      inputTokens: 0,
      cachedInputTokens: 0,
      cacheWriteTokens: w,
      cacheWrite1hTokens: w1h,
      outputTokens: 0,
      reasoningTokens: 0,
    };
    expect(priceTokens(usage, price(3_000_000, 300_000, 15_000_000, write, write1h))).toBe(expected);
  });

  it('should price a whole Anthropic call with reads, both write lifetimes and output exactly', () => {
    // input_tokens 50 + cache reads 2000 (→ input 2050, cached 2000), writes 300 of which 100 for 1 h, 120 out:
    // 50 × 3 + 2000 × 0.30 + 200 × 3.75 + 100 × 6 + 120 × 15 = 150 + 600 + 750 + 600 + 1800 = 3900 µ$.
    const usage = normalizeAnthropicUsage({
      input_tokens: 50,
      cache_read_input_tokens: 2000,
      cache_creation_input_tokens: 300,
      cache_creation: { ephemeral_5m_input_tokens: 200, ephemeral_1h_input_tokens: 100 },
      output_tokens: 120,
    })!;
    expect(priceTokens(usage, price(3_000_000, 300_000, 15_000_000, 3_750_000, 6_000_000))).toBe('3900.000000');
  });

  it.each<[string, [write: number | null, write1h: number | null], string]>([
    // 1000 prompt tokens, 100 output tokens; input $3, output $15 per 1M.
    ['no cache-write prices: the prompt at the input price', [null, null], '4500.000000'],
    ['a 5-minute write price above input', [3_750_000, null], '5250.000000'],
    ['a 1-hour write price: the dearest', [3_750_000, 6_000_000], '7500.000000'],
    ['write prices below input (a discount) never lower it', [1_000_000, 2_000_000], '4500.000000'],
  ])('should reserve the worst case with %s', (_name, [write, write1h], expected) => {
    expect(priceWorstCase(1000, 100, price(3_000_000, 300_000, 15_000_000, write, write1h))).toBe(expected);
  });

  it('should leave the worst case of an unpriced model unknown', () => {
    expect(priceWorstCase(1000, 100, price(null, null, 15_000_000))).toBeUndefined();
  });

  it('should never count reasoning tokens twice and clamp cached to input', () => {
    const usage = {
      inputTokens: 10,
      cachedInputTokens: 50,
      cacheWriteTokens: 0,
      cacheWrite1hTokens: 0,
      outputTokens: 100,
      reasoningTokens: 90,
    };
    expect(priceTokens(usage, price(1_000_000, 0, 1_000_000))).toBe('100.000000');
  });

  it('should leave an unpriced call without a cost', () => {
    const usage = { inputTokens: 1, cachedInputTokens: 0, cacheWriteTokens: 0, cacheWrite1hTokens: 0, outputTokens: 1, reasoningTokens: 0 };
    expect(priceTokens(usage, price(null, null, 1))).toBeUndefined();
  });
});

describe('normalizeOpenAiUsage', () => {
  it('should read chat completion usage with details', () => {
    expect(
      normalizeOpenAiUsage({
        prompt_tokens: 120,
        completion_tokens: 80,
        total_tokens: 200,
        prompt_tokens_details: { cached_tokens: 64 },
        completion_tokens_details: { reasoning_tokens: 32 },
      }),
    ).toEqual({
      inputTokens: 120,
      cachedInputTokens: 64,
      cacheWriteTokens: 0,
      cacheWrite1hTokens: 0,
      outputTokens: 80,
      reasoningTokens: 32,
    });
  });

  it('should read responses-style usage and embeddings usage', () => {
    expect(normalizeOpenAiUsage({ input_tokens: 5, output_tokens: 7, output_tokens_details: { reasoning_tokens: 2 } })).toMatchObject({
      inputTokens: 5,
      outputTokens: 7,
      reasoningTokens: 2,
    });
    expect(normalizeOpenAiUsage({ prompt_tokens: 9, total_tokens: 9 })).toMatchObject({ inputTokens: 9, outputTokens: 0 });
    expect(normalizeOpenAiUsage(null)).toBeUndefined();
  });
});
