import { GatewayError } from '../errors/gateway-error';
import { chatToGemini, SKIP_THOUGHT_SIGNATURE } from './chat-to-gemini';
import { chatToMessages } from './chat-to-messages';
import { ChatAsResponsesStream, chatToResponse } from './chat-to-responses';
import { ComposedStream } from './composed-stream';
import { GeminiAsChatStream, geminiToChat } from './gemini-to-chat';
import { MessagesAsChatStream, messagesToChat } from './messages-to-chat';
import { carriedReasoning, decodeReasoning, dropGatewayReasoning, encodeReasoning, REASONING_DELTA } from './reasoning-carrier';
import { responsesToChat, ResponsesTools } from './responses-to-chat';

type Json = Record<string, unknown>;

/** Events of a Responses stream, parsed. */
const events = (text: string): Json[] =>
  text
    .split('\n\n')
    .filter(Boolean)
    .map((e) => JSON.parse(/^data: (.*)$/m.exec(e)![1]!) as Json);

const anthropicSse = (type: string, data: Json) => `event: ${type}\ndata: ${JSON.stringify({ type, ...data })}`;
const geminiSse = (parts: Json[], finishReason?: string) =>
  `data: ${JSON.stringify({
    candidates: [{ content: { role: 'model', parts }, ...(finishReason ? { finishReason } : {}) }],
    usageMetadata: { promptTokenCount: 40, candidatesTokenCount: 9, thoughtsTokenCount: 16, totalTokenCount: 65 },
    responseId: 's1',
  })}`;

/** A signature with every base64 character and a multi-byte thinking text: what must come back byte for byte. */
const SIGNATURE = 'EqQBCkgIARABGAIiQL+/0==' + 'x'.repeat(300);
const THINKING = { type: 'thinking', thinking: 'I should list the files – “carefully”.', signature: SIGNATURE };
const REDACTED = { type: 'redacted_thinking', data: 'EmwKAhgBEgy3va3pzix/LafPsn4aDFIT2Xlx' };

describe('carried reasoning encoding', () => {
  it.each<[string, unknown, 'anthropic' | 'gemini', Json[] | undefined]>([
    ['its own vendor', encodeReasoning('anthropic', [THINKING]), 'anthropic', [THINKING]],
    ['another vendor (skipped)', encodeReasoning('gemini', [{ toolCallId: 'c', thoughtSignature: 's' }]), 'anthropic', undefined],
    ['OpenAI’s own encrypted_content (skipped)', 'gAAAAABo-opaque', 'anthropic', undefined],
    ['no encrypted_content (skipped)', null, 'gemini', undefined],
  ])('decodes %s', (_name, encrypted, vendor, expected) => {
    expect(decodeReasoning(encrypted, vendor)).toEqual(expected);
  });

  it('is versioned and prefixed, and refuses an altered value with a 400', () => {
    expect(encodeReasoning('anthropic', [])).toMatch(/^allot\.anthropic\.v1\.[A-Za-z0-9_-]*$/);
    expect(encodeReasoning('gemini', [])).toMatch(/^allot\.gemini\.v1\./);
    expect(() => decodeReasoning('allot.anthropic.v1.%%%not-base64', 'anthropic')).toThrow(GatewayError);
    expect(() => decodeReasoning(`allot.anthropic.v1.${Buffer.from('{"a":1}').toString('base64url')}`, 'anthropic')).toThrow('was altered');
  });
});

describe('dropGatewayReasoning (a conversation moved to a model with its own Responses API)', () => {
  it.each<[string, unknown, boolean, unknown]>([
    [
      'drops the gateway’s reasoning items, keeps OpenAI’s own',
      [
        { type: 'reasoning', id: 'rs_1', summary: [], encrypted_content: encodeReasoning('anthropic', [THINKING]) },
        { type: 'reasoning', id: 'rs_2', summary: [], encrypted_content: 'gAAAA-openai' },
        { type: 'message', role: 'user', content: 'hi' },
      ],
      true,
      [
        { type: 'reasoning', id: 'rs_2', summary: [], encrypted_content: 'gAAAA-openai' },
        { type: 'message', role: 'user', content: 'hi' },
      ],
    ],
    [
      'leaves an input without them as it is',
      [{ type: 'message', role: 'user', content: 'hi' }],
      false,
      [{ type: 'message', role: 'user', content: 'hi' }],
    ],
    ['leaves a string input', 'hi', false, 'hi'],
  ])('%s', (_name, input, dropped, after) => {
    const body: Json = { model: 'gpt', input };
    expect(dropGatewayReasoning(body)).toBe(dropped);
    expect(body.input).toEqual(after);
    if (!dropped) expect(body.input).toBe(input);
  });
});

