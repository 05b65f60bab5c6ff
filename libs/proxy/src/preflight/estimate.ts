import { countTokens } from 'gpt-tokenizer'; // o200k_base, the default encoding
import { THINKING_BUDGETS } from '../translate/chat-to-messages';

/** Above this much prompt text a byte count replaces the tokenizer: exact counting would cost milliseconds of CPU. */
const TOKENIZER_LIMIT_CHARS = 64 * 1024;

export interface CallEstimate {
  inputTokens: number;
  /** The output cap the client asked for (or the model's, or the default). */
  maxOutputTokens: number;
  /**
   * Thinking a translation to Claude adds on top of that cap (Anthropic counts the thinking budget inside
   * `max_tokens`, so the translated request asks for cap + budget); quotas reserve it too.
   */
  thinkingBudgetTokens: number;
}

/**
 * The worst case a call can cost, reserved against quotas before it runs: the prompt counted with the o200k
 * tokenizer (over-counting a little, since it counts the JSON around the text), or 1 token per 3 bytes for huge
 * prompts, plus the output cap the client asked for, the model's own cap, or the configured default.
 */
export function estimateCall(
  body: Record<string, unknown>,
  modelMaxOutput: number | null,
  defaultMaxOutput: number,
  producesOutput: boolean,
  thinkingOnTop = false,
): CallEstimate {
  const prompt =
    JSON.stringify(body.messages ?? body.input ?? body.prompt ?? '') +
    (typeof body.instructions === 'string' ? body.instructions : '') +
    (body.system ? JSON.stringify(body.system) : '') +
    (body.tools ? JSON.stringify(body.tools) : '');
  const inputTokens = prompt.length <= TOKENIZER_LIMIT_CHARS ? countTokens(prompt) : Math.ceil(Buffer.byteLength(prompt) / 3);
  if (!producesOutput) return { inputTokens, maxOutputTokens: 0, thinkingBudgetTokens: 0 };
  const asked = [body.max_completion_tokens, body.max_tokens, body.max_output_tokens].find(
    (v): v is number => typeof v === 'number' && v > 0,
  );
  const effort = body.reasoning_effort ?? (body.reasoning as Record<string, unknown> | null | undefined)?.effort;
  return {
    inputTokens,
    maxOutputTokens: Math.floor(asked ?? modelMaxOutput ?? defaultMaxOutput),
    thinkingBudgetTokens: thinkingOnTop && typeof effort === 'string' ? (THINKING_BUDGETS[effort] ?? 0) : 0,
  };
}
