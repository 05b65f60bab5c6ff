import { GatewayError } from '../errors/gateway-error';
import {
  DROPPED_THINKING,
  OPENAI_REASONING_PREFIX,
  decodeOpenAiReasoning,
  encodeOpenAiReasoning,
  messagesToResponses,
} from './messages-to-responses';

type Json = Record<string, unknown>;

const translate = (body: Json, adjusted?: string[]) =>
  messagesToResponses({ model: 'openai/gpt', max_tokens: 100, ...body }, 'gpt-x', adjusted);
const user = (content: unknown) => ({ role: 'user', content });

const REASONING = {
  id: 'rs_1',
  type: 'reasoning',
  summary: [{ type: 'summary_text', text: 'Plan: list.' }],
  encrypted_content: 'gAAAAB+/=opaque==',
};
const signed = encodeOpenAiReasoning(REASONING);

describe('messagesToResponses', () => {
  it('maps system, user parts, assistant text, tool use, tool results, and the gateway’s own thinking as its reasoning item', () => {
    const adjusted: string[] = [];
    const out = translate(
      {
        system: [
          { type: 'text', text: 'Be brief.', cache_control: { type: 'ephemeral' } },
          { type: 'text', text: 'Use tools.' },
        ],
        messages: [
          user([
            { type: 'text', text: 'What is this?' },
            { type: 'image', source: { type: 'base64', media_type: 'image/png', data: 'iVBO' } },
            { type: 'image', source: { type: 'url', url: 'https://example.com/a.png' } },
            { type: 'document', title: 'Q3', source: { type: 'base64', media_type: 'application/pdf', data: 'JVBE' } },
            { type: 'document', source: { type: 'url', url: 'https://example.com/a.pdf' } },
          ]),
          {
            role: 'assistant',
            content: [
              { type: 'thinking', thinking: 'Plan: list.', signature: signed },
              { type: 'text', text: 'Checking.' },
              { type: 'tool_use', id: 'call_1', name: 'ls', input: { dir: '.' } },
              { type: 'tool_use', id: 'call_2', name: 'cat', input: {} },
            ],
          },
          user([
            {
              type: 'tool_result',
              tool_use_id: 'call_1',
              content: [
                { type: 'text', text: 'a' },
                { type: 'text', text: 'b' },
              ],
            },
            { type: 'tool_result', tool_use_id: 'call_2', content: 'denied', is_error: true },
            { type: 'text', text: 'Go on.' },
          ]),
        ],
      },
      adjusted,
    );
    expect(out).toEqual({
      model: 'gpt-x',
      instructions: 'Be brief.\n\nUse tools.',
      input: [
        {
          type: 'message',
          role: 'user',
          content: [
            { type: 'input_text', text: 'What is this?' },
            { type: 'input_image', image_url: 'data:image/png;base64,iVBO', detail: 'auto' },
            { type: 'input_image', image_url: 'https://example.com/a.png', detail: 'auto' },
            { type: 'input_file', filename: 'Q3', file_data: 'data:application/pdf;base64,JVBE' },
            { type: 'input_file', file_url: 'https://example.com/a.pdf' },
          ],
        },
        { type: 'reasoning', id: 'rs_1', summary: REASONING.summary, encrypted_content: 'gAAAAB+/=opaque==' },
        { type: 'message', role: 'assistant', content: [{ type: 'output_text', text: 'Checking.' }] },
        { type: 'function_call', call_id: 'call_1', name: 'ls', arguments: '{"dir":"."}' },
        { type: 'function_call', call_id: 'call_2', name: 'cat', arguments: '{}' },
        { type: 'function_call_output', call_id: 'call_1', output: 'a\n\nb' },
        { type: 'function_call_output', call_id: 'call_2', output: 'Error: denied' },
        { type: 'message', role: 'user', content: [{ type: 'input_text', text: 'Go on.' }] },
      ],
      max_output_tokens: 100,
      store: false,
    });
    expect(adjusted).toEqual([]);
  });

  it('keeps a tool result with an image as a list of input parts', () => {
    const out = translate({
      messages: [
        user([
          {
            type: 'tool_result',
            tool_use_id: 'call_1',
            is_error: true,
            content: [
              { type: 'text', text: 'shot' },
              { type: 'image', source: { type: 'base64', media_type: 'image/png', data: 'iVBO' } },
            ],
          },
        ]),
      ],
    });
    expect(out.input).toEqual([
      {
        type: 'function_call_output',
        call_id: 'call_1',
        output: [
          { type: 'input_text', text: 'Error:' },
          { type: 'input_text', text: 'shot' },
          { type: 'input_image', image_url: 'data:image/png;base64,iVBO', detail: 'auto' },
        ],
      },
    ]);
  });

  it.each<[string, Json, Json]>([
    [
      'tools, any, no parallel calls',
      {
        tools: [
          { name: 'ls', description: 'List', input_schema: { type: 'object', properties: {} } },
          { type: 'custom', name: 'x' },
        ],
        tool_choice: { type: 'any', disable_parallel_tool_use: true },
      },
      {
        tools: [
          { type: 'function', name: 'ls', description: 'List', parameters: { type: 'object', properties: {} }, strict: false },
          { type: 'function', name: 'x', parameters: { type: 'object', properties: {} }, strict: false },
        ],
        tool_choice: 'required',
        parallel_tool_calls: false,
      },
    ],
    ['tool choice auto', { tool_choice: { type: 'auto' } }, { tool_choice: 'auto' }],
    ['tool choice none', { tool_choice: { type: 'none' } }, { tool_choice: 'none' }],
    ['a named tool', { tool_choice: { type: 'tool', name: 'ls' } }, { tool_choice: { type: 'function', name: 'ls' } }],
    [
      'sampling, user, stream, empty stop sequences',
      { temperature: 0.3, top_p: 0.8, metadata: { user_id: 'u-1' }, stream: true, stop_sequences: [] },
      { temperature: 0.3, top_p: 0.8, user: 'u-1', stream: true, store: false },
    ],
    [
      'thinking with a budget',
      { thinking: { type: 'enabled', budget_tokens: 10000 } },
      { reasoning: { effort: 'high', summary: 'auto' }, include: ['reasoning.encrypted_content'], store: false },
    ],
    [
      'a small thinking budget',
      { thinking: { type: 'enabled', budget_tokens: 1024 } },
      { reasoning: { effort: 'low', summary: 'auto' }, include: ['reasoning.encrypted_content'] },
    ],
    ['adaptive thinking', { thinking: { type: 'adaptive' } }, { reasoning: { summary: 'auto' }, include: ['reasoning.encrypted_content'] }],
    [
      'adaptive thinking with an output effort',
      { thinking: { type: 'adaptive' }, output_config: { effort: 'medium' } },
      { reasoning: { effort: 'medium', summary: 'auto' }, include: ['reasoning.encrypted_content'] },
    ],
    [
      'an output effort over a thinking budget',
      { thinking: { type: 'enabled', budget_tokens: 1024 }, output_config: { effort: 'max' } },
      { reasoning: { effort: 'high', summary: 'auto' } },
    ],
    [
      'an output effort without thinking: reasoning carried, no summary',
      { output_config: { effort: 'low' } },
      { reasoning: { effort: 'low' }, include: ['reasoning.encrypted_content'] },
    ],
    [
      'structured output',
      { output_config: { format: { type: 'json_schema', schema: { type: 'object' } } } },
      { text: { format: { type: 'json_schema', name: 'response', schema: { type: 'object' }, strict: true } } },
    ],
  ])('maps %s', (_name, body, expected) => {
    expect(translate({ messages: [user('x')], ...body })).toMatchObject(expected);
  });

  it('asks for no reasoning when thinking is off', () => {
    const out = translate({ messages: [user('x')], thinking: { type: 'disabled' } });
    expect(out).not.toHaveProperty('reasoning');
    expect(out).not.toHaveProperty('include');
  });

  it.each<[string, Json[]]>([
    ['thinking Anthropic signed', [{ type: 'thinking', thinking: 'hmm', signature: 'EqQBCkYIBxgCKkB…' }]],
    ['redacted thinking', [{ type: 'redacted_thinking', data: 'EmwKAhgB…' }]],
    ['thinking the gateway signed for Gemini', [{ type: 'thinking', thinking: '', signature: 'allot.gemini.v1.W10' }]],
  ])('drops %s, which OpenAI cannot verify, and reports it', (_name, blocks) => {
    const adjusted: string[] = [];
    const out = translate(
      { messages: [user('x'), { role: 'assistant', content: [...blocks, { type: 'text', text: 'Hi.' }] }, user('y')] },
      adjusted,
    );
    expect((out.input as Json[]).map((i) => i.type)).toEqual(['message', 'message', 'message']);
    expect(adjusted).toEqual([DROPPED_THINKING]);
  });

  it('leaves out, silently, its own reasoning that came without encrypted content', () => {
    const adjusted: string[] = [];
    const signature = encodeOpenAiReasoning({ id: 'rs_2', summary: [{ type: 'summary_text', text: 'x' }] });
    const out = translate(
      { messages: [user('x'), { role: 'assistant', content: [{ type: 'thinking', thinking: 'x', signature }] }] },
      adjusted,
    );
    expect(out.input).toEqual([{ type: 'message', role: 'user', content: [{ type: 'input_text', text: 'x' }] }]);
    expect(adjusted).toEqual([]);
  });

  it('round-trips a reasoning item through its signature, and refuses an altered one with a 400', () => {
    expect(signed.startsWith(OPENAI_REASONING_PREFIX)).toBe(true);
    expect(decodeOpenAiReasoning(signed)).toEqual({ id: 'rs_1', encrypted_content: 'gAAAAB+/=opaque==', summary: REASONING.summary });
    expect(decodeOpenAiReasoning('EqQBCkYIBxgC')).toBeUndefined();
    expect(() => decodeOpenAiReasoning(`${OPENAI_REASONING_PREFIX}not-json`)).toThrow(GatewayError);
    const altered = OPENAI_REASONING_PREFIX + Buffer.from('{"summary":"x"}').toString('base64url');
    expect(() => decodeOpenAiReasoning(altered)).toThrow(/altered/);
  });

  it.each<[string, Json, string]>([
    ['top_k', { top_k: 5 }, '"top_k"'],
    ['stop sequences (Responses has no stop)', { stop_sequences: ['END'] }, '"stop_sequences"'],
    ['a server tool', { tools: [{ type: 'bash_20250124', name: 'bash' }] }, '"bash_20250124" tool'],
    ['an unknown tool choice', { tool_choice: { type: 'sometimes' } }, '"tool_choice"'],
    ['an unknown output effort', { output_config: { effort: 'extreme' } }, '"output_config.effort" "extreme"'],
    ['another output_config setting', { output_config: { task_budget: 1000 } }, '"output_config.task_budget"'],
    ['an output format other than a JSON schema', { output_config: { format: { type: 'grammar' } } }, 'output format of type "grammar"'],
    [
      'a document from the Files API',
      { messages: [user([{ type: 'document', source: { type: 'file', file_id: 'file_1' } }])] },
      '"document" block with a Files API source',
    ],
    [
      'a search result block',
      { messages: [user([{ type: 'search_result', source: 'x', title: 't', content: [] }])] },
      '"search_result" block',
    ],
    [
      'a server tool use in history',
      { messages: [user('x'), { role: 'assistant', content: [{ type: 'server_tool_use' }] }] },
      '"server_tool_use"',
    ],
    ['a system role message', { messages: [{ role: 'system', content: 'x' }] }, 'role "system"'],
    ['unknown fields', { container: 'c1' }, '"container"'],
  ])('refuses %s with a 400 naming it', (_name, body, named) => {
    let caught: unknown;
    try {
      translate({ messages: [user('x')], ...body });
    } catch (error) {
      caught = error;
    }
    expect(caught).toBeInstanceOf(GatewayError);
    expect((caught as GatewayError).status).toBe(400);
    expect((caught as GatewayError).message).toContain(named);
    expect((caught as GatewayError).message).toContain('Responses API');
  });
});
