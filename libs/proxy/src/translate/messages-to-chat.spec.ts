import { MessagesAsChatStream, messagesToChat } from './messages-to-chat';

const sse = (type: string, data: Record<string, unknown>) => `event: ${type}\ndata: ${JSON.stringify({ type, ...data })}`;
const chunks = (out: (string | undefined)[]) =>
  out
    .filter((s): s is string => !!s)
    .join('')
    .split('\n\n')
    .filter(Boolean)
    .map((e) => e.replace(/^data: /, ''))
    .map((d) => (d === '[DONE]' ? d : (JSON.parse(d) as Record<string, unknown>)));

describe('messagesToChat', () => {
  it('maps text, tool calls, stop reason and usage (cache reads and writes inside prompt tokens)', () => {
    const chat = messagesToChat(
      {
        id: 'msg_1',
        content: [
          { type: 'thinking', thinking: 'hmm', signature: 'sig' },
          { type: 'text', text: 'Listing.' },
          { type: 'tool_use', id: 'toolu_1', name: 'ls', input: { dir: '.' } },
        ],
        stop_reason: 'tool_use',
        usage: { input_tokens: 10, cache_read_input_tokens: 100, cache_creation_input_tokens: 5, output_tokens: 20 },
      },
      'anthropic/claude',
      1_764_460_800,
    );
    expect(chat).toEqual({
      id: 'chatcmpl-msg_1',
      object: 'chat.completion',
      created: 1_764_460_800,
      model: 'anthropic/claude',
      choices: [
        {
          index: 0,
          message: {
            role: 'assistant',
            content: 'Listing.',
            tool_calls: [{ id: 'toolu_1', type: 'function', function: { name: 'ls', arguments: '{"dir":"."}' } }],
            refusal: null,
          },
          finish_reason: 'tool_calls',
          logprobs: null,
        },
      ],
      usage: {
        prompt_tokens: 115,
        completion_tokens: 20,
        total_tokens: 135,
        prompt_tokens_details: { cached_tokens: 100 },
        completion_tokens_details: { reasoning_tokens: 0 },
      },
    });
  });

  it.each([
    ['end_turn', 'stop'],
    ['max_tokens', 'length'],
    ['stop_sequence', 'stop'],
    ['refusal', 'content_filter'],
  ])('stop reason %s → %s', (stop, finish) => {
    const chat = messagesToChat({ id: 'm', content: [{ type: 'text', text: 'x' }], stop_reason: stop, usage: {} }, 'm', 0);
    expect((chat.choices as { finish_reason: string }[])[0]!.finish_reason).toBe(finish);
  });
});

describe('MessagesAsChatStream', () => {
  it('turns a streamed tool call into chat chunks with argument deltas, then usage and [DONE]', () => {
    const stream = new MessagesAsChatStream('anthropic/claude', 1, true);
    const out = [
      sse('message_start', { message: { id: 'msg_9', usage: { input_tokens: 30, cache_read_input_tokens: 10, output_tokens: 1 } } }),
      sse('ping', {}),
      sse('content_block_start', { index: 0, content_block: { type: 'thinking', thinking: '' } }),
      sse('content_block_delta', { index: 0, delta: { type: 'thinking_delta', thinking: 'hmm' } }),
      sse('content_block_start', { index: 1, content_block: { type: 'text', text: '' } }),
      sse('content_block_delta', { index: 1, delta: { type: 'text_delta', text: 'Sure' } }),
      sse('content_block_start', { index: 2, content_block: { type: 'tool_use', id: 'toolu_9', name: 'ls', input: {} } }),
      sse('content_block_delta', { index: 2, delta: { type: 'input_json_delta', partial_json: '{"dir":' } }),
      sse('content_block_delta', { index: 2, delta: { type: 'input_json_delta', partial_json: '"."}' } }),
      sse('message_delta', { delta: { stop_reason: 'tool_use' }, usage: { output_tokens: 12 } }),
      sse('message_stop', {}),
    ].map((e) => stream.forward(e));
    const c = chunks(out);
    const deltas = c.slice(0, -2).map((x) => (x as { choices: { delta: unknown }[] }).choices[0]!.delta);
    expect(deltas).toEqual([
      { role: 'assistant', content: '' },
      { content: 'Sure' },
      { tool_calls: [{ index: 0, id: 'toolu_9', type: 'function', function: { name: 'ls', arguments: '' } }] },
      { tool_calls: [{ index: 0, function: { arguments: '{"dir":' } }] },
      { tool_calls: [{ index: 0, function: { arguments: '"."}' } }] },
      {},
    ]);
    expect((c.at(-3) as { choices: { finish_reason: string }[] }).choices[0]!.finish_reason).toBe('tool_calls');
    expect(c.at(-2)).toMatchObject({
      choices: [],
      usage: { prompt_tokens: 40, completion_tokens: 12, prompt_tokens_details: { cached_tokens: 10 } },
    });
    expect(c.at(-1)).toBe('[DONE]');
    expect(stream.complete).toBe(true);
    expect(stream.usage).toEqual({
      inputTokens: 40,
      cachedInputTokens: 10,
      cacheWriteTokens: 0,
      cacheWrite1hTokens: 0,
      outputTokens: 12,
      reasoningTokens: 0,
    });
  });

  it('relays an upstream error event as a chat error chunk and marks the call failed', () => {
    const stream = new MessagesAsChatStream('m', 1, false);
    const out = stream.forward(sse('error', { error: { type: 'overloaded_error', message: 'Overloaded' } }));
    expect(chunks([out])[0]).toEqual({ error: { message: 'Overloaded', type: 'api_error', param: null, code: 'overloaded_error' } });
    expect(stream.upstreamFailure).toEqual({ code: 'overloaded_error', message: 'Overloaded' });
  });
});
