import { GatewayError } from '../errors/gateway-error';
import { chatToMessages } from './chat-to-messages';
import { MessagesAsChatStream, messagesToChat } from './messages-to-chat';
import {
  answerAsAsked,
  JSON_TOOL,
  streamAsAsked,
  structuredAnswer,
  structuredOutputAsTool,
  withStructuredOutput,
} from './structured-output';

type Json = Record<string, unknown>;
const user = [{ role: 'user', content: 'Extract the city.' }];
const CITY = { type: 'object', properties: { city: { type: 'string' } }, required: ['city'], additionalProperties: false };

const refusal = (body: Json): string => {
  try {
    structuredOutputAsTool({ messages: user, ...body });
  } catch (error) {
    expect(error).toBeInstanceOf(GatewayError);
    expect((error as GatewayError).status).toBe(400);
    return (error as GatewayError).message;
  }
  throw new Error('not refused');
};

describe('structuredOutputAsTool', () => {
  it.each<[string, Json, Json | undefined]>([
    [
      'json_schema: the schema as the input schema of a forced tool named after it, one call',
      { type: 'json_schema', json_schema: { name: 'city_answer', description: 'The city named.', schema: CITY, strict: true } },
      {
        tools: [
          {
            type: 'function',
            function: {
              name: 'city_answer',
              description: 'Give your answer as JSON matching this schema. The city named.',
              parameters: CITY,
            },
          },
        ],
        tool_choice: { type: 'function', function: { name: 'city_answer' } },
        parallel_tool_calls: false,
      },
    ],
    [
      'json_schema whose name is no valid tool name: the default name',
      { type: 'json_schema', json_schema: { name: 'city answer!', schema: CITY } },
      {
        tools: [
          {
            type: 'function',
            function: { name: JSON_TOOL, description: 'Give your answer as JSON matching this schema.', parameters: CITY },
          },
        ],
        tool_choice: { type: 'function', function: { name: JSON_TOOL } },
        parallel_tool_calls: false,
      },
    ],
    [
      'json_object: the same forced tool with a permissive object schema',
      { type: 'json_object' },
      {
        tools: [
          {
            type: 'function',
            function: { name: JSON_TOOL, description: 'Give your answer as a JSON object.', parameters: { type: 'object' } },
          },
        ],
        tool_choice: { type: 'function', function: { name: JSON_TOOL } },
        parallel_tool_calls: false,
      },
    ],
    ['text: nothing to force', { type: 'text' }, undefined],
  ])('maps %s', (_name, format, expected) => {
    const { body, tool } = structuredOutputAsTool({ messages: user, response_format: format });
    expect(body).not.toHaveProperty('response_format');
    if (expected) {
      expect(body).toEqual({ messages: user, ...expected });
      expect(tool).toBe((expected.tool_choice as { function: { name: string } }).function.name);
    } else {
      expect(body).toEqual({ messages: user });
      expect(tool).toBeUndefined();
    }
  });

  it('leaves a request without response_format untouched', () => {
    const body = { messages: user, tools: [{ type: 'function', function: { name: 'f' } }] };
    expect(structuredOutputAsTool(body)).toEqual({ body, tool: undefined });
  });

  it('becomes an Anthropic tool and a forced tool_choice without parallel calls', () => {
    const { body } = structuredOutputAsTool({
      messages: user,
      response_format: { type: 'json_schema', json_schema: { name: 'city', schema: CITY } },
    });
    expect(chatToMessages(body, 'claude-sonnet-4-5', 1000)).toMatchObject({
      tools: [{ name: 'city', input_schema: CITY }],
      tool_choice: { type: 'tool', name: 'city', disable_parallel_tool_use: true },
    });
  });

  it.each<[string, Json, string]>([
    [
      'client tools beside it',
      { response_format: { type: 'json_object' }, tools: [{ type: 'function', function: { name: 'f' } }] },
      '"response_format" together with "tools"',
    ],
    [
      'extended thinking',
      { response_format: { type: 'json_object' }, reasoning_effort: 'high' },
      '"response_format" together with "reasoning_effort"',
    ],
    [
      'a schema whose root is not an object',
      { response_format: { type: 'json_schema', json_schema: { name: 'n', schema: { type: 'array' } } } },
      'root is not an object',
    ],
    ['an unknown format', { response_format: { type: 'grammar' } }, 'response_format "grammar"'],
  ])('refuses %s with a 400 naming it', (_name, body, named) => {
    expect(refusal(body)).toContain(named);
  });

  it('accepts reasoning efforts that turn no thinking on', () => {
    expect(structuredOutputAsTool({ messages: user, response_format: { type: 'json_object' }, reasoning_effort: 'minimal' }).tool).toBe(
      JSON_TOOL,
    );
  });
});

