import { outputCap, promptTokens, thinkingBudget } from './estimate';

describe('the worst case a call is reserved for', () => {
  const prompt = { messages: [{ role: 'user', content: 'Hello there' }] };

  it.each([
    ['the client’s max_tokens', { ...prompt, max_tokens: 300 }, 300],
    ['max_completion_tokens before max_tokens', { ...prompt, max_tokens: 300, max_completion_tokens: 500 }, 500],
    ['the Responses API’s max_output_tokens', { input: 'Hello', max_output_tokens: 700 }, 700],
    ['the model’s cap when the client names none', prompt, 8000],
  ])('output cap: %s', (_name, body, cap) => {
    expect(outputCap(body as Record<string, unknown>, 8000, 4096)).toBe(cap);
  });

  it.each([
    ['Claude’s thinking budget, chat effort', { ...prompt, max_tokens: 300, reasoning_effort: 'high' }, 16384],
    ['Claude’s thinking budget, Responses effort', { input: 'Hi', reasoning: { effort: 'low' } }, 1024],
    ['no thinking budget for an effort that turns thinking off', { ...prompt, reasoning_effort: 'minimal' }, 0],
    ['no thinking budget without an effort', prompt, 0],
  ])('thinking budget: %s', (_name, body, budget) => {
    expect(thinkingBudget(body as Record<string, unknown>)).toBe(budget);
  });

  it('should count the prompt with the tokenizer', () => {
    expect(promptTokens({ input: 'one two three four' })).toBe(6);
    expect(promptTokens(prompt)).toBeGreaterThan(0);
  });
});
