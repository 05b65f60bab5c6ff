import { GatewayError, GatewayErrors } from '../errors/gateway-error';
import { decodeOpenAiReasoning, encodeOpenAiReasoning } from './messages-to-responses';
import { ResponsesAsMessagesStream, responseToMessage } from './responses-to-messages';

type Json = Record<string, unknown>;

const REASONING = {
  id: 'rs_1',
  type: 'reasoning',
  summary: [
    { type: 'summary_text', text: 'First.' },
    { type: 'summary_text', text: 'Second.' },
  ],
  encrypted_content: 'gAAAAB-opaque',
};
const CALL = { id: 'fc_1', type: 'function_call', status: 'completed', call_id: 'call_1', name: 'ls', arguments: '{"dir":"."}' };
const TEXT = { id: 'msg_1', type: 'message', role: 'assistant', content: [{ type: 'output_text', text: 'Listing.', annotations: [] }] };
const USAGE = {
  input_tokens: 120,
  input_tokens_details: { cached_tokens: 100 },
  output_tokens: 30,
  output_tokens_details: { reasoning_tokens: 12 },
};
const response = (output: Json[], extra: Json = {}) => ({
  id: 'resp_7',
  object: 'response',
  status: 'completed',
  output,
  usage: USAGE,
  ...extra,
});

describe('responseToMessage', () => {
  it('maps reasoning, text, a function call, the stop reason and usage (cached input as cache reads)', () => {
    expect(responseToMessage(response([REASONING, TEXT, CALL]), 'openai/gpt')).toEqual({
      id: 'msg_7',
      type: 'message',
      role: 'assistant',
      model: 'openai/gpt',
      content: [
        { type: 'thinking', thinking: 'First.\n\nSecond.', signature: encodeOpenAiReasoning(REASONING) },
        { type: 'text', text: 'Listing.' },
        { type: 'tool_use', id: 'call_1', name: 'ls', input: { dir: '.' } },
      ],
      stop_reason: 'tool_use',
      stop_sequence: null,
      usage: { input_tokens: 20, cache_creation_input_tokens: 0, cache_read_input_tokens: 100, output_tokens: 30 },
    });
  });

  it.each<[string, Json, string, Json[]]>([
    ['a plain answer', response([TEXT]), 'end_turn', [{ type: 'text', text: 'Listing.' }]],
    [
      'an answer cut by the output cap',
      response([TEXT], { status: 'incomplete', incomplete_details: { reason: 'max_output_tokens' } }),
      'max_tokens',
      [{ type: 'text', text: 'Listing.' }],
    ],
    [
      'a refusal',
      response([{ type: 'message', role: 'assistant', content: [{ type: 'refusal', refusal: 'No.' }] }]),
      'refusal',
      [{ type: 'text', text: 'No.' }],
    ],
    ['a content filter', response([], { status: 'incomplete', incomplete_details: { reason: 'content_filter' } }), 'refusal', []],
    [
      'reasoning with neither summary nor encrypted content (thinking was not asked for)',
      response([{ id: 'rs_2', type: 'reasoning', summary: [] }, TEXT]),
      'end_turn',
      [{ type: 'text', text: 'Listing.' }],
    ],
    [
      'raw reasoning text (open-weight models on OpenAI-compatible servers)',
      response([{ id: 'rs_3', type: 'reasoning', summary: [], content: [{ type: 'reasoning_text', text: 'Raw.' }] }]),
      'end_turn',
      [
        {
          type: 'thinking',
          thinking: 'Raw.',
          signature: encodeOpenAiReasoning({ id: 'rs_3', summary: [] }),
        },
      ],
    ],
    [
      'broken call arguments',
      response([{ ...CALL, arguments: '{"dir":' }]),
      'tool_use',
      [{ type: 'tool_use', id: 'call_1', name: 'ls', input: {} }],
    ],
  ])('maps %s', (_name, answer, stop, content) => {
    const message = responseToMessage(answer, 'm');
    expect(message.stop_reason).toBe(stop);
    expect(message.content).toEqual(content);
  });

  it('keeps the reasoning item whole in the signature, encrypted content byte-identical', () => {
    const message = responseToMessage(response([REASONING, TEXT]), 'm');
    const signature = (message.content as Json[])[0]!.signature;
    expect(decodeOpenAiReasoning(signature)).toEqual({ id: 'rs_1', encrypted_content: 'gAAAAB-opaque', summary: REASONING.summary });
  });

  it('refuses a failed response as the provider’s error', () => {
    expect(() => responseToMessage(response([], { status: 'failed', error: { code: 'server_error', message: 'boom' } }), 'm')).toThrow(
      GatewayError,
    );
  });
});

const sse = (data: Json) => `event: ${String(data.type)}\ndata: ${JSON.stringify(data)}`;
const parse = (text: string) =>
  text
    .split('\n\n')
    .filter(Boolean)
    .map((e) => JSON.parse(/^data: (.*)$/m.exec(e)![1]!) as Json);

