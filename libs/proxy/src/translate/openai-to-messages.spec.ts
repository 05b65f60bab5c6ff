import { ChatAsMessagesStream, openAiChatToMessage } from './openai-to-messages';

const chunk = (delta: Record<string, unknown>, finish: string | null = null, extra: Record<string, unknown> = {}) =>
  `data: ${JSON.stringify({ id: 'chatcmpl-7', object: 'chat.completion.chunk', choices: [{ index: 0, delta, finish_reason: finish }], ...extra })}`;
const events = (text: string) =>
  text
    .split('\n\n')
    .filter(Boolean)
    .map((e) => JSON.parse(/^data: (.*)$/m.exec(e)![1]!) as Record<string, unknown>);

describe('openAiChatToMessage', () => {
  it('maps content, tool calls, finish reason and usage (cached prompt tokens as cache reads)', () => {
    const message = openAiChatToMessage(
      {
        id: 'chatcmpl-7',
        choices: [
          {
            message: {
              role: 'assistant',
              content: 'Listing.',
              tool_calls: [{ id: 'call_1', type: 'function', function: { name: 'ls', arguments: '{"dir":"."}' } }],
            },
            finish_reason: 'tool_calls',
          },
        ],
        usage: { prompt_tokens: 120, completion_tokens: 30, prompt_tokens_details: { cached_tokens: 100 } },
      },
      'openai/gpt',
    );
    expect(message).toEqual({
      id: 'msg_7',
      type: 'message',
      role: 'assistant',
      model: 'openai/gpt',
      content: [
        { type: 'text', text: 'Listing.' },
        { type: 'tool_use', id: 'call_1', name: 'ls', input: { dir: '.' } },
      ],
      stop_reason: 'tool_use',
      stop_sequence: null,
      usage: { input_tokens: 20, cache_creation_input_tokens: 0, cache_read_input_tokens: 100, output_tokens: 30 },
    });
  });
});

describe('ChatAsMessagesStream', () => {
  it('turns chunks into Anthropic events: message_start, text block, tool_use block with json deltas, message_delta with usage', () => {
    const stream = new ChatAsMessagesStream('openai/gpt');
    const out = [
      chunk({ role: 'assistant', content: '' }),
      chunk({ content: 'Sure' }),
      chunk({ tool_calls: [{ index: 0, id: 'call_1', type: 'function', function: { name: 'ls', arguments: '' } }] }),
      chunk({ tool_calls: [{ index: 0, function: { arguments: '{"dir":' } }] }),
      chunk({ tool_calls: [{ index: 0, function: { arguments: '"."}' } }] }),
      chunk({}, 'tool_calls'),
      `data: ${JSON.stringify({ id: 'chatcmpl-7', choices: [], usage: { prompt_tokens: 50, completion_tokens: 9 } })}`,
      'data: [DONE]',
    ]
      .map((e) => stream.forward(e) ?? '')
      .join('');
    const types = events(out).map((e) => e.type);
    expect(types).toEqual([
      'message_start',
      'ping',
      'content_block_start',
      'content_block_delta',
      'content_block_stop',
      'content_block_start',
      'content_block_delta',
      'content_block_delta',
      'content_block_stop',
      'message_delta',
      'message_stop',
    ]);
    const all = events(out);
    expect(all[5]).toMatchObject({ index: 1, content_block: { type: 'tool_use', id: 'call_1', name: 'ls', input: {} } });
    expect(all[6]).toMatchObject({ index: 1, delta: { type: 'input_json_delta', partial_json: '{"dir":' } });
    expect(all[9]).toMatchObject({ delta: { stop_reason: 'tool_use' }, usage: { input_tokens: 50, output_tokens: 9 } });
    expect(stream.complete).toBe(true);
    expect(stream.usage).toMatchObject({ inputTokens: 50, outputTokens: 9 });
  });

  it('ends with an Anthropic error event when the upstream sends an error chunk', () => {
    const stream = new ChatAsMessagesStream('m');
    const out = stream.forward(`data: ${JSON.stringify({ error: { message: 'boom', type: 'server_error', code: 'server_error' } })}`)!;
    expect(events(out)).toEqual([{ type: 'error', error: { type: 'api_error', message: 'boom' } }]);
    expect(stream.upstreamFailure).toEqual({ code: 'server_error', message: 'boom' });
  });
});