describe('Claude’s thinking through the chat intermediate (Responses ↔ Anthropic)', () => {
  const answer = {
    id: 'msg_1',
    content: [THINKING, REDACTED, { type: 'text', text: 'Listing.' }, { type: 'tool_use', id: 'toolu_1', name: 'ls', input: { dir: '.' } }],
    stop_reason: 'tool_use',
    usage: { input_tokens: 10, output_tokens: 30 },
  };

  it('keeps the blocks off the chat wire: chat clients and OpenAI-wire upstreams never see them', () => {
    const chat = messagesToChat(answer, 'anthropic/claude', 1);
    expect(JSON.stringify(chat)).not.toContain('EqQB');
    expect(JSON.stringify(chat)).not.toContain('carefully');
    expect(carriedReasoning((chat.choices as Json[])[0]!.message)).toEqual({
      vendor: 'anthropic',
      items: [THINKING, REDACTED],
      summary: [THINKING.thinking],
    });
  });

  it('returns a reasoning item first, and replays its blocks byte-identical, first in the assistant turn', () => {
    const chat = messagesToChat(answer, 'anthropic/claude', 1);
    const response = chatToResponse(chat, 'resp_abc', 'anthropic/claude', 1);
    const output = response.output as Json[];
    expect(output.map((i) => i.type)).toEqual(['reasoning', 'message', 'function_call']);
    expect(output[0]).toEqual({
      id: 'rs_abc',
      type: 'reasoning',
      summary: [{ type: 'summary_text', text: THINKING.thinking }],
      encrypted_content: encodeReasoning('anthropic', [THINKING, REDACTED]),
    });
    // Usage: Claude’s output tokens include the thinking; Anthropic reports no split.
    expect(response.usage).toMatchObject({ output_tokens: 30, output_tokens_details: { reasoning_tokens: 0 } });

    // Turn 2, as Codex sends it: the output items replayed (through JSON), then the tool output.
    const input = [
      { type: 'message', role: 'user', content: 'list' },
      ...(JSON.parse(JSON.stringify(output)) as Json[]),
      { type: 'function_call_output', call_id: 'toolu_1', output: 'a.txt' },
    ];
    const request = chatToMessages(
      responsesToChat({ model: 'x', input, reasoning: { effort: 'low' } }, 'claude', { carry: 'anthropic' }),
      'claude',
      1000,
    );
    expect(request.messages).toEqual([
      { role: 'user', content: [{ type: 'text', text: 'list' }] },
      {
        role: 'assistant',
        content: [
          THINKING,
          REDACTED,
          { type: 'text', text: 'Listing.' },
          { type: 'tool_use', id: 'toolu_1', name: 'ls', input: { dir: '.' } },
        ],
      },
      { role: 'user', content: [{ type: 'tool_result', tool_use_id: 'toolu_1', content: 'a.txt' }] },
    ]);
    expect(JSON.stringify(request)).toContain(JSON.stringify(THINKING));
    expect(request).toMatchObject({ thinking: { type: 'enabled', budget_tokens: 1024 } });
  });

  it.each<[string, Record<string, unknown>]>([
    ['without a vendor to carry for (an OpenAI-wire upstream)', {}],
    ['for another vendor', { carry: 'gemini' }],
  ])('skips the reasoning items %s', (_name, options) => {
    const input = [
      { type: 'message', role: 'user', content: 'list' },
      { type: 'reasoning', id: 'rs_1', summary: [], encrypted_content: encodeReasoning('anthropic', [THINKING]) },
      { type: 'function_call', call_id: 'c1', name: 'ls', arguments: '{}' },
    ];
    const chat = responsesToChat({ model: 'x', input }, 'm', options);
    expect(carriedReasoning((chat.messages as Json[])[1])).toBeUndefined();
    expect(JSON.stringify(chat)).not.toContain('allot.');
  });

  it('streams a reasoning item before the call, as OpenAI does, with the signed blocks in encrypted_content', () => {
    const stream = new ComposedStream(
      new MessagesAsChatStream('anthropic/claude', 1, true, true),
      new ChatAsResponsesStream('resp_abc', 'anthropic/claude', 1, undefined, true),
    );
    const upstream = [
      anthropicSse('message_start', { message: { id: 'msg_1', usage: { input_tokens: 10, output_tokens: 1 } } }),
      anthropicSse('content_block_start', { index: 0, content_block: { type: 'thinking', thinking: '', signature: '' } }),
      anthropicSse('content_block_delta', { index: 0, delta: { type: 'thinking_delta', thinking: THINKING.thinking.slice(0, 10) } }),
      anthropicSse('content_block_delta', { index: 0, delta: { type: 'thinking_delta', thinking: THINKING.thinking.slice(10) } }),
      anthropicSse('content_block_delta', { index: 0, delta: { type: 'signature_delta', signature: SIGNATURE } }),
      anthropicSse('content_block_stop', { index: 0 }),
      anthropicSse('content_block_start', { index: 1, content_block: REDACTED }),
      anthropicSse('content_block_stop', { index: 1 }),
      anthropicSse('content_block_start', { index: 2, content_block: { type: 'tool_use', id: 'toolu_1', name: 'ls', input: {} } }),
      anthropicSse('content_block_delta', { index: 2, delta: { type: 'input_json_delta', partial_json: '{"dir":"."}' } }),
      anthropicSse('content_block_stop', { index: 2 }),
      anthropicSse('message_delta', { delta: { stop_reason: 'tool_use' }, usage: { output_tokens: 30 } }),
      anthropicSse('message_stop', {}),
    ];
    const all = events(upstream.map((e) => stream.forward(e) ?? '').join(''));
    expect(all.map((e) => e.type)).toEqual([
      'response.created',
      'response.in_progress',
      'response.output_item.added',
      'response.reasoning_summary_part.added',
      'response.reasoning_summary_text.delta',
      'response.reasoning_summary_text.delta',
      'response.reasoning_summary_text.done',
      'response.reasoning_summary_part.done',
      'response.output_item.done',
      'response.output_item.added',
      'response.function_call_arguments.delta',
      'response.function_call_arguments.done',
      'response.output_item.done',
      'response.completed',
    ]);
    expect(all.map((e) => e.sequence_number)).toEqual(all.map((_, i) => i));
    expect(all[2]).toMatchObject({ output_index: 0, item: { type: 'reasoning', summary: [], encrypted_content: null } });
    const reasoning = all[8]!.item as Json;
    expect(reasoning).toMatchObject({ type: 'reasoning', summary: [{ type: 'summary_text', text: THINKING.thinking }] });
    expect(decodeReasoning(reasoning.encrypted_content, 'anthropic')).toEqual([THINKING, REDACTED]);
    expect(all[9]).toMatchObject({ output_index: 1, item: { type: 'function_call', name: 'ls' } });
    const completed = all.at(-1)!.response as Json;
    expect((completed.output as Json[]).map((i) => i.type)).toEqual(['reasoning', 'function_call']);
    expect(completed.usage).toMatchObject({ output_tokens: 30, output_tokens_details: { reasoning_tokens: 0 } });
    expect(stream.usage).toMatchObject({ inputTokens: 10, outputTokens: 30 });
  });

  it('sends chat clients no reasoning chunks (the stream is not created to carry)', () => {
    const stream = new MessagesAsChatStream('anthropic/claude', 1, false);
    const out = [
      anthropicSse('message_start', { message: { id: 'msg_1', usage: {} } }),
      anthropicSse('content_block_start', { index: 0, content_block: { type: 'thinking', thinking: '', signature: '' } }),
      anthropicSse('content_block_delta', { index: 0, delta: { type: 'thinking_delta', thinking: 'hmm' } }),
      anthropicSse('content_block_delta', { index: 0, delta: { type: 'signature_delta', signature: SIGNATURE } }),
      anthropicSse('content_block_stop', { index: 0 }),
      anthropicSse('content_block_start', { index: 1, content_block: REDACTED }),
    ]
      .map((e) => stream.forward(e) ?? '')
      .join('');
    expect(out).not.toContain(REASONING_DELTA);
    expect(out).not.toContain('EqQB');
  });
});