/** Feeds a Responses event sequence through the translation; returns the Anthropic events and the protocol. */
function run(events: Json[]) {
  const protocol = new ResponsesAsMessagesStream('openai/gpt');
  const out = events.map((e, i) => protocol.forward(sse({ ...e, sequence_number: i })) ?? '').join('');
  return { protocol, events: parse(out) };
}

const created = { type: 'response.created', response: { id: 'resp_7', status: 'in_progress', output: [] } };
const completed = (output: Json[], extra: Json = {}) => ({ type: 'response.completed', response: response(output, extra) });

describe(ResponsesAsMessagesStream.name, () => {
  it('streams reasoning as thinking and signature deltas, text, and a tool call as input_json deltas, then stop reason and usage', () => {
    const { protocol, events } = run([
      created,
      { type: 'response.in_progress', response: { id: 'resp_7' } },
      { type: 'response.output_item.added', output_index: 0, item: { ...REASONING, summary: [], encrypted_content: null } },
      { type: 'response.reasoning_summary_part.added', output_index: 0, summary_index: 0, part: { type: 'summary_text', text: '' } },
      { type: 'response.reasoning_summary_text.delta', output_index: 0, summary_index: 0, delta: 'First.' },
      { type: 'response.reasoning_summary_text.delta', output_index: 0, summary_index: 1, delta: 'Second.' },
      { type: 'response.reasoning_summary_text.done', output_index: 0, summary_index: 1, text: 'Second.' },
      { type: 'response.output_item.done', output_index: 0, item: REASONING },
      { type: 'response.output_item.added', output_index: 1, item: { ...TEXT, content: [] } },
      { type: 'response.content_part.added', output_index: 1, content_index: 0, part: { type: 'output_text', text: '' } },
      { type: 'response.output_text.delta', output_index: 1, content_index: 0, delta: 'List' },
      { type: 'response.output_text.delta', output_index: 1, content_index: 0, delta: 'ing.' },
      { type: 'response.output_text.done', output_index: 1, content_index: 0, text: 'Listing.' },
      { type: 'response.output_item.done', output_index: 1, item: TEXT },
      { type: 'response.output_item.added', output_index: 2, item: { ...CALL, arguments: '' } },
      { type: 'response.function_call_arguments.delta', output_index: 2, delta: '{"dir":' },
      { type: 'response.function_call_arguments.delta', output_index: 2, delta: '"."}' },
      { type: 'response.function_call_arguments.done', output_index: 2, arguments: '{"dir":"."}' },
      { type: 'response.output_item.done', output_index: 2, item: CALL },
      completed([REASONING, TEXT, CALL]),
    ]);
    expect(events).toEqual([
      {
        type: 'message_start',
        message: {
          id: 'msg_7',
          type: 'message',
          role: 'assistant',
          model: 'openai/gpt',
          content: [],
          stop_reason: null,
          stop_sequence: null,
          usage: { input_tokens: 0, output_tokens: 0 },
        },
      },
      { type: 'ping' },
      { type: 'content_block_start', index: 0, content_block: { type: 'thinking', thinking: '', signature: '' } },
      { type: 'content_block_delta', index: 0, delta: { type: 'thinking_delta', thinking: 'First.' } },
      { type: 'content_block_delta', index: 0, delta: { type: 'thinking_delta', thinking: '\n\nSecond.' } },
      { type: 'content_block_delta', index: 0, delta: { type: 'signature_delta', signature: encodeOpenAiReasoning(REASONING) } },
      { type: 'content_block_stop', index: 0 },
      { type: 'content_block_start', index: 1, content_block: { type: 'text', text: '' } },
      { type: 'content_block_delta', index: 1, delta: { type: 'text_delta', text: 'List' } },
      { type: 'content_block_delta', index: 1, delta: { type: 'text_delta', text: 'ing.' } },
      { type: 'content_block_stop', index: 1 },
      { type: 'content_block_start', index: 2, content_block: { type: 'tool_use', id: 'call_1', name: 'ls', input: {} } },
      { type: 'content_block_delta', index: 2, delta: { type: 'input_json_delta', partial_json: '{"dir":' } },
      { type: 'content_block_delta', index: 2, delta: { type: 'input_json_delta', partial_json: '"."}' } },
      { type: 'content_block_stop', index: 2 },
      {
        type: 'message_delta',
        delta: { stop_reason: 'tool_use', stop_sequence: null },
        usage: { input_tokens: 20, cache_creation_input_tokens: 0, cache_read_input_tokens: 100, output_tokens: 30 },
      },
      { type: 'message_stop' },
    ]);
    expect(protocol.complete).toBe(true);
    expect(protocol.upstreamFailure).toBeUndefined();
    expect(protocol.usage).toEqual({
      inputTokens: 120,
      cachedInputTokens: 100,
      cacheWriteTokens: 0,
      cacheWrite1hTokens: 0,
      outputTokens: 30,
      reasoningTokens: 12,
    });
  });

  it.each<[string, Json[], Json[]]>([
    [
      'reasoning without a streamed summary, sent whole when done',
      [{ type: 'response.output_item.done', output_index: 0, item: { ...REASONING, summary: [{ type: 'summary_text', text: 'Whole.' }] } }],
      [
        { type: 'content_block_start', index: 0, content_block: { type: 'thinking', thinking: '', signature: '' } },
        { type: 'content_block_delta', index: 0, delta: { type: 'thinking_delta', thinking: 'Whole.' } },
        {
          type: 'content_block_delta',
          index: 0,
          delta: {
            type: 'signature_delta',
            signature: encodeOpenAiReasoning({ ...REASONING, summary: [{ type: 'summary_text', text: 'Whole.' }] }),
          },
        },
        { type: 'content_block_stop', index: 0 },
      ],
    ],
    [
      'reasoning with nothing to show or replay (thinking was not asked for)',
      [
        { type: 'response.output_item.added', output_index: 0, item: { id: 'rs_2', type: 'reasoning', summary: [] } },
        { type: 'response.output_item.done', output_index: 0, item: { id: 'rs_2', type: 'reasoning', summary: [] } },
      ],
      [],
    ],
    [
      'raw reasoning text deltas (open-weight models on OpenAI-compatible servers)',
      [
        { type: 'response.reasoning_text.delta', output_index: 0, content_index: 0, delta: 'Raw.' },
        {
          type: 'response.output_item.done',
          output_index: 0,
          item: { id: 'rs_3', type: 'reasoning', summary: [], content: [{ type: 'reasoning_text', text: 'Raw.' }] },
        },
      ],
      [
        { type: 'content_block_start', index: 0, content_block: { type: 'thinking', thinking: '', signature: '' } },
        { type: 'content_block_delta', index: 0, delta: { type: 'thinking_delta', thinking: 'Raw.' } },
        {
          type: 'content_block_delta',
          index: 0,
          delta: { type: 'signature_delta', signature: encodeOpenAiReasoning({ id: 'rs_3', summary: [] }) },
        },
        { type: 'content_block_stop', index: 0 },
      ],
    ],
    [
      'a function call whose arguments come only when done',
      [
        { type: 'response.output_item.added', output_index: 0, item: { ...CALL, arguments: '' } },
        { type: 'response.output_item.done', output_index: 0, item: CALL },
      ],
      [
        { type: 'content_block_start', index: 0, content_block: { type: 'tool_use', id: 'call_1', name: 'ls', input: {} } },
        { type: 'content_block_delta', index: 0, delta: { type: 'input_json_delta', partial_json: '{"dir":"."}' } },
        { type: 'content_block_stop', index: 0 },
      ],
    ],
    [
      'text sent whole when done',
      [{ type: 'response.output_item.done', output_index: 0, item: TEXT }],
      [
        { type: 'content_block_start', index: 0, content_block: { type: 'text', text: '' } },
        { type: 'content_block_delta', index: 0, delta: { type: 'text_delta', text: 'Listing.' } },
        { type: 'content_block_stop', index: 0 },
      ],
    ],
  ])('streams %s', (_name, middle, blocks) => {
    const { events } = run([created, ...middle, completed([])]);
    expect(events.slice(2, -2)).toEqual(blocks);
  });

  it('ends an answer cut by the output cap with max_tokens', () => {
    const { events, protocol } = run([
      created,
      { type: 'response.output_text.delta', output_index: 0, content_index: 0, delta: 'Hel' },
      {
        type: 'response.incomplete',
        response: response([], { status: 'incomplete', incomplete_details: { reason: 'max_output_tokens' } }),
      },
    ]);
    expect(events.at(-2)).toMatchObject({ type: 'message_delta', delta: { stop_reason: 'max_tokens' } });
    expect(protocol.complete).toBe(true);
  });

  it.each<[string, Json, Json]>([
    [
      'response.failed',
      { type: 'response.failed', response: { id: 'resp_7', status: 'failed', error: { code: 'server_error', message: 'boom' } } },
      { code: 'server_error', message: 'boom' },
    ],
    [
      'an error event',
      { type: 'error', code: 'rate_limit_exceeded', message: 'slow down' },
      { code: 'rate_limit_exceeded', message: 'slow down' },
    ],
  ])('ends on %s with an Anthropic error event, recorded as the provider’s failure', (_name, failure, recorded) => {
    const { events, protocol } = run([created, { type: 'response.output_text.delta', output_index: 0, delta: 'Hi' }, failure]);
    expect(events.slice(-2)).toEqual([
      { type: 'content_block_stop', index: 0 },
      { type: 'error', error: { type: expect.any(String), message: recorded.message } },
    ]);
    expect(protocol.complete).toBe(true);
    expect(protocol.upstreamFailure).toEqual(recorded);
  });

  it('tells a failure of its own as an Anthropic error event, and is incomplete without a terminal event', () => {
    const protocol = new ResponsesAsMessagesStream('m');
    protocol.forward(sse(created));
    expect(protocol.complete).toBe(false);
    expect(parse(protocol.failure(GatewayErrors.upstreamTimeout()))).toEqual([
      { type: 'error', error: { type: 'api_error', message: 'The provider did not answer in time.' } },
    ]);
  });
});
