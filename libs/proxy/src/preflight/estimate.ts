import { countTokens } from 'gpt-tokenizer'; // o200k_base, the default encoding
import { THINKING_BUDGETS } from '../translate/chat-to-messages';

/** Above this much prompt text a byte count replaces the tokenizer: exact counting would cost milliseconds of CPU. */
const TOKENIZER_LIMIT_CHARS = 64 * 1024;

type Json = Record<string, unknown>;

/**
 * The prompt counted with the o200k tokenizer (over-counting a little, since it counts the JSON around the text), or
 * 1 token per 3 bytes for huge prompts. Costly: computed only when a quota, a tpm limit or billing a cut call needs it.
 */
export function promptTokens(body: Json): number {
  const prompt =
    JSON.stringify(body.messages ?? body.input ?? body.prompt ?? '') +
    (typeof body.instructions === 'string' ? body.instructions : '') +
    (body.system ? JSON.stringify(body.system) : '') +
    (body.tools ? JSON.stringify(body.tools) : '');
  return prompt.length <= TOKENIZER_LIMIT_CHARS ? countTokens(prompt) : Math.ceil(Buffer.byteLength(prompt) / 3);
}

/** The output cap: what the client asked for, else the model's own cap, else the configured default. */
export function outputCap(body: Json, modelMaxOutput: number | null, defaultMaxOutput: number): number {
  const asked = [body.max_completion_tokens, body.max_tokens, body.max_output_tokens].find(
    (v): v is number => typeof v === 'number' && v > 0,
  );
  return Math.floor(asked ?? modelMaxOutput ?? defaultMaxOutput);
}

/**
 * The thinking budget a translation to Claude adds on top of the output cap for the reasoning effort asked (chat's
 * `reasoning_effort`, the Responses API's `reasoning.effort`): Anthropic counts thinking inside `max_tokens`.
 */
export function thinkingBudget(body: Json): number {
  const effort = body.reasoning_effort ?? (body.reasoning as Json | null | undefined)?.effort;
  return typeof effort === 'string' ? (THINKING_BUDGETS[effort] ?? 0) : 0;
}
