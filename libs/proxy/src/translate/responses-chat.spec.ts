import { GatewayError } from '../errors/gateway-error';
import { ChatAsResponsesStream, chatToResponse } from './chat-to-responses';
import { ComposedStream } from './composed-stream';
import { MessagesAsChatStream, messagesToChat } from './messages-to-chat';
import { responsesToChat, ResponsesTools } from './responses-to-chat';

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
    [
      'hosted tools other than web search',
      { tools: [{ type: 'code_interpreter', container: { type: 'auto' } }] },
      'a tool of type "code_interpreter"',
    ],
    ['tool search run by the server', { tools: [{ type: 'tool_search', execution: 'server' }] }, '"tool_search" run by the server'],
    [
      'compaction items (OpenAI’s encrypted window)',
      { input: [{ type: 'compaction', encrypted_content: 'x' }] },
      'an input item of type "compaction"',
    ],
    [
      'two tools that flatten to one name',
      {
        tools: [
          { type: 'function', name: 'ns__a' },
          { type: 'namespace', name: 'ns', description: '', tools: [{ type: 'function', name: 'a' }] },
        ],
      },
      'Two tools would be called "ns__a"',
    ],
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

/** Codex’s tools (codex-client.md §3.4) as Anthropic and Gemini models see them through the chat wire, and back. */
describe('Codex’s tool types through the chat translation', () => {
  const APPLY_PATCH = {
    type: 'custom',
    name: 'apply_patch',
    description: 'Use this tool to edit files.',
    format: { type: 'grammar', syntax: 'lark', definition: 'start: begin_patch hunk+ end_patch' },
  };
  const MULTI_AGENT = {
    type: 'namespace',
    name: 'multi_agent_v1',
    description: 'Sub-agents.',
    tools: [
      {
        type: 'function',
        name: 'spawn_agent',
        description: 'Starts one.',
        parameters: { type: 'object', properties: { task: { type: 'string' } } },
      },
      { type: 'custom', name: 'note' },
    ],
  };
  const TOOL_SEARCH = {
    type: 'tool_search',
    execution: 'client',
    description: 'Find tools.',
    parameters: { type: 'object', properties: { query: { type: 'string' }, limit: { type: 'number' } } },
  };
  const DEFERRED = { type: 'function', name: 'deploy', defer_loading: true, parameters: { type: 'object', properties: {} } };
  const WEB_SEARCH = { type: 'web_search', external_web_access: false };

  it.each<[string, Record<string, unknown>, Record<string, unknown>[], string[]]>([
    [
      'a custom (freeform) tool becomes a function taking its text in "input", its grammar told in the description',
      APPLY_PATCH,
      [
        {
          type: 'function',
          function: {
            name: 'apply_patch',
            description:
              'Use this tool to edit files.\n\nPut the tool\'s whole input, as free-form text (not JSON), in the "input" parameter.\n\nThe input must be valid in this lark grammar:\nstart: begin_patch hunk+ end_patch',
            parameters: {
              type: 'object',
              properties: { input: { type: 'string', description: 'The raw input of apply_patch.' } },
              required: ['input'],
              additionalProperties: false,
            },
          },
        },
      ],
      [],
    ],
    [
      'a namespace becomes its members, flattened to <namespace>__<name> with the namespace described',
      MULTI_AGENT,
      [
        {
          type: 'function',
          function: {
            name: 'multi_agent_v1__spawn_agent',
            description: 'multi_agent_v1: Sub-agents.\n\nStarts one.',
            parameters: { type: 'object', properties: { task: { type: 'string' } } },
          },
        },
        expect.objectContaining({ function: expect.objectContaining({ name: 'multi_agent_v1__note' }) }) as Record<string, unknown>,
      ],
      [],
    ],
    [
      'a client tool search becomes a function tool',
      TOOL_SEARCH,
      [{ type: 'function', function: { name: 'tool_search', description: 'Find tools.', parameters: TOOL_SEARCH.parameters } }],
      [],
    ],
    ['a tool deferred behind tool search stays hidden until a search loads it', DEFERRED, [], []],
    ['web search (hosted by OpenAI) is left out, and named for the response header', WEB_SEARCH, [], ['tools.web_search']],
  ])('%s', (_name, definition, chatTools, omitted) => {
    const tools = ResponsesTools.of({ tools: [definition] });
    expect(tools.chatTools).toEqual(chatTools);
    expect(tools.omitted).toEqual(omitted);
    const chat = responsesToChat({ model: 'x', input: 'hi', tools: [definition], tool_choice: 'auto' }, 'm', { tools });
    expect(chat.tools).toEqual(chatTools.length ? chatTools : undefined);
    // With no tool left, there is no tool choice to make.
    expect(chat.tool_choice).toEqual(chatTools.length ? 'auto' : undefined);
  });

  it('translates Codex’s second-turn items: custom and namespaced calls, their outputs, tool search and what it loaded', () => {
    const body = {
      model: 'x',
      tools: [APPLY_PATCH, MULTI_AGENT, TOOL_SEARCH, DEFERRED, WEB_SEARCH],
      input: [
        { type: 'message', role: 'user', content: [{ type: 'input_text', text: 'go' }] },
        { type: 'custom_tool_call', id: 'ctc_1', call_id: 'call_1', name: 'apply_patch', input: '*** Begin Patch\n*** End Patch\n' },
        { type: 'custom_tool_call_output', id: 'ctco_1', call_id: 'call_1', output: 'Exit code: 0' },
        {
          type: 'function_call',
          id: 'fc_2',
          call_id: 'call_2',
          namespace: 'multi_agent_v1',
          name: 'spawn_agent',
          arguments: '{"task":"t"}',
        },
        { type: 'function_call_output', call_id: 'call_2', output: [{ type: 'input_text', text: 'spawned' }] },
        {
          type: 'tool_search_call',
          id: 'tsc_3',
          call_id: 'call_3',
          arguments: { query: 'deploy' },
          execution: 'client',
          status: 'completed',
        },
        { type: 'tool_search_output', call_id: 'call_3', execution: 'client', tools: [DEFERRED] },
      ],
    };
    const tools = ResponsesTools.of(body);
    const chat = responsesToChat(body, 'm', { tools });
    expect(chat.messages).toEqual([
      { role: 'user', content: 'go' },
      {
        role: 'assistant',
        content: null,
        tool_calls: [
          {
            id: 'call_1',
            type: 'function',
            function: { name: 'apply_patch', arguments: '{"input":"*** Begin Patch\\n*** End Patch\\n"}' },
          },
        ],
      },
      { role: 'tool', tool_call_id: 'call_1', content: 'Exit code: 0' },
      {
        role: 'assistant',
        content: null,
        tool_calls: [{ id: 'call_2', type: 'function', function: { name: 'multi_agent_v1__spawn_agent', arguments: '{"task":"t"}' } }],
      },
      { role: 'tool', tool_call_id: 'call_2', content: 'spawned' },
      {
        role: 'assistant',
        content: null,
        tool_calls: [{ id: 'call_3', type: 'function', function: { name: 'tool_search', arguments: '{"query":"deploy"}' } }],
      },
      { role: 'tool', tool_call_id: 'call_3', content: 'Tools now available: deploy.' },
    ]);
    // The tool the search loaded is callable now.
    expect((chat.tools as { function: { name: string } }[]).map((t) => t.function.name)).toEqual([
      'apply_patch',
      'multi_agent_v1__spawn_agent',
      'multi_agent_v1__note',
      'tool_search',
      'deploy',
    ]);
    expect(tools.omitted).toEqual(['tools.web_search']);
  });

  it.each<[string, string, string, Record<string, unknown>]>([
    [
      'a custom tool’s call as a custom_tool_call with its text input',
      'apply_patch',
      '{"input":"*** Begin Patch"}',
      { type: 'custom_tool_call', name: 'apply_patch', input: '*** Begin Patch', call_id: 'c1', id: 'ctc_abc_0' },
    ],
    [
      'a custom tool’s call whose arguments are not JSON, taken as the text',
      'apply_patch',
      'raw text',
      { type: 'custom_tool_call', input: 'raw text' },
    ],
    [
      'a namespaced function’s call with its own name and namespace',
      'multi_agent_v1__spawn_agent',
      '{"task":"t"}',
      { type: 'function_call', name: 'spawn_agent', namespace: 'multi_agent_v1', arguments: '{"task":"t"}', status: 'completed' },
    ],
    [
      'a namespaced custom tool’s call with its namespace',
      'multi_agent_v1__note',
      '{"input":"n"}',
      { type: 'custom_tool_call', name: 'note', namespace: 'multi_agent_v1', input: 'n' },
    ],
    [
      'a tool search as a tool_search_call run by the client',
      'tool_search',
      '{"query":"deploy"}',
      { type: 'tool_search_call', arguments: { query: 'deploy' }, execution: 'client', status: 'completed', call_id: 'c1' },
    ],
    ['an undeclared name as a plain function call', 'other', '{}', { type: 'function_call', name: 'other', arguments: '{}' }],
  ])('answers %s (JSON)', (_name, chatName, args, item) => {
    const tools = ResponsesTools.of({ tools: [APPLY_PATCH, MULTI_AGENT, TOOL_SEARCH] });
    const chat = {
      choices: [
        {
          message: { content: null, tool_calls: [{ id: 'c1', type: 'function', function: { name: chatName, arguments: args } }] },
          finish_reason: 'tool_calls',
        },
      ],
    };
    const output = chatToResponse(chat, 'resp_abc', 'm', 1, tools).output as Record<string, unknown>[];
    expect(output).toEqual([expect.objectContaining(item)]);
  });

  it('streams a custom tool’s call: output_item.added, custom_tool_call_input.delta and .done, output_item.done', () => {
    const tools = ResponsesTools.of({ tools: [APPLY_PATCH] });
    const stream = new ComposedStream(
      new MessagesAsChatStream('c', 1, true, true),
      new ChatAsResponsesStream('resp_abc', 'c', 1, tools, true),
    );
    const sse = (type: string, data: Record<string, unknown>) => `event: ${type}\ndata: ${JSON.stringify({ type, ...data })}`;
    const patch = '*** Begin Patch\n*** Add File: a.txt\n+hi\n*** End Patch\n';
    const args = JSON.stringify({ input: patch });
    const text = [
      sse('message_start', { message: { id: 'msg_1', usage: { input_tokens: 3 } } }),
      sse('content_block_start', { index: 0, content_block: { type: 'tool_use', id: 'toolu_1', name: 'apply_patch', input: {} } }),
      sse('content_block_delta', { index: 0, delta: { type: 'input_json_delta', partial_json: args.slice(0, 9) } }),
      sse('content_block_delta', { index: 0, delta: { type: 'input_json_delta', partial_json: args.slice(9) } }),
      sse('content_block_stop', { index: 0 }),
      sse('message_delta', { delta: { stop_reason: 'tool_use' }, usage: { output_tokens: 9 } }),
      sse('message_stop', {}),
    ]
      .map((e) => stream.forward(e) ?? '')
      .join('');
    const events = text
      .split('\n\n')
      .filter(Boolean)
      .map((e) => JSON.parse(/^data: (.*)$/m.exec(e)![1]!) as Record<string, unknown>);
    expect(events.map((e) => e.type)).toEqual([
      'response.created',
      'response.in_progress',
      'response.output_item.added',
      'response.custom_tool_call_input.delta',
      'response.custom_tool_call_input.done',
      'response.output_item.done',
      'response.completed',
    ]);
    expect(events[2]).toMatchObject({
      item: { type: 'custom_tool_call', id: 'ctc_abc_0', call_id: 'toolu_1', name: 'apply_patch', input: '' },
    });
    expect(events[3]).toMatchObject({ item_id: 'ctc_abc_0', output_index: 0, delta: patch });
    expect(events[4]).toMatchObject({ item_id: 'ctc_abc_0', output_index: 0, input: patch });
    expect(events[5]).toMatchObject({ item: { type: 'custom_tool_call', call_id: 'toolu_1', name: 'apply_patch', input: patch } });
    expect((events[6]!.response as { output: unknown[] }).output).toEqual([events[5]!.item]);
  });

  it('answers a custom tool’s call from a JSON Claude answer, ready for the next turn', () => {
    const tools = ResponsesTools.of({ tools: [APPLY_PATCH] });
    const chat = messagesToChat(
      {
        id: 'm',
        content: [{ type: 'tool_use', id: 'toolu_1', name: 'apply_patch', input: { input: 'patch' } }],
        stop_reason: 'tool_use',
        usage: {},
      },
      'c',
      1,
    );
    expect(chatToResponse(chat, 'resp_abc', 'c', 1, tools).output).toEqual([
      { id: 'ctc_abc_0', type: 'custom_tool_call', call_id: 'toolu_1', name: 'apply_patch', input: 'patch' },
    ]);
  });
});
