import { normalizeAnthropicUsage, normalizeGeminiUsage, normalizeOpenAiUsage, totalTokens } from './usage';

describe('usage normalization (B2)', () => {
  it('reads chat completions usage: cached inside input, reasoning inside output', () => {
    const u = normalizeOpenAiUsage({
      prompt_tokens: 1000,
      completion_tokens: 200,
      prompt_tokens_details: { cached_tokens: 600 },
      completion_tokens_details: { reasoning_tokens: 150 },
    });
    expect(u).toEqual({
      inputTokens: 1000,
      cachedInputTokens: 600,
      cacheWriteTokens: 0,
      cacheWrite1hTokens: 0,
      outputTokens: 200,
      reasoningTokens: 150,
    });
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
    ).toEqual({
      inputTokens: 1400,
      cachedInputTokens: 1024,
      cacheWriteTokens: 0,
      cacheWrite1hTokens: 0,
      outputTokens: 40,
      reasoningTokens: 16,
    });
  });

  it('reads Anthropic usage: cache reads join input, cache writes stay apart', () => {
    const u = normalizeAnthropicUsage({
      input_tokens: 50,
      cache_read_input_tokens: 2000,
      cache_creation_input_tokens: 300,
      cache_creation: { ephemeral_5m_input_tokens: 200, ephemeral_1h_input_tokens: 100 },
      output_tokens: 120,
    });
    expect(u).toEqual({
      inputTokens: 2050,
      cachedInputTokens: 2000,
      cacheWriteTokens: 300,
      cacheWrite1hTokens: 100,
      outputTokens: 120,
      reasoningTokens: 0,
    });
    expect(totalTokens(u!)).toBe(2470);
  });

  it.each<[string, Record<string, unknown>, [writes: number, writes1h: number]]>([
    [
      'only 5-minute writes',
      { cache_creation_input_tokens: 40, cache_creation: { ephemeral_5m_input_tokens: 40, ephemeral_1h_input_tokens: 0 } },
      [40, 0],
    ],
    [
      'only 1-hour writes',
      { cache_creation_input_tokens: 64, cache_creation: { ephemeral_5m_input_tokens: 0, ephemeral_1h_input_tokens: 64 } },
      [64, 64],
    ],
    ['the total without the split (older API versions): all priced as 5-minute writes', { cache_creation_input_tokens: 25 }, [25, 0]],
    ['the split without the total', { cache_creation: { ephemeral_5m_input_tokens: 3, ephemeral_1h_input_tokens: 7 } }, [10, 7]],
    ['a split larger than the total wins', { cache_creation_input_tokens: 5, cache_creation: { ephemeral_1h_input_tokens: 9 } }, [9, 9]],
    ['a null split', { cache_creation_input_tokens: 12, cache_creation: null }, [12, 0]],
  ])('reads Anthropic cache writes by lifetime: %s', (_name, usage, [writes, writes1h]) => {
    expect(normalizeAnthropicUsage({ input_tokens: 1, output_tokens: 1, ...usage })).toMatchObject({
      cacheWriteTokens: writes,
      cacheWrite1hTokens: writes1h,
    });
  });

  it('reads Gemini usageMetadata: cached inside the prompt count, thoughts billed as output and counted as reasoning', () => {
    const u = normalizeGeminiUsage({
      promptTokenCount: 1200,
      cachedContentTokenCount: 1000,
      candidatesTokenCount: 80,
      thoughtsTokenCount: 300,
      totalTokenCount: 1580,
    });
    expect(u).toEqual({
      inputTokens: 1200,
      cachedInputTokens: 1000,
      cacheWriteTokens: 0,
      cacheWrite1hTokens: 0,
      outputTokens: 380,
      reasoningTokens: 300,
    });
    expect(totalTokens(u!)).toBe(1580);
  });

  it.each<[string, Record<string, unknown>, Record<string, number>]>([
    [
      'no cache, no thoughts (zero counters are left out)',
      { promptTokenCount: 9, candidatesTokenCount: 4 },
      { in: 9, cached: 0, out: 4, r: 0 },
    ],
    ['a blocked prompt: no candidates', { promptTokenCount: 12, totalTokenCount: 12 }, { in: 12, cached: 0, out: 0, r: 0 }],
    [
      'thoughts only (cut by MAX_TOKENS while thinking)',
      { promptTokenCount: 5, thoughtsTokenCount: 64 },
      { in: 5, cached: 0, out: 64, r: 64 },
    ],
    [
      'Google-run tool results count as input',
      { promptTokenCount: 10, toolUsePromptTokenCount: 30, candidatesTokenCount: 2 },
      { in: 40, cached: 0, out: 2, r: 0 },
    ],
    ['cached never exceeds input', { promptTokenCount: 3, cachedContentTokenCount: 8 }, { in: 3, cached: 3, out: 0, r: 0 }],
    ['non-numeric counters', { promptTokenCount: '7', candidatesTokenCount: -1 }, { in: 0, cached: 0, out: 0, r: 0 }],
  ])('Gemini usage: %s', (_name, usage, e) => {
    expect(normalizeGeminiUsage(usage)).toEqual({
      inputTokens: e.in,
      cachedInputTokens: e.cached,
      cacheWriteTokens: 0,
      cacheWrite1hTokens: 0,
      outputTokens: e.out,
      reasoningTokens: e.r,
    });
  });

  it('treats missing, negative or non-numeric counts as zero and keeps the invariants', () => {
    expect(normalizeOpenAiUsage({ prompt_tokens: 5, prompt_tokens_details: { cached_tokens: 9 }, completion_tokens: -3 })).toEqual({
      inputTokens: 5,
      cachedInputTokens: 5,
      cacheWriteTokens: 0,
      cacheWrite1hTokens: 0,
      outputTokens: 0,
      reasoningTokens: 0,
    });
    expect(normalizeAnthropicUsage({ input_tokens: '7', output_tokens: 2 })).toEqual({
      inputTokens: 0,
      cachedInputTokens: 0,
      cacheWriteTokens: 0,
      cacheWrite1hTokens: 0,
      outputTokens: 2,
      reasoningTokens: 0,
    });
    expect(normalizeOpenAiUsage(null)).toBeUndefined();
    expect(normalizeAnthropicUsage(undefined)).toBeUndefined();
    expect(normalizeGeminiUsage(undefined)).toBeUndefined();
  });
});
