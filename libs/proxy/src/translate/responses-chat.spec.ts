import { GatewayError } from '../errors/gateway-error';
import { ChatAsResponsesStream, chatToResponse } from './chat-to-responses';
import { responsesToChat } from './responses-to-chat';

describe('responsesToChat', () => {
  it('maps instructions, messages, parallel function calls, their outputs, tools, format and effort; drops opaque reasoning', () => {
    const out = responsesToChat(
      {
        model: 'x',
        instructions: 'Be brief.',
        input: [
          { type: 'message', role: 'developer', content: [{ type: 'input_text', text: 'Use tools.' }] },
          {
            role: 'user',
            content: [
              { type: 'input_text', text: 'Look: ' },
              { type: 'input_image', image_url: 'data:image/png;base64,AA==' },
            ],
          },
          { type: 'reasoning', id: 'rs_1', summary: [], encrypted_content: 'gAAA' },
          { type: 'function_call', call_id: 'c1', name: 'ls', arguments: '{}' },
          { type: 'function_call', call_id: 'c2', name: 'pwd', arguments: '{}' },
          { type: 'function_call_output', call_id: 'c1', output: 'a' },
          { type: 'function_call_output', call_id: 'c2', output: '/' },
          { type: 'message', role: 'assistant', content: [{ type: 'output_text', text: 'Done.' }] },
        ],
        tools: [{ type: 'function', name: 'ls', parameters: { type: 'object' }, strict: true }],
        tool_choice: { type: 'function', name: 'ls' },
        max_output_tokens: 99,
        reasoning: { effort: 'low', summary: 'auto' },
        text: { format: { type: 'json_schema', name: 'out', schema: { type: 'object' }, strict: true } },
        include: ['reasoning.encrypted_content'],
        store: false,
        prompt_cache_key: 'k',
      },
      'gpt-x',
    );
    expect(out).toEqual({
      model: 'gpt-x',
      messages: [
        { role: 'system', content: 'Be brief.' },
        { role: 'system', content: 'Use tools.' },
        {
          role: 'user',
          content: [
            { type: 'text', text: 'Look: ' },
            { type: 'image_url', image_url: { url: 'data:image/png;base64,AA==' } },
          ],
        },
        {
          role: 'assistant',
          content: null,
          tool_calls: [
            { id: 'c1', type: 'function', function: { name: 'ls', arguments: '{}' } },
            { id: 'c2', type: 'function', function: { name: 'pwd', arguments: '{}' } },
          ],
        },
        { role: 'tool', tool_call_id: 'c1', content: 'a' },
        { role: 'tool', tool_call_id: 'c2', content: '/' },
        { role: 'assistant', content: 'Done.' },
      ],
      max_tokens: 99,
      tools: [{ type: 'function', function: { name: 'ls', parameters: { type: 'object' }, strict: true } }],
      tool_choice: { type: 'function', function: { name: 'ls' } },
      reasoning_effort: 'low',
      response_format: { type: 'json_schema', json_schema: { name: 'out', schema: { type: 'object' }, strict: true } },
    });
  });

  it.each<[string, Record<string, unknown>, string]>([
    ['stored responses', { store: true }, '"store": true'],
    ['previous_response_id', { previous_response_id: 'resp_1' }, '"previous_response_id"'],
    ['custom tools', { tools: [{ type: 'custom', name: 'apply_patch' }] }, 'a tool of type "custom"'],
    ['compaction items', { input: [{ type: 'compaction', encrypted_content: 'x' }] }, 'an input item of type "compaction"'],
  ])('refuses %s with a 400 naming it', (_name, body, named) => {
    let caught: unknown;
    try {
      responsesToChat({ model: 'x', input: 'hi', ...body }, 'gpt-x');
    } catch (error) {
      caught = error;
    }
    expect(caught).toBeInstanceOf(GatewayError);
    expect((caught as GatewayError).message).toContain(named);
  });
});

describe('chat answers as Responses', () => {
  it('maps a completion with text and a tool call, and a length stop as incomplete', () => {
    const response = chatToResponse(
      {
        choices: [
          {
            message: { content: 'Hi', tool_calls: [{ id: 'c1', type: 'function', function: { name: 'ls', arguments: '{}' } }] },
            finish_reason: 'length',
          },
        ],
        usage: { prompt_tokens: 10, completion_tokens: 4, prompt_tokens_details: { cached_tokens: 2 } },
      },
      'resp_abc',
      'openai/gpt',
      100,
    );
    expect(response).toMatchObject({
      id: 'resp_abc',
      object: 'response',
      status: 'incomplete',
      incomplete_details: { reason: 'max_output_tokens' },
      output: [
        { type: 'message', role: 'assistant', content: [{ type: 'output_text', text: 'Hi', annotations: [] }] },
        { type: 'function_call', call_id: 'c1', name: 'ls', arguments: '{}', status: 'completed' },
      ],
      usage: { input_tokens: 10, input_tokens_details: { cached_tokens: 2 }, output_tokens: 4, total_tokens: 14 },
    });
  });

  it('streams typed events with increasing sequence numbers, ending with response.completed and the usage', () => {
    const stream = new ChatAsResponsesStream('resp_abc', 'openai/gpt', 100);
    const chunk = (delta: Record<string, unknown>, finish: string | null = null) =>
      `data: ${JSON.stringify({ choices: [{ delta, finish_reason: finish }] })}`;
    const text = [
      chunk({ role: 'assistant', content: '' }),
      chunk({ content: 'He' }),
      chunk({ content: 'llo' }),
      chunk({}, 'stop'),
      `data: ${JSON.stringify({ choices: [], usage: { prompt_tokens: 5, completion_tokens: 2 } })}`,
      'data: [DONE]',
    ]
      .map((e) => stream.forward(e) ?? '')
      .join('');
    const events = text
      .split('\n\n')
      .filter(Boolean)
      .map(
        (e) =>
          JSON.parse(/^data: (.*)$/m.exec(e)![1]!) as {
            type: string;
            sequence_number: number;
            response?: { usage: unknown; output: unknown[] };
          },
      );
    expect(events.map((e) => e.type)).toEqual([
      'response.created',
      'response.in_progress',
      'response.output_item.added',
      'response.content_part.added',
      'response.output_text.delta',
      'response.output_text.delta',
      'response.output_text.done',
      'response.content_part.done',
      'response.output_item.done',
      'response.completed',
    ]);
    expect(events.map((e) => e.sequence_number)).toEqual([0, 1, 2, 3, 4, 5, 6, 7, 8, 9]);
    expect(events.at(-1)!.response).toMatchObject({
      usage: { input_tokens: 5, output_tokens: 2, total_tokens: 7 },
      output: [{ content: [{ text: 'Hello' }] }],
    });
    expect(stream.complete).toBe(true);
  });
});