describe('structuredAnswer', () => {
  const answer = (content: Json[], stopReason: string) =>
    messagesToChat({ id: 'msg_1', content, stop_reason: stopReason, usage: { input_tokens: 10, output_tokens: 5 } }, 'anthropic/claude', 1);

  it.each<[string, Json[], string, string, string]>([
    ['the forced call', [{ type: 'tool_use', id: 't1', name: 'city', input: { city: 'Paris' } }], 'tool_use', '{"city":"Paris"}', 'stop'],
    [
      'text beside the call is not JSON and is left out',
      [
        { type: 'text', text: 'Here it is:' },
        { type: 'tool_use', id: 't1', name: 'city', input: { city: 'Paris' } },
      ],
      'tool_use',
      '{"city":"Paris"}',
      'stop',
    ],
    ['cut by max_tokens before the call', [], 'max_tokens', '', 'length'],
    ['a refusal', [{ type: 'text', text: 'I cannot.' }], 'refusal', '', 'content_filter'],
  ])('answers %s as JSON content', (_name, content, stopReason, text, finish) => {
    const chat = structuredAnswer(answer(content, stopReason), 'city');
    const choice = (chat.choices as Json[])[0]!;
    expect(choice.message).toEqual({ role: 'assistant', content: text, refusal: null });
    expect(choice.finish_reason).toBe(finish);
    expect(chat.usage).toMatchObject({ prompt_tokens: 10, completion_tokens: 5 });
  });

  it('changes nothing for a call that asked for no structured output', () => {
    const call = {};
    withStructuredOutput({ messages: user }, call);
    const chat = answer([{ type: 'tool_use', id: 't1', name: 'city', input: {} }], 'tool_use');
    expect(answerAsAsked(structuredClone(chat), call)).toEqual(chat);
  });
});

describe('StructuredOutputStream', () => {
  const sse = (type: string, data: Json) => `event: ${type}\ndata: ${JSON.stringify({ type, ...data })}`;
  const events = (withText: boolean) => [
    sse('message_start', { message: { id: 'msg_1', usage: { input_tokens: 10, output_tokens: 1 } } }),
    ...(withText
      ? [
          sse('content_block_start', { index: 0, content_block: { type: 'text', text: '' } }),
          sse('content_block_delta', { index: 0, delta: { type: 'text_delta', text: 'Sure:' } }),
          sse('content_block_stop', { index: 0 }),
        ]
      : []),
    sse('content_block_start', { index: 1, content_block: { type: 'tool_use', id: 't1', name: 'city', input: {} } }),
    sse('content_block_delta', { index: 1, delta: { type: 'input_json_delta', partial_json: '' } }),
    sse('content_block_delta', { index: 1, delta: { type: 'input_json_delta', partial_json: '{"city":' } }),
    sse('content_block_delta', { index: 1, delta: { type: 'input_json_delta', partial_json: '"Paris"}' } }),
    sse('content_block_stop', { index: 1 }),
    sse('message_delta', { delta: { stop_reason: 'tool_use' }, usage: { output_tokens: 7 } }),
    sse('message_stop', {}),
  ];
  const run = (withText: boolean, wantsUsage: boolean) => {
    const call = {};
    withStructuredOutput({ messages: user, response_format: { type: 'json_schema', json_schema: { name: 'city', schema: CITY } } }, call);
    const stream = streamAsAsked(new MessagesAsChatStream('anthropic/claude', 1, wantsUsage), call);
    const out = events(withText)
      .map((e) => stream.forward(e))
      .filter((s): s is string => !!s)
      .join('')
      .split('\n\n')
      .filter(Boolean)
      .map((e) => e.replace(/^data: /, ''))
      .map((d) => (d === '[DONE]' ? d : (JSON.parse(d) as Json)));
    return { stream, out };
  };

  it.each([
    ['only the forced call', false],
    ['text before the call', true],
  ])('streams %s as content deltas of the JSON, finish reason stop, then usage and [DONE]', (_name, withText) => {
    const { stream, out } = run(withText, true);
    const deltas = out
      .filter((c): c is Json => typeof c === 'object' && (c.choices as Json[]).length > 0)
      .map((c) => (c.choices as Json[])[0]!);
    expect(deltas.map((d) => d.delta)).toEqual([{ role: 'assistant', content: '' }, { content: '{"city":' }, { content: '"Paris"}' }, {}]);
    expect(deltas.map((d) => d.finish_reason)).toEqual([null, null, null, 'stop']);
    expect(out.at(-2)).toMatchObject({ choices: [], usage: { prompt_tokens: 10, completion_tokens: 7 } });
    expect(out.at(-1)).toBe('[DONE]');
    expect(stream.complete).toBe(true);
    expect(stream.usage).toMatchObject({ inputTokens: 10, outputTokens: 7 });
  });

  it('leaves the stream of a call without structured output as it was', () => {
    const inner = new MessagesAsChatStream('anthropic/claude', 1, false);
    expect(streamAsAsked(inner, {})).toBe(inner);
  });
});