describe('Gemini’s thought signatures through the chat intermediate (Responses ↔ Gemini)', () => {
  const answer = {
    responseId: 's1',
    candidates: [
      {
        content: {
          role: 'model',
          parts: [
            { text: 'Planning the listing.', thought: true },
            { functionCall: { name: 'ls', args: { dir: '.' } }, thoughtSignature: 'c2lnbmF0dXJl/+==' },
            { functionCall: { name: 'pwd', args: {} } },
          ],
        },
        finishReason: 'STOP',
      },
    ],
    usageMetadata: { promptTokenCount: 40, candidatesTokenCount: 9, thoughtsTokenCount: 16, totalTokenCount: 65 },
  };

  it.each<[string, string, boolean, (string | undefined)[]]>([
    ['Gemini 3, signature carried', 'gemini-3-pro-preview', true, ['c2lnbmF0dXJl/+==', undefined]],
    ['Gemini 2.5, signature carried', 'gemini-2.5-pro', true, ['c2lnbmF0dXJl/+==', undefined]],
    ['Gemini 3, no reasoning item replayed', 'gemini-3-pro-preview', false, [SKIP_THOUGHT_SIGNATURE, undefined]],
    ['Gemini 2.5, no reasoning item replayed', 'gemini-2.5-pro', false, [undefined, undefined]],
  ])('replays function calls: %s', (_name, model, replayReasoning, expected) => {
    const chat = geminiToChat(answer, 'gemini/x', 1, 'req');
    const response = chatToResponse(chat, 'resp_abc', 'gemini/x', 1);
    const output = JSON.parse(JSON.stringify(response.output)) as Json[];
    expect(output.map((i) => i.type)).toEqual(['reasoning', 'function_call', 'function_call']);
    expect(output[0]).toMatchObject({ summary: [{ type: 'summary_text', text: 'Planning the listing.' }] });
    expect(response.usage).toMatchObject({ output_tokens: 25, output_tokens_details: { reasoning_tokens: 16 } });
    const input = [
      { type: 'message', role: 'user', content: 'list' },
      ...output.filter((i) => replayReasoning || i.type !== 'reasoning'),
      { type: 'function_call_output', call_id: 'call_s1_0', output: 'a.txt' },
      { type: 'function_call_output', call_id: 'call_s1_1', output: '/' },
    ];
    const request = chatToGemini(responsesToChat({ model: 'x', input }, model, { carry: 'gemini' }), model);
    const parts = (request.contents as { parts: Json[] }[])[1]!.parts;
    expect(parts.map((p) => p.thoughtSignature)).toEqual(expected);
  });

  it('streams thought summaries and the signature as a reasoning item before the call', () => {
    const stream = new ComposedStream(
      new GeminiAsChatStream('gemini/x', 1, true, 'req', true),
      new ChatAsResponsesStream('resp_abc', 'gemini/x', 1, undefined, true),
    );
    const upstream = [
      geminiSse([{ text: 'Planning ', thought: true }]),
      geminiSse([{ text: 'the listing.', thought: true }]),
      geminiSse([{ functionCall: { name: 'ls', args: { dir: '.' } }, thoughtSignature: 'c2ln' }]),
      geminiSse([{ text: '' }], 'STOP'),
    ];
    const text = upstream.map((e) => stream.forward(e) ?? '').join('') + (stream.upstreamEnded() ?? '');
    const all = events(text);
    expect(all.map((e) => e.type)).toEqual([
      'response.created',
      'response.in_progress',
      'response.output_item.added',
      'response.reasoning_summary_part.added',
      'response.reasoning_summary_text.delta',
      'response.reasoning_summary_text.delta',
      'response.reasoning_summary_text.done',
      'response.reasoning_summary_part.done',
      'response.output_item.done',
      'response.output_item.added',
      'response.function_call_arguments.delta',
      'response.function_call_arguments.done',
      'response.output_item.done',
      'response.completed',
    ]);
    const reasoning = all[8]!.item as Json;
    expect(reasoning.summary).toEqual([{ type: 'summary_text', text: 'Planning the listing.' }]);
    expect(decodeReasoning(reasoning.encrypted_content, 'gemini')).toEqual([{ toolCallId: 'call_s1_0', thoughtSignature: 'c2ln' }]);
    expect((all.at(-1)!.response as Json).usage).toMatchObject({ output_tokens: 25, output_tokens_details: { reasoning_tokens: 16 } });
  });

  it('asks Gemini for thought summaries when the Responses client asks for a reasoning summary', () => {
    const ask = (reasoning: Json, carry?: 'gemini') =>
      chatToGemini(responsesToChat({ model: 'x', input: 'hi', reasoning }, 'g', carry ? { carry } : {}), 'g').generationConfig;
    expect(ask({ summary: 'auto' }, 'gemini')).toEqual({ thinkingConfig: { includeThoughts: true } });
    expect(ask({ effort: 'low', summary: 'auto' }, 'gemini')).toEqual({ thinkingConfig: { thinkingBudget: 1024, includeThoughts: true } });
    expect(ask({ effort: 'none', summary: 'auto' }, 'gemini')).toEqual({ thinkingConfig: { thinkingBudget: 0 } });
    expect(ask({ summary: 'auto' })).toBeUndefined();
    expect(ask({ effort: 'low' }, 'gemini')).toEqual({ thinkingConfig: { thinkingBudget: 1024 } });
  });

  it('keeps tools and carried reasoning apart: a tool map does not change reasoning', () => {
    const tools = ResponsesTools.of({ tools: [{ type: 'function', name: 'ls' }] });
    const response = chatToResponse(geminiToChat(answer, 'gemini/x', 1, 'req'), 'resp_abc', 'gemini/x', 1, tools);
    expect((response.output as Json[])[0]!.type).toBe('reasoning');
  });
});
