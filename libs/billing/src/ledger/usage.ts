/**
 * One usage shape for every provider and wire (B2). Invariants: cached ⊆ input, cache writes for 1 hour ⊆ cache
 * writes, reasoning ⊆ output; cache writes are counted apart from input (Anthropic reports them separately; OpenAI
 * has none).
 */
export interface NormalizedUsage {
  inputTokens: number;
  cachedInputTokens: number;
  /** Every cache write, whatever its lifetime. */
  cacheWriteTokens: number;
  /** The part of `cacheWriteTokens` written for 1 hour (Anthropic's `ttl: "1h"`), priced by its own price. */
  cacheWrite1hTokens: number;
  outputTokens: number;
  reasoningTokens: number;
}

export const ZERO_USAGE: NormalizedUsage = {
  inputTokens: 0,
  cachedInputTokens: 0,
  cacheWriteTokens: 0,
  cacheWrite1hTokens: 0,
  outputTokens: 0,
  reasoningTokens: 0,
};

const count = (value: unknown): number => (typeof value === 'number' && Number.isFinite(value) && value > 0 ? Math.floor(value) : 0);

/**
 * OpenAI / Azure / OpenAI-compatible `usage` objects, Chat Completions (`prompt_tokens`, `completion_tokens`, …)
 * and Responses/newer (`input_tokens`, `output_tokens`, …) alike. Undefined when there is no usage object.
 */
export function normalizeOpenAiUsage(usage: unknown): NormalizedUsage | undefined {
  if (!usage || typeof usage !== 'object') return undefined;
  const u = usage as Record<string, unknown>;
  const inputDetails = (u.prompt_tokens_details ?? u.input_tokens_details) as Record<string, unknown> | undefined;
  const outputDetails = (u.completion_tokens_details ?? u.output_tokens_details) as Record<string, unknown> | undefined;
  const inputTokens = count(u.prompt_tokens ?? u.input_tokens);
  const outputTokens = count(u.completion_tokens ?? u.output_tokens);
  return {
    inputTokens,
    cachedInputTokens: Math.min(count(inputDetails?.cached_tokens), inputTokens),
    cacheWriteTokens: 0,
    cacheWrite1hTokens: 0,
    outputTokens,
    reasoningTokens: Math.min(count(outputDetails?.reasoning_tokens), outputTokens),
  };
}

/**
 * Anthropic Messages `usage`: `input_tokens` excludes cache reads and cache writes, which come as
 * `cache_read_input_tokens` and `cache_creation_input_tokens`; `cache_creation` splits the writes by lifetime
 * (`ephemeral_5m_input_tokens`, `ephemeral_1h_input_tokens`), and 1-hour writes cost more. Normalized, cached reads
 * are part of input (as with OpenAI) and cache writes stay apart, with their 1-hour part. Thinking is counted inside
 * `output_tokens`; the API does not split it out.
 */
export function normalizeAnthropicUsage(usage: unknown): NormalizedUsage | undefined {
  if (!usage || typeof usage !== 'object') return undefined;
  const u = usage as Record<string, unknown>;
  const cacheRead = count(u.cache_read_input_tokens);
  const byLifetime = (u.cache_creation ?? undefined) as Record<string, unknown> | undefined;
  const write1h = count(byLifetime?.ephemeral_1h_input_tokens);
  // The total is authoritative; should it be missing, the split still adds up to every write.
  const writes = Math.max(count(u.cache_creation_input_tokens), count(byLifetime?.ephemeral_5m_input_tokens) + write1h);
  return {
    inputTokens: count(u.input_tokens) + cacheRead,
    cachedInputTokens: cacheRead,
    cacheWriteTokens: writes,
    cacheWrite1hTokens: Math.min(write1h, writes),
    outputTokens: count(u.output_tokens),
    reasoningTokens: 0,
  };
}

/**
 * Gemini `usageMetadata`: `promptTokenCount` already includes the cached tokens (`cachedContentTokenCount`), and
 * `toolUsePromptTokenCount` (the results of Google-run tools such as code execution) is billed as input too. Output
 * is `candidatesTokenCount` plus `thoughtsTokenCount`, which Gemini counts apart but bills as output; the thoughts
 * are the reasoning. Gemini leaves zero counters out, so missing counters are zero.
 */
export function normalizeGeminiUsage(usage: unknown): NormalizedUsage | undefined {
  if (!usage || typeof usage !== 'object') return undefined;
  const u = usage as Record<string, unknown>;
  const inputTokens = count(u.promptTokenCount) + count(u.toolUsePromptTokenCount);
  const thoughts = count(u.thoughtsTokenCount);
  return {
    inputTokens,
    cachedInputTokens: Math.min(count(u.cachedContentTokenCount), inputTokens),
    cacheWriteTokens: 0,
    cacheWrite1hTokens: 0,
    outputTokens: count(u.candidatesTokenCount) + thoughts,
    reasoningTokens: thoughts,
  };
}

export const totalTokens = (u: NormalizedUsage) => u.inputTokens + u.cacheWriteTokens + u.outputTokens;
