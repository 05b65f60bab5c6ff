import { GatewayError } from '../errors/gateway-error';
import { effortFor } from './anthropic-request-parts';
import { messagesToOpenAiChat } from './messages-to-openai';

const translate = (body: Record<string, unknown>, provider: 'openai' | 'openai-compatible' = 'openai') =>
  messagesToOpenAiChat({ model: 'openai/gpt', max_tokens: 100, ...body }, 'gpt-x', provider);

describe('messagesToOpenAiChat', () => {
  it('maps system blocks, text, images, tool use and tool results (tool messages first, then the user text)', () => {
    const out = translate({
      system: [
        { type: 'text', text: 'Be brief.', cache_control: { type: 'ephemeral' } },
        { type: 'text', text: 'Use tools.' },
      ],
      messages: [
        {
          role: 'user',
          content: [
            { type: 'text', text: 'What is this?' },
            { type: 'image', source: { type: 'base64', media_type: 'image/png', data: 'iVBO' } },
          ],
        },
        {
          role: 'assistant',
          content: [
            { type: 'thinking', thinking: 'hmm', signature: 'sig' },
            { type: 'text', text: 'Checking.' },
            { type: 'tool_use', id: 'toolu_1', name: 'ls', input: { dir: '.' } },
          ],
        },
        {
          role: 'user',
          content: [
            { type: 'tool_result', tool_use_id: 'toolu_1', content: [{ type: 'text', text: 'a b' }] },
            { type: 'tool_result', tool_use_id: 'toolu_2', content: 'denied', is_error: true },
            { type: 'text', text: 'Go on.' },
          ],
        },
      ],
    });
    expect(out).toEqual({
      model: 'gpt-x',
      max_completion_tokens: 100,
      messages: [
        { role: 'system', content: 'Be brief.\n\nUse tools.' },
        {
          role: 'user',
          content: [
            { type: 'text', text: 'What is this?' },
            { type: 'image_url', image_url: { url: 'data:image/png;base64,iVBO' } },
          ],
        },
        {
          role: 'assistant',
          content: 'Checking.',
          tool_calls: [{ id: 'toolu_1', type: 'function', function: { name: 'ls', arguments: '{"dir":"."}' } }],
        },
        { role: 'tool', tool_call_id: 'toolu_1', content: 'a b' },
        { role: 'tool', tool_call_id: 'toolu_2', content: 'Error: denied' },
        { role: 'user', content: 'Go on.' },
      ],
    });
  });

  it('maps tools, tool choice, sampling, stop sequences, user, stream and thinking', () => {
    const out = translate({
      messages: [{ role: 'user', content: 'x' }],
      tools: [{ name: 'ls', description: 'List', input_schema: { type: 'object', properties: {} } }],
      tool_choice: { type: 'any', disable_parallel_tool_use: true },
      temperature: 0.3,
      top_p: 0.8,
      stop_sequences: ['END'],
      metadata: { user_id: 'u-1' },
      stream: true,
      thinking: { type: 'enabled', budget_tokens: 10000 },
    });
    expect(out).toMatchObject({
      tools: [{ type: 'function', function: { name: 'ls', description: 'List', parameters: { type: 'object', properties: {} } } }],
      tool_choice: 'required',
      parallel_tool_calls: false,
      temperature: 0.3,
      top_p: 0.8,
      stop: ['END'],
      user: 'u-1',
      stream: true,
      stream_options: { include_usage: true },
      reasoning_effort: 'high',
    });
    expect(translate({ messages: [{ role: 'user', content: 'x' }] }, 'openai-compatible')).toMatchObject({ max_tokens: 100 });
    expect([effortFor(1024), effortFor(4096), effortFor(32000)]).toEqual(['low', 'medium', 'high']);
  });

  it.each<[string, Record<string, unknown>, string | undefined]>([
    ['an output effort alone', { output_config: { effort: 'low' } }, 'low'],
    [
      'an output effort over a thinking budget',
      { thinking: { type: 'enabled', budget_tokens: 32000 }, output_config: { effort: 'medium' } },
      'medium',
    ],
    ['adaptive thinking with an output effort', { thinking: { type: 'adaptive' }, output_config: { effort: 'xhigh' } }, 'high'],
    ['max effort', { output_config: { effort: 'max' } }, 'high'],
    ['adaptive thinking alone: the model decides', { thinking: { type: 'adaptive' } }, undefined],
  ])('reasoning effort from %s', (_name, extra, effort) => {
    expect(translate({ messages: [{ role: 'user', content: 'x' }], ...extra }).reasoning_effort).toBe(effort);
  });

  it.each<[string, Record<string, unknown>, string]>([
    ['top_k', { top_k: 5 }, '"top_k"'],
    ['a server tool', { tools: [{ type: 'bash_20250124', name: 'bash' }] }, '"bash_20250124" tool'],
    [
      'a document by URL',
      { messages: [{ role: 'user', content: [{ type: 'document', source: { type: 'url', url: 'https://example.com/a.pdf' } }] }] },
      '"document" block with a URL source',
    ],
    [
      'a document from the Files API',
      { messages: [{ role: 'user', content: [{ type: 'document', source: { type: 'file', file_id: 'file_1' } }] }] },
      '"document" block with a Files API source',
    ],
    [
      'a document with citations',
      {
        messages: [
          {
            role: 'user',
            content: [{ type: 'document', source: { type: 'text', media_type: 'text/plain', data: 'x' }, citations: { enabled: true } }],
          },
        ],
      },
      '"document" block with citations',
    ],
    ['unknown fields', { container: 'c1' }, '"container"'],
  ])('refuses %s with a 400 naming it', (_name, body, named) => {
    let caught: unknown;
    try {
      translate({ messages: [{ role: 'user', content: 'x' }], ...body });
    } catch (error) {
      caught = error;
    }
    expect(caught).toBeInstanceOf(GatewayError);
    expect((caught as GatewayError).status).toBe(400);
    expect((caught as GatewayError).message).toContain(named);
  });
});
