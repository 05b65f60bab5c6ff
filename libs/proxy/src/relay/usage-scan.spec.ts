import { scanUsage, withoutUsageField } from './usage-scan';

describe('scanUsage', () => {
  it('should read the usage object of a chat completion without parsing the rest', () => {
    const text = JSON.stringify({
      id: 'x',
      choices: [{ message: { content: 'a "usage": {"prompt_tokens": 999} look-alike in text, and braces }{' } }],
      usage: { prompt_tokens: 12, completion_tokens: 3, prompt_tokens_details: { cached_tokens: 4 } },
    });
    expect(scanUsage(text)).toEqual({ prompt_tokens: 12, completion_tokens: 3, prompt_tokens_details: { cached_tokens: 4 } });
  });

  it('should find usage formatted with whitespace, and report none for null or absent usage', () => {
    expect(scanUsage('{\n  "usage": {\n    "prompt_tokens": 1\n  }\n}')).toEqual({ prompt_tokens: 1 });
    expect(scanUsage('{"usage":null}')).toBeUndefined();
    expect(scanUsage('{"object":"list","data":[]}')).toBeUndefined();
    expect(scanUsage('{"usage":{"prompt_tokens":')).toBeUndefined();
  });
});

describe('withoutUsageField', () => {
  it('should cut the null usage OpenAI writes on every chunk', () => {
    const chunk = JSON.stringify({ id: 'c', choices: [{ index: 0, delta: { content: 'hi' } }], usage: null });
    expect(JSON.parse(withoutUsageField(chunk))).toEqual({ id: 'c', choices: [{ index: 0, delta: { content: 'hi' } }] });
  });

  it('should remove a usage object attached to a chunk with choices (Azure style)', () => {
    const chunk = JSON.stringify({ id: 'c', choices: [{ index: 0, delta: {} }], usage: { prompt_tokens: 1 } });
    expect(JSON.parse(withoutUsageField(chunk))).toEqual({ id: 'c', choices: [{ index: 0, delta: {} }] });
  });
});
