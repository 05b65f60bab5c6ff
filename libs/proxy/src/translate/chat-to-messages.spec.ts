import { GatewayError } from '../errors/gateway-error';
import { chatToMessages, THINKING_LEFT_OFF } from './chat-to-messages';
import { carryReasoning } from './reasoning-carrier';

const translate = (body: Record<string, unknown>, max = 1000) => chatToMessages({ model: 'anthropic/claude', ...body }, 'claude-x', max);
const refusal = (body: Record<string, unknown>): string => {
  try {
    translate(body);
  } catch (error) {
    expect(error).toBeInstanceOf(GatewayError);
    expect((error as GatewayError).status).toBe(400);
    return (error as GatewayError).message;
  }
  throw new Error('expected a 400');
};

describe('chatToMessages', () => {
  it('moves system and developer messages to system, merges consecutive turns, and maps tool results', () => {
    const out = translate({
      messages: [
        { role: 'system', content: 'Be brief.' },
        { role: 'developer', content: [{ type: 'text', text: 'Use tools.' }] },
        { role: 'user', content: 'List files' },
        {
          role: 'assistant',
          content: null,
          tool_calls: [{ id: 'call_1', type: 'function', function: { name: 'ls', arguments: '{"dir":"."}' } }],
        },
        { role: 'tool', tool_call_id: 'call_1', content: 'a b' },
        { role: 'user', content: 'And now?' },
      ],
    });
    expect(out).toEqual({
      model: 'claude-x',
      max_tokens: 1000,
      system: [
        { type: 'text', text: 'Be brief.' },
        { type: 'text', text: 'Use tools.' },
      ],
      messages: [
        { role: 'user', content: [{ type: 'text', text: 'List files' }] },
        { role: 'assistant', content: [{ type: 'tool_use', id: 'call_1', name: 'ls', input: { dir: '.' } }] },
        {
          role: 'user',
          content: [
            { type: 'tool_result', tool_use_id: 'call_1', content: 'a b' },
            { type: 'text', text: 'And now?' },
          ],
        },
      ],
      // Anthropic wants tools declared when the history has tool blocks: the called ones, none callable.
      tools: [{ name: 'ls', description: 'Called earlier in this conversation; not available now.', input_schema: { type: 'object' } }],
      tool_choice: { type: 'none' },
    });
  });

  it('declares no placeholder tools when the request has its own', () => {
    const out = translate({
      messages: [
        { role: 'user', content: 'List files' },
        { role: 'assistant', content: null, tool_calls: [{ id: 'c', type: 'function', function: { name: 'ls', arguments: '{}' } }] },
        { role: 'tool', tool_call_id: 'c', content: 'a' },
      ],
      tools: [{ type: 'function', function: { name: 'pwd', parameters: { type: 'object' } } }],
    });
    expect(out.tools).toEqual([{ name: 'pwd', input_schema: { type: 'object' } }]);
    expect(out).not.toHaveProperty('tool_choice');
  });

  it('maps images: data URLs to base64 sources, http URLs to url sources', () => {
    const out = translate({
      messages: [
        {
          role: 'user',
          content: [
            { type: 'text', text: 'What is this?' },
            { type: 'image_url', image_url: { url: 'data:image/png;base64,iVBORw0KGgo=' } },
            { type: 'image_url', image_url: { url: 'https://example.com/cat.jpg' } },
          ],
        },
      ],
    });
    expect((out.messages as { content: unknown[] }[])[0]!.content).toEqual([
      { type: 'text', text: 'What is this?' },
      { type: 'image', source: { type: 'base64', media_type: 'image/png', data: 'iVBORw0KGgo=' } },
      { type: 'image', source: { type: 'url', url: 'https://example.com/cat.jpg' } },
    ]);
  });

  it.each<[string, Record<string, unknown>, Record<string, unknown>]>([
    ['tools and auto choice', { tool_choice: 'auto' }, { tool_choice: { type: 'auto' } }],
    ['required → any', { tool_choice: 'required' }, { tool_choice: { type: 'any' } }],
    ['none', { tool_choice: 'none' }, { tool_choice: { type: 'none' } }],
    ['a named function', { tool_choice: { type: 'function', function: { name: 'ls' } } }, { tool_choice: { type: 'tool', name: 'ls' } }],
    ['no parallel calls', { parallel_tool_calls: false }, { tool_choice: { type: 'auto', disable_parallel_tool_use: true } }],
  ])('tool choice: %s', (_name, body, expected) => {
    const out = translate({
      messages: [{ role: 'user', content: 'x' }],
      tools: [{ type: 'function', function: { name: 'ls', description: 'List', parameters: { type: 'object', properties: {} } } }],
      ...body,
    });
    expect(out.tools).toEqual([{ name: 'ls', description: 'List', input_schema: { type: 'object', properties: {} } }]);
    expect(out).toMatchObject(expected);
  });

  it('maps sampling, stop, user and stream; clamps temperature to Anthropic’s range; accepts neutral defaults', () => {
    const out = translate({
      messages: [{ role: 'user', content: 'x' }],
      temperature: 1.5,
      top_p: 0.9,
      stop: 'END',
      user: 'u-1',
      stream: true,
      stream_options: { include_usage: true },
      n: 1,
      presence_penalty: 0,
      frequency_penalty: 0,
      logprobs: false,
      seed: 7,
    });
    expect(out).toMatchObject({ temperature: 1, top_p: 0.9, stop_sequences: ['END'], metadata: { user_id: 'u-1' }, stream: true });
    expect(out).not.toHaveProperty('n');
    expect(out).not.toHaveProperty('seed');
  });

  it('turns reasoning_effort into a thinking budget on top of the requested output', () => {
    const out = translate({ messages: [{ role: 'user', content: 'x' }], reasoning_effort: 'medium', temperature: 0.5 }, 2000);
    expect(out).toMatchObject({ thinking: { type: 'enabled', budget_tokens: 4096 }, max_tokens: 6096 });
    expect(out).not.toHaveProperty('temperature');
    expect(translate({ messages: [{ role: 'user', content: 'x' }], reasoning_effort: 'minimal' })).not.toHaveProperty('thinking');
  });

  describe('reasoning_effort in a tool loop (Claude keeps one thinking configuration per assistant turn)', () => {
    const call = { id: 'call_1', type: 'function', function: { name: 'ls', arguments: '{}' } };
    const question = { role: 'user', content: 'List files' };
    const result = { role: 'tool', tool_call_id: 'call_1', content: 'a b' };
    const signed = () =>
      carryReasoning(
        { role: 'assistant', content: null, tool_calls: [call] },
        { vendor: 'anthropic', items: [{ type: 'thinking', thinking: 'List them.', signature: 'sig==' }], summary: ['List them.'] },
      );
    const ask = (messages: Record<string, unknown>[]) => {
      const adjusted: string[] = [];
      const out = chatToMessages({ model: 'anthropic/claude', messages, reasoning_effort: 'low' }, 'claude-x', 1000, adjusted);
      return { thinking: out.thinking, adjusted };
    };

    it.each<[string, () => Record<string, unknown>[], boolean]>([
      ['a new question', () => [question], true],
      [
        'tool results answering calls without their thinking (a chat client)',
        () => [question, { role: 'assistant', content: null, tool_calls: [call] }, result],
        false,
      ],
      ['tool results answering calls with their carried thinking', () => [question, signed(), result], true],
      [
        'a new question after a finished tool loop',
        () => [
          question,
          { role: 'assistant', content: null, tool_calls: [call] },
          result,
          { role: 'assistant', content: 'Two files.' },
          { role: 'user', content: 'Thanks, and now?' },
        ],
        true,
      ],
    ])('%s: thinking on = %s', (_name, history, on) => {
      const { thinking, adjusted } = ask(history());
      if (on) {
        expect(thinking).toEqual({ type: 'enabled', budget_tokens: 1024 });
        expect(adjusted).toEqual([]);
      } else {
        expect(thinking).toBeUndefined();
        expect(adjusted).toEqual([THINKING_LEFT_OFF]);
      }
    });
  });

  it.each<[string, Record<string, unknown>, string]>([
    ['n > 1', { n: 2 }, '"n"'],
    ['penalties', { presence_penalty: 0.5 }, '"presence_penalty"'],
    ['logprobs', { logprobs: true }, '"logprobs"'],
    ['structured output', { response_format: { type: 'json_schema', json_schema: { name: 'x', schema: {} } } }, '"response_format"'],
    [
      'audio input',
      { messages: [{ role: 'user', content: [{ type: 'input_audio', input_audio: { data: '', format: 'wav' } }] }] },
      '"input_audio" content part',
    ],
    ['hosted tools', { tools: [{ type: 'web_search' }] }, 'a tool of type "web_search"'],
    ['unknown fields', { prediction: { type: 'content', content: 'x' } }, '"prediction"'],
  ])('refuses %s with a 400 naming it', (_name, body, named) => {
    expect(refusal({ messages: [{ role: 'user', content: 'x' }], ...body })).toContain(named);
  });
});
