import { GatewayError } from '../errors/gateway-error';
import { chatToGemini, SKIP_THOUGHT_SIGNATURE } from './chat-to-gemini';

const translate = (body: Record<string, unknown>, model = 'gemini-2.5-pro') =>
  chatToGemini({ model: 'gemini/gemini-2.5-pro', ...body }, model);
const user = { messages: [{ role: 'user', content: 'x' }] };
const failure = (body: Record<string, unknown>): GatewayError => {
  try {
    translate(body);
  } catch (error) {
    expect(error).toBeInstanceOf(GatewayError);
    expect((error as GatewayError).status).toBe(400);
    return error as GatewayError;
  }
  throw new Error('expected a 400');
};

describe('chatToGemini', () => {
  it('moves system and developer messages to systemInstruction, maps roles, merges turns and answers tool calls by name', () => {
    const out = translate({
      messages: [
        { role: 'system', content: 'Be brief.' },
        { role: 'developer', content: [{ type: 'text', text: 'Use tools.' }] },
        { role: 'user', content: 'List files' },
        { role: 'user', content: 'in the current folder' },
        {
          role: 'assistant',
          content: 'Listing.',
          tool_calls: [
            { id: 'call_a', type: 'function', function: { name: 'ls', arguments: '{"dir":"."}' } },
            { id: 'call_b', type: 'function', function: { name: 'pwd', arguments: '' } },
          ],
        },
        { role: 'tool', tool_call_id: 'call_b', content: '/home' },
        { role: 'tool', tool_call_id: 'call_a', content: [{ type: 'text', text: 'a b' }] },
        { role: 'user', content: 'And now?' },
      ],
    });
    expect(out).toEqual({
      systemInstruction: { parts: [{ text: 'Be brief.' }, { text: 'Use tools.' }] },
      contents: [
        { role: 'user', parts: [{ text: 'List files' }, { text: 'in the current folder' }] },
        {
          role: 'model',
          parts: [{ text: 'Listing.' }, { functionCall: { name: 'ls', args: { dir: '.' } } }, { functionCall: { name: 'pwd', args: {} } }],
        },
        {
          role: 'user',
          parts: [
            { functionResponse: { name: 'pwd', response: { content: '/home' } } },
            { functionResponse: { name: 'ls', response: { content: 'a b' } } },
            { text: 'And now?' },
          ],
        },
      ],
    });
    expect(out).not.toHaveProperty('model');
    expect(out).not.toHaveProperty('generationConfig');
  });

  it('names a tool call by the latest call with its id (ids may repeat across turns)', () => {
    const call = (name: string) => ({
      role: 'assistant',
      tool_calls: [{ id: 'call_0', type: 'function', function: { name, arguments: '{}' } }],
    });
    const out = translate({
      messages: [
        { role: 'user', content: 'x' },
        call('first'),
        { role: 'tool', tool_call_id: 'call_0', content: '1' },
        call('second'),
        { role: 'tool', tool_call_id: 'call_0', content: '2' },
      ],
    });
    const responses = (out.contents as { parts: { functionResponse?: { name: string } }[] }[]).flatMap((c) =>
      c.parts.flatMap((p) => (p.functionResponse ? [p.functionResponse.name] : [])),
    );
    expect(responses).toEqual(['first', 'second']);
  });

  it('marks replayed function calls for Gemini 3, which requires thought signatures the chat history cannot carry', () => {
    const messages = [
      { role: 'user', content: 'x' },
      {
        role: 'assistant',
        tool_calls: [
          { id: '1', type: 'function', function: { name: 'a', arguments: '{}' } },
          { id: '2', type: 'function', function: { name: 'b', arguments: '{}' } },
        ],
      },
    ];
    const parts = (model: string) => (chatToGemini({ messages }, model).contents as { parts: unknown[] }[])[1]!.parts;
    expect(parts('gemini-3-pro-preview')).toEqual([
      { functionCall: { name: 'a', args: {} }, thoughtSignature: SKIP_THOUGHT_SIGNATURE },
      { functionCall: { name: 'b', args: {} } },
    ]);
    expect(parts('gemini-2.5-pro')).toEqual([{ functionCall: { name: 'a', args: {} } }, { functionCall: { name: 'b', args: {} } }]);
  });

  it('maps media: data URLs to inlineData, image URLs to fileData with their type, audio and inline files', () => {
    const out = translate({
      messages: [
        {
          role: 'user',
          content: [
            { type: 'text', text: 'What is this?' },
            { type: 'image_url', image_url: { url: 'data:image/png;base64,iVBORw0KGgo=', detail: 'high' } },
            { type: 'image_url', image_url: { url: 'https://example.com/cat.JPG?size=large' } },
            { type: 'input_audio', input_audio: { data: 'UklGRg==', format: 'wav' } },
            { type: 'file', file: { filename: 'a.pdf', file_data: 'data:application/pdf;base64,JVBERi0=' } },
          ],
        },
      ],
    });
    expect((out.contents as { parts: unknown[] }[])[0]!.parts).toEqual([
      { text: 'What is this?' },
      { inlineData: { mimeType: 'image/png', data: 'iVBORw0KGgo=' } },
      { fileData: { mimeType: 'image/jpeg', fileUri: 'https://example.com/cat.JPG?size=large' } },
      { inlineData: { mimeType: 'audio/wav', data: 'UklGRg==' } },
      { inlineData: { mimeType: 'application/pdf', data: 'JVBERi0=' } },
    ]);
  });

  it('declares function tools with their JSON Schema as it is', () => {
    const parameters = { type: 'object', properties: { dir: { type: 'string' } }, required: ['dir'], additionalProperties: false };
    const out = translate({
      ...user,
      tools: [
        { type: 'function', function: { name: 'ls', description: 'List', parameters, strict: true } },
        { type: 'function', function: { name: 'pwd' } },
      ],
    });
    expect(out.tools).toEqual([
      { functionDeclarations: [{ name: 'ls', description: 'List', parametersJsonSchema: parameters }, { name: 'pwd' }] },
    ]);
  });

  it.each<[string, unknown, Record<string, unknown>]>([
    ['auto', 'auto', { mode: 'AUTO' }],
    ['none', 'none', { mode: 'NONE' }],
    ['required → ANY', 'required', { mode: 'ANY' }],
    ['a named function → ANY limited to it', { type: 'function', function: { name: 'ls' } }, { mode: 'ANY', allowedFunctionNames: ['ls'] }],
  ])('tool choice: %s', (_name, choice, expected) => {
    const out = translate({ ...user, tools: [{ type: 'function', function: { name: 'ls' } }], tool_choice: choice });
    expect(out.toolConfig).toEqual({ functionCallingConfig: expected });
  });

  it.each<[string, Record<string, unknown>, Record<string, unknown>]>([
    ['max_tokens', { max_tokens: 300 }, { maxOutputTokens: 300 }],
    ['max_completion_tokens wins over max_tokens', { max_tokens: 300, max_completion_tokens: 500 }, { maxOutputTokens: 500 }],
    ['sampling', { temperature: 1.5, top_p: 0.9, seed: 7 }, { temperature: 1.5, topP: 0.9, seed: 7 }],
    ['one stop sequence', { stop: 'END' }, { stopSequences: ['END'] }],
    ['stop sequences', { stop: ['A', 'B'] }, { stopSequences: ['A', 'B'] }],
    ['penalties', { presence_penalty: 0.5, frequency_penalty: -0.5 }, { presencePenalty: 0.5, frequencyPenalty: -0.5 }],
    ['json_object', { response_format: { type: 'json_object' } }, { responseMimeType: 'application/json' }],
    [
      'json_schema → responseJsonSchema',
      { response_format: { type: 'json_schema', json_schema: { name: 'r', strict: true, schema: { type: 'object', properties: {} } } } },
      { responseMimeType: 'application/json', responseJsonSchema: { type: 'object', properties: {} } },
    ],
  ])('generation config: %s', (_name, body, expected) => {
    expect(translate({ ...user, ...body }).generationConfig).toEqual(expected);
  });

  it.each<[string, string, Record<string, unknown>]>([
    ['gemini-2.5-flash', 'low', { thinkingBudget: 1024 }],
    ['gemini-2.5-flash', 'medium', { thinkingBudget: 8192 }],
    ['gemini-2.5-flash', 'high', { thinkingBudget: 24576 }],
    ['gemini-2.5-flash', 'minimal', { thinkingBudget: 0 }],
    ['gemini-2.5-flash-lite', 'none', { thinkingBudget: 0 }],
    ['gemini-2.5-pro', 'none', { thinkingBudget: 128 }],
    ['gemini-2.5-pro', 'minimal', { thinkingBudget: 128 }],
    ['gemini-2.5-pro', 'low', { thinkingBudget: 1024 }],
    ['gemini-2.5-pro', 'high', { thinkingBudget: 32768 }],
    ['gemini-3-pro-preview', 'none', { thinkingLevel: 'low' }],
    ['gemini-3-pro-preview', 'medium', { thinkingLevel: 'high' }],
    ['gemini-3-pro-preview', 'high', { thinkingLevel: 'high' }],
    ['gemini-3-flash-preview', 'minimal', { thinkingLevel: 'minimal' }],
    ['gemini-3-flash-preview', 'medium', { thinkingLevel: 'medium' }],
    ['models/gemini-3-flash-preview', 'low', { thinkingLevel: 'low' }],
  ])('reasoning effort on %s: %s', (model, effort, thinkingConfig) => {
    expect(translate({ ...user, reasoning_effort: effort }, model).generationConfig).toEqual({ thinkingConfig });
  });

  it('accepts neutral defaults and hints, and leaves them out', () => {
    const out = translate({
      ...user,
      stream: true,
      stream_options: { include_usage: true },
      n: 1,
      presence_penalty: 0,
      frequency_penalty: 0,
      logprobs: false,
      logit_bias: {},
      parallel_tool_calls: true,
      store: false,
      response_format: { type: 'text' },
      user: 'u-1',
      safety_identifier: 'u-1',
      prompt_cache_key: 'k',
      metadata: { a: 'b' },
    });
    expect(out).toEqual({ contents: [{ role: 'user', parts: [{ text: 'x' }] }] });
  });

  it.each<[string, Record<string, unknown>, string]>([
    ['n > 1', { n: 2 }, '"n"'],
    ['logprobs', { logprobs: true }, '"logprobs"'],
    ['logit_bias', { logit_bias: { '50256': -100 } }, '"logit_bias"'],
    ['no parallel tool calls', { parallel_tool_calls: false }, '"parallel_tool_calls"'],
    ['stored completions', { store: true }, '"store"'],
    ['audio output', { modalities: ['text', 'audio'] }, '"modalities"'],
    ['unknown fields', { prediction: { type: 'content', content: 'x' } }, '"prediction"'],
    ['an unknown reasoning effort', { reasoning_effort: 'xhigh' }, 'reasoning_effort "xhigh"'],
    ['hosted tools', { tools: [{ type: 'web_search' }] }, 'a tool of type "web_search"'],
    ['custom tools', { tools: [{ type: 'custom', custom: { name: 'x' } }] }, 'a tool of type "custom"'],
    ['allowed_tools', { tools: [{ type: 'function', function: { name: 'ls' } }], tool_choice: { type: 'allowed_tools' } }, '"tool_choice"'],
    [
      'a file by id',
      { messages: [{ role: 'user', content: [{ type: 'file', file: { file_id: 'file-abc' } }] }] },
      '"file" content part without inline base64 "file_data" (a file_id)',
    ],
    [
      'a file by URL (a Responses input_file)',
      { messages: [{ role: 'user', content: [{ type: 'file', file: { file_url: 'https://example.com/a.pdf' } }] }] },
      '"file" content part without inline base64 "file_data" (a file_url)',
    ],
    [
      'an image URL of unknown type',
      { messages: [{ role: 'user', content: [{ type: 'image_url', image_url: { url: 'https://example.com/image' } }] }] },
      'cannot be told from this URL',
    ],
    [
      'audio of another format',
      { messages: [{ role: 'user', content: [{ type: 'input_audio', input_audio: { data: '', format: 'flac' } }] }] },
      'input_audio of format "flac"',
    ],
    [
      'an image in a system message',
      { messages: [{ role: 'system', content: [{ type: 'image_url', image_url: { url: 'x' } }] }] },
      'system message',
    ],
    ['legacy function messages', { messages: [{ role: 'function', name: 'f', content: 'x' }] }, 'role "function"'],
  ])('refuses %s as unsupported, naming it', (_name, body, named) => {
    const error = failure({ ...user, ...body });
    expect(error.code).toBe('unsupported');
    expect(error.message).toContain(named);
  });

  it.each<[string, Record<string, unknown>, string]>([
    ['no messages', { messages: [] }, '"messages" must be a non-empty array'],
    ['only a system message', { messages: [{ role: 'system', content: 'x' }] }, 'At least one user or assistant message'],
    [
      'a tool answer without its call',
      {
        messages: [
          { role: 'user', content: 'x' },
          { role: 'tool', tool_call_id: 'nope', content: 'r' },
        ],
      },
      '"nope"',
    ],
    [
      'arguments that are not JSON',
      { messages: [{ role: 'assistant', tool_calls: [{ id: 'c', type: 'function', function: { name: 'f', arguments: '{' } }] }] },
      'not valid JSON',
    ],
    [
      'arguments that are not an object',
      { messages: [{ role: 'assistant', tool_calls: [{ id: 'c', type: 'function', function: { name: 'f', arguments: '[1]' } }] }] },
      'must be a JSON object',
    ],
    ['a tool choice without tools', { tool_choice: 'required' }, '"tool_choice" requires "tools"'],
    [
      'an image that is not a URL',
      { messages: [{ role: 'user', content: [{ type: 'image_url', image_url: { url: 'ftp://x/y.png' } }] }] },
      'http(s)',
    ],
  ])('refuses %s as an invalid request', (_name, body, message) => {
    const error = failure({ ...user, ...body });
    expect(error.code).toBe('invalid_request');
    expect(error.message).toContain(message);
  });
});
