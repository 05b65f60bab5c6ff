import type { ModelRoute } from '@allot/catalog';
import { adjustParameters, isAdjustable, ParameterRules, refusedParameter } from './parameter-compat';

const error = (e: Record<string, unknown>) => JSON.stringify({ error: { type: 'invalid_request_error', ...e } });

describe('refusedParameter', () => {
  it.each<[string, number, string, string | undefined]>([
    [
      'OpenAI unsupported parameter',
      400,
      error({
        message: "Unsupported parameter: 'max_tokens' is not supported with this model. Use 'max_completion_tokens' instead.",
        param: 'max_tokens',
        code: 'unsupported_parameter',
      }),
      'max_tokens',
    ],
    [
      'OpenAI unsupported value',
      400,
      error({
        message: "Unsupported value: 'temperature' does not support 0.2 with this model. Only the default (1) value is supported.",
        param: 'temperature',
        code: 'unsupported_value',
      }),
      'temperature',
    ],
    ['code and param without the usual message', 400, error({ message: 'nope', param: 'top_p', code: 'unsupported_parameter' }), 'top_p'],
    ['older Azure wording', 400, error({ message: 'Unrecognized request argument supplied: logit_bias', code: null }), 'logit_bias'],
    [
      'a 400 about something else',
      400,
      error({ message: "Invalid value for 'messages'", param: 'messages', code: 'invalid_value' }),
      undefined,
    ],
    ['not a 400', 422, error({ param: 'temperature', code: 'unsupported_parameter' }), undefined],
    ['not JSON', 400, '<html>Bad Request</html>', undefined],
  ])('%s', (_name, status, text, expected) => {
    expect(refusedParameter(status, text)).toBe(expected);
  });
});

describe('adjustParameters', () => {
  it('drops sampling knobs and renames the output cap, keeping its value', () => {
    const body: Record<string, unknown> = { model: 'm', temperature: 0.2, max_tokens: 300, messages: [] };
    expect(adjustParameters(body, ['temperature', 'max_tokens'])).toEqual(['temperature', 'max_tokens']);
    expect(body).toEqual({ model: 'm', max_completion_tokens: 300, messages: [] });
  });

  it('keeps an explicit max_completion_tokens over the renamed max_tokens', () => {
    const body: Record<string, unknown> = { max_tokens: 300, max_completion_tokens: 100 };
    adjustParameters(body, ['max_tokens']);
    expect(body).toEqual({ max_completion_tokens: 100 });
  });

  it('never touches what changes meaning or cost, nor parameters the body does not have', () => {
    const body: Record<string, unknown> = { tools: [], n: 2, response_format: { type: 'json_object' } };
    expect(adjustParameters(body, ['tools', 'n', 'response_format', 'temperature'])).toEqual([]);
    expect(body).toEqual({ tools: [], n: 2, response_format: { type: 'json_object' } });
    expect(isAdjustable('tools')).toBe(false);
    expect(isAdjustable('temperature')).toBe(true);
  });
});

describe('ParameterRules', () => {
  const route = (type: string, upstreamName: string, modelId = 'm1') =>
    ({ modelId, upstreamName, provider: { type } }) as unknown as ModelRoute;

  it('knows that OpenAI reasoning families take max_completion_tokens', () => {
    const rules = new ParameterRules();
    for (const name of ['o3-mini', 'o4-mini', 'gpt-5', 'gpt-5.4-mini']) expect(rules.for(route('openai', name))).toEqual(['max_tokens']);
    expect(rules.for(route('azure-openai', 'gpt-5.4'))).toEqual(['max_tokens']);
    for (const name of ['gpt-4o', 'gpt-5-chat-latest']) expect(rules.for(route('openai', name))).toEqual([]);
    // A self-hosted server's model names mean nothing about OpenAI's rules.
    expect(rules.for(route('openai-compatible', 'gpt-5'))).toEqual([]);
  });

  it('learns per model, for an hour', () => {
    jest.useFakeTimers({ now: new Date('2026-11-30T10:00:00Z') });
    try {
      const rules = new ParameterRules();
      rules.learn('m1', 'temperature');
      expect(rules.for(route('openai', 'gpt-4o', 'm1'))).toEqual(['temperature']);
      expect(rules.for(route('openai', 'gpt-4o', 'm2'))).toEqual([]);
      jest.setSystemTime(new Date('2026-11-30T11:00:01Z'));
      expect(rules.for(route('openai', 'gpt-4o', 'm1'))).toEqual([]);
    } finally {
      jest.useRealTimers();
    }
  });
});
