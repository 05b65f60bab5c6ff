import { normalizeAnthropicUsage, normalizeOpenAiUsage, totalTokens } from './usage';

describe('usage normalization (B2)', () => {
  it('reads chat completions usage: cached inside input, reasoning inside output', () => {
    const u = normalizeOpenAiUsage({
      prompt_tokens: 1000,
      completion_tokens: 200,
      prompt_tokens_details: { cached_tokens: 600 },
      completion_tokens_details: { reasoning_tokens: 150 },
    });
    expect(u).toEqual({ inputTokens: 1000, cachedInputTokens: 600, cacheWriteTokens: 0, outputTokens: 200, reasoningTokens: 150 });
    expect(totalTokens(u!)).toBe(1200);
  });

  it('reads Responses usage the same way', () => {
    expect(
      normalizeOpenAiUsage({
        input_tokens: 1400,
        input_tokens_details: { cached_tokens: 1024 },
        output_tokens: 40,
        output_tokens_details: { reasoning_tokens: 16 },
      }),
    ).toEqual({ inputTokens: 1400, cachedInputTokens: 1024, cacheWriteTokens: 0, outputTokens: 40, reasoningTokens: 16 });
  });

  it('reads Anthropic usage: cache reads join input, cache writes stay apart', () => {
    const u = normalizeAnthropicUsage({
      input_tokens: 50,
      cache_read_input_tokens: 2000,
      cache_creation_input_tokens: 300,
      cache_creation: { ephemeral_5m_input_tokens: 200, ephemeral_1h_input_tokens: 100 },
      output_tokens: 120,
    });
    expect(u).toEqual({ inputTokens: 2050, cachedInputTokens: 2000, cacheWriteTokens: 300, outputTokens: 120, reasoningTokens: 0 });
    expect(totalTokens(u!)).toBe(2470);
  });

  it('treats missing, negative or non-numeric counts as zero and keeps the invariants', () => {
    expect(normalizeOpenAiUsage({ prompt_tokens: 5, prompt_tokens_details: { cached_tokens: 9 }, completion_tokens: -3 })).toEqual({
      inputTokens: 5,
      cachedInputTokens: 5,
      cacheWriteTokens: 0,
      outputTokens: 0,
      reasoningTokens: 0,
    });
    expect(normalizeAnthropicUsage({ input_tokens: '7', output_tokens: 2 })).toEqual({
      inputTokens: 0,
      cachedInputTokens: 0,
      cacheWriteTokens: 0,
      outputTokens: 2,
      reasoningTokens: 0,
    });
    expect(normalizeOpenAiUsage(null)).toBeUndefined();
    expect(normalizeAnthropicUsage(undefined)).toBeUndefined();
  });
});
