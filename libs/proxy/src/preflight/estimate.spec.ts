import { estimateCall } from './estimate';

describe('estimateCall: the worst case a call is reserved for', () => {
  const prompt = { messages: [{ role: 'user', content: 'Hello there' }] };

  it.each([
    ['the client’s max_tokens', { ...prompt, max_tokens: 300 }, false, 300, 0],
    ['max_completion_tokens before max_tokens', { ...prompt, max_tokens: 300, max_completion_tokens: 500 }, false, 500, 0],
    ['the Responses API’s max_output_tokens', { input: 'Hello', max_output_tokens: 700 }, false, 700, 0],
    ['the model’s cap when the client names none', prompt, false, 8000, 0],
    ['Claude’s thinking budget on top of the cap, chat effort', { ...prompt, max_tokens: 300, reasoning_effort: 'high' }, true, 300, 16384],
    ['Claude’s thinking budget on top of the cap, Responses effort', { input: 'Hi', reasoning: { effort: 'low' } }, true, 8000, 1024],
    ['no thinking budget where reasoning counts inside the cap', { ...prompt, reasoning_effort: 'high' }, false, 8000, 0],
    ['no thinking budget for an effort that turns thinking off', { ...prompt, reasoning_effort: 'minimal' }, true, 8000, 0],
  ])('%s', (_name, body, thinkingOnTop, maxOutputTokens, thinkingBudgetTokens) => {
    const estimate = estimateCall(body as Record<string, unknown>, 8000, 4096, true, thinkingOnTop);
    expect(estimate.maxOutputTokens).toBe(maxOutputTokens);
    expect(estimate.thinkingBudgetTokens).toBe(thinkingBudgetTokens);
    expect(estimate.inputTokens).toBeGreaterThan(0);
  });

  it('should count the prompt with the tokenizer and reserve no output for calls that produce none', () => {
    const estimate = estimateCall({ input: 'one two three four' }, null, 4096, false, true);
    expect(estimate).toEqual({ inputTokens: 6, maxOutputTokens: 0, thinkingBudgetTokens: 0 });
  });
});
