import { priceTokens } from './pricing';
import { normalizeOpenAiUsage } from '../ledger/usage';

const price = (input: number | null, cached: number | null, output: number | null, write: number | null = null) => ({
  inputPerMillionMicros: input,
  cachedInputPerMillionMicros: cached,
  cacheWritePerMillionMicros: write,
  outputPerMillionMicros: output,
});

describe('priceTokens', () => {
  it('should price the reference worked example exactly ($1.85)', () => {
    // $1.00 / $2.00 / $0.25 per 1K tokens = 1e9 / 2e9 / 2.5e8 µ$ per 1M; 1000 in (200 cached), 500 out (300 reasoning).
    const usage = { inputTokens: 1000, cachedInputTokens: 200, cacheWriteTokens: 0, outputTokens: 500, reasoningTokens: 300 };
    expect(priceTokens(usage, price(1_000_000_000, 250_000_000, 2_000_000_000))).toBe('1850000.000000');
  });

  it('should keep sub-micro-dollar precision for single tokens', () => {
    const usage = { inputTokens: 1, cachedInputTokens: 0, cacheWriteTokens: 0, outputTokens: 1, reasoningTokens: 0 };
    // $0.10 and $0.40 per 1M → 0.1 µ$ + 0.4 µ$
    expect(priceTokens(usage, price(100_000, null, 400_000))).toBe('0.500000');
  });

  it('should bill cached input and cache writes at the input price when they have none', () => {
    const usage = { inputTokens: 1000, cachedInputTokens: 400, cacheWriteTokens: 100, outputTokens: 0, reasoningTokens: 0 };
    expect(priceTokens(usage, price(2_000_000, null, 8_000_000))).toBe('2200.000000');
    expect(priceTokens(usage, price(2_000_000, 500_000, 8_000_000, 2_500_000))).toBe('1650.000000');
  });

  it('should never count reasoning tokens twice and clamp cached to input', () => {
    const usage = { inputTokens: 10, cachedInputTokens: 50, cacheWriteTokens: 0, outputTokens: 100, reasoningTokens: 90 };
    expect(priceTokens(usage, price(1_000_000, 0, 1_000_000))).toBe('100.000000');
  });

  it('should leave an unpriced call without a cost', () => {
    const usage = { inputTokens: 1, cachedInputTokens: 0, cacheWriteTokens: 0, outputTokens: 1, reasoningTokens: 0 };
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
    ).toEqual({ inputTokens: 120, cachedInputTokens: 64, cacheWriteTokens: 0, outputTokens: 80, reasoningTokens: 32 });
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
