import { normalizeOpenAiUsage } from '@allot/billing';
import { GatewayError } from '../errors/gateway-error';
import { anthropicUsage } from '../relay/messages-wire';
import { chatToGemini, SKIP_THOUGHT_SIGNATURE } from './chat-to-gemini';
import { ComposedStream } from './composed-stream';
import { GeminiAsChatStream, geminiToChat } from './gemini-to-chat';
import { messagesToOpenAiChat } from './messages-to-openai';
import { ChatAsMessagesStream, carriedThinkingBlock, openAiChatToMessage } from './openai-to-messages';
import { carriedReasoning, dropGatewayThinking, encodeReasoning, REASONING_DELTA, reasoningSummaryWanted } from './reasoning-carrier';

/** Claude Code (the Anthropic Messages wire) on Gemini models: thought signatures and summaries as thinking blocks. */

type Json = Record<string, unknown>;

const SIGNATURE = 'CiQBcsjafE0p/+Zb7Jt4dVw==' + 'q'.repeat(200);
const SUMMARY = 'Planning: list the files – “carefully”.';
const CALL_ID = 'call_r1_0';
const GEMINI_BLOCK = {
  type: 'thinking',
  thinking: SUMMARY,
  signature: encodeReasoning('gemini', [{ toolCallId: CALL_ID, thoughtSignature: SIGNATURE }]),
};
const CLAUDE_BLOCK = { type: 'thinking', thinking: 'Claude thought.', signature: 'EqQBCkgIARABGAIiQL+/0==' };
const TOOL_USE = { type: 'tool_use', id: CALL_ID, name: 'ls', input: { dir: '.' } };

/** Events of an Anthropic stream, parsed. */
const events = (text: string): Json[] =>
  text
    .split('\n\n')
    .filter(Boolean)
    .map((e) => JSON.parse(/^data: (.*)$/m.exec(e)![1]!) as Json);

const geminiAnswer = (parts: Json[], usage: Json = { promptTokenCount: 40, candidatesTokenCount: 9, thoughtsTokenCount: 16 }) => ({
  candidates: [{ content: { role: 'model', parts }, finishReason: 'STOP' }],
  usageMetadata: usage,
  responseId: 'r1',
});
const geminiSse = (parts: Json[], finishReason?: string) =>
  `data: ${JSON.stringify({
    candidates: [{ content: { role: 'model', parts }, ...(finishReason ? { finishReason } : {}) }],
    usageMetadata: { promptTokenCount: 40, candidatesTokenCount: 9, thoughtsTokenCount: 16, totalTokenCount: 65 },
    responseId: 'r1',
  })}`;

/** A Messages request through both legs, as the gateway sends it to a Gemini model. */
const toGemini = (body: Json, model = 'gemini-3-pro-preview') =>
  chatToGemini(messagesToOpenAiChat({ model: 'gemini/x', max_tokens: 2000, ...body }, model, 'gemini', { carry: 'gemini' }), model);

describe('Messages → Gemini: replayed thinking blocks (messagesToOpenAiChat with carry)', () => {
  const turn = (assistant: Json[]) => [
    { role: 'user', content: 'list files' },
    { role: 'assistant', content: assistant },
    { role: 'user', content: [{ type: 'tool_result', tool_use_id: CALL_ID, content: 'a.txt' }] },
  ];

  it.each<[string, Json[], string | undefined]>([
    ['the gateway’s thinking block: the real signature on its call', [GEMINI_BLOCK, TOOL_USE], SIGNATURE],
    [
      'a summary-only block and a signature-only block (a stream with text between): the real signature',
      [
        { type: 'thinking', thinking: SUMMARY, signature: encodeReasoning('gemini', []) },
        { type: 'text', text: 'Listing.' },
        { type: 'thinking', thinking: '', signature: GEMINI_BLOCK.signature },
        TOOL_USE,
      ],
      SIGNATURE,
    ],
    ['no thinking block: the documented skip value', [TOOL_USE], SKIP_THOUGHT_SIGNATURE],
    ['Claude’s own thinking (a session moved from Claude): dropped, the skip value', [CLAUDE_BLOCK, TOOL_USE], SKIP_THOUGHT_SIGNATURE],
    ['a redacted_thinking block: dropped, the skip value', [{ type: 'redacted_thinking', data: 'EmwK' }, TOOL_USE], SKIP_THOUGHT_SIGNATURE],
    [
      'an Anthropic-encoded gateway block (another vendor’s): dropped',
      [{ type: 'thinking', thinking: 'x', signature: encodeReasoning('anthropic', [CLAUDE_BLOCK]) }, TOOL_USE],
      SKIP_THOUGHT_SIGNATURE,
    ],
  ])('%s', (_name, assistant, expected) => {
    const out = toGemini({ messages: turn(assistant), tools: [{ name: 'ls', input_schema: { type: 'object' } }] });
    const model = (out.contents as { role: string; parts: Json[] }[])[1]!;
    expect(model.role).toBe('model');
    const call = model.parts.find((p) => p.functionCall)!;
    expect(call).toEqual({ functionCall: { name: 'ls', args: { dir: '.' } }, thoughtSignature: expected });
    // Thinking text never reaches Gemini as content: only the signature goes back.
    expect(JSON.stringify(out)).not.toContain('Planning');
    expect(JSON.stringify(out)).not.toContain('Claude thought');
  });

  it('carries the decoded signatures and the summary on the assistant chat message, where no serialization sees them', () => {
    const chat = messagesToOpenAiChat({ model: 'm', max_tokens: 10, messages: turn([GEMINI_BLOCK, TOOL_USE]) }, 'g', 'gemini', {
      carry: 'gemini',
    });
    const assistant = (chat.messages as Json[])[1]!;
    expect(carriedReasoning(assistant)).toEqual({
      vendor: 'gemini',
      items: [{ toolCallId: CALL_ID, thoughtSignature: SIGNATURE }],
      summary: [SUMMARY],
    });
    expect(JSON.stringify(chat)).not.toContain('allot.gemini');
  });

  it('keeps dropping every thinking block for OpenAI-wire models (no carry)', () => {
    const chat = messagesToOpenAiChat({ model: 'm', max_tokens: 10, messages: turn([GEMINI_BLOCK, TOOL_USE]) }, 'gpt', 'openai');
    expect(carriedReasoning((chat.messages as Json[])[1])).toBeUndefined();
    expect(JSON.stringify(chat)).not.toContain('allot.gemini');
  });

  it('refuses an altered gateway signature with a 400 naming the thinking block', () => {
    const altered = { ...GEMINI_BLOCK, signature: 'allot.gemini.v1.%%%' };
    let error: unknown;
    try {
      toGemini({ messages: turn([altered, TOOL_USE]) });
    } catch (e) {
      error = e;
    }
    expect(error).toBeInstanceOf(GatewayError);
    expect((error as GatewayError).message).toBe(
      'The signature of a thinking block in "messages" was altered: replay it as it was received.',
    );
  });

  it.each<[string, string, Json | undefined, Json | undefined]>([
    [
      'Gemini 3 Pro, a low budget',
      'gemini-3-pro-preview',
      { type: 'enabled', budget_tokens: 1024 },
      { thinkingLevel: 'low', includeThoughts: true },
    ],
    [
      'Gemini 3 Pro, a large budget',
      'gemini-3-pro-preview',
      { type: 'enabled', budget_tokens: 16000 },
      { thinkingLevel: 'high', includeThoughts: true },
    ],
    [
      'Gemini 3 Flash, a medium budget',
      'gemini-3-flash-preview',
      { type: 'enabled', budget_tokens: 4096 },
      { thinkingLevel: 'medium', includeThoughts: true },
    ],
    [
      'Gemini 2.5 Flash, a medium budget',
      'gemini-2.5-flash',
      { type: 'enabled', budget_tokens: 8192 },
      { thinkingBudget: 8192, includeThoughts: true },
    ],
    ['thinking not asked for', 'gemini-3-pro-preview', undefined, undefined],
    ['thinking disabled', 'gemini-3-pro-preview', { type: 'disabled' }, undefined],
    ['adaptive thinking: the model’s own level, with summaries', 'gemini-3-pro-preview', { type: 'adaptive' }, { includeThoughts: true }],
  ])('maps thinking to Gemini thinking with thought summaries: %s', (_name, model, thinking, expected) => {
    const out = toGemini({ messages: [{ role: 'user', content: 'hi' }], ...(thinking ? { thinking } : {}) }, model);
    expect((out.generationConfig as Json).thinkingConfig).toEqual(expected);
  });

  it('asks for summaries only on the carrying leg', () => {
    const body = {
      model: 'm',
      max_tokens: 2000,
      thinking: { type: 'enabled', budget_tokens: 1024 },
      messages: [{ role: 'user', content: 'hi' }],
    };
    expect(reasoningSummaryWanted(messagesToOpenAiChat(body, 'g', 'gemini', { carry: 'gemini' }))).toBe(true);
    expect(reasoningSummaryWanted(messagesToOpenAiChat(body, 'gpt', 'openai'))).toBe(false);
  });
});

describe('Gemini → Messages JSON answers (openAiChatToMessage with carry)', () => {
  const call = { functionCall: { name: 'ls', args: { dir: '.' } } };
  it.each<[string, Json[], Json[]]>([
    [
      'thought summary and a signed call: one thinking block first',
      [
        { text: SUMMARY, thought: true },
        { ...call, thoughtSignature: SIGNATURE },
      ],
      [GEMINI_BLOCK, TOOL_USE],
    ],
    [
      'a signed call without summaries: an empty thinking text',
      [{ ...call, thoughtSignature: SIGNATURE }],
      [{ ...GEMINI_BLOCK, thinking: '' }, TOOL_USE],
    ],
    [
      'text and parallel calls (only the first signed)',
      [{ text: 'Listing.' }, { ...call, thoughtSignature: SIGNATURE }, { functionCall: { name: 'pwd', args: {} } }],
      [
        { ...GEMINI_BLOCK, thinking: '' },
        { type: 'text', text: 'Listing.' },
        TOOL_USE,
        { type: 'tool_use', id: 'call_r1_1', name: 'pwd', input: {} },
      ],
    ],
    [
      'a summary with plain text: a thinking block with no signatures',
      [{ text: SUMMARY, thought: true }, { text: 'Hi.' }],
      [
        { type: 'thinking', thinking: SUMMARY, signature: encodeReasoning('gemini', []) },
        { type: 'text', text: 'Hi.' },
      ],
    ],
    ['no thoughts, no signatures: no thinking block', [{ text: 'Hi.' }], [{ type: 'text', text: 'Hi.' }]],
  ])('%s', (_name, parts, content) => {
    const message = openAiChatToMessage(geminiToChat(geminiAnswer(parts), 'gemini/g', 1, 'req'), 'gemini/g', true);
    expect(message.content).toEqual(content);
  });

  it('counts the thoughts in output_tokens and tells them apart as thinking_tokens', () => {
    const message = openAiChatToMessage(geminiToChat(geminiAnswer([{ text: 'Hi.' }]), 'gemini/g', 1, 'req'), 'gemini/g', true);
    expect(message.usage).toEqual({
      input_tokens: 40,
      cache_creation_input_tokens: 0,
      cache_read_input_tokens: 0,
      output_tokens: 25,
      output_tokens_details: { thinking_tokens: 16 },
    });
  });

  it('leaves OpenAI-wire answers as they were: no thinking block, no thinking_tokens', () => {
    const chat = geminiToChat(
      geminiAnswer([
        { text: SUMMARY, thought: true },
        { ...call, thoughtSignature: SIGNATURE },
      ]),
      'g',
      1,
      'r',
    );
    const message = openAiChatToMessage(chat, 'g');
    expect((message.content as Json[]).map((b) => b.type)).toEqual(['tool_use']);
    expect(message.usage).not.toHaveProperty('output_tokens_details');
    expect(
      anthropicUsage(normalizeOpenAiUsage({ prompt_tokens: 5, completion_tokens: 9, completion_tokens_details: { reasoning_tokens: 4 } })),
    ).not.toHaveProperty('output_tokens_details');
  });

  it('round-trips: the thinking block replayed (through JSON) puts the real signature back on the call', () => {
    const message = openAiChatToMessage(
      geminiToChat(
        geminiAnswer([
          { text: SUMMARY, thought: true },
          { ...call, thoughtSignature: SIGNATURE },
        ]),
        'g',
        1,
        'r',
      ),
      'g',
      true,
    );
    const replayed = JSON.parse(JSON.stringify(message.content)) as Json[];
    const out = toGemini({
      messages: [
        { role: 'user', content: 'list' },
        { role: 'assistant', content: replayed },
        { role: 'user', content: [{ type: 'tool_result', tool_use_id: CALL_ID, content: 'a.txt' }] },
      ],
    });
    expect((out.contents as Json[])[1]).toEqual({
      role: 'model',
      parts: [{ functionCall: { name: 'ls', args: { dir: '.' } }, thoughtSignature: SIGNATURE }],
    });
  });
});

describe('Gemini → Messages streams (GeminiAsChatStream → ChatAsMessagesStream, carrying)', () => {
  const run = (sse: string[], carry = true) => {
    const stream = new ComposedStream(
      new GeminiAsChatStream('gemini/g', 1, true, 'req', carry),
      new ChatAsMessagesStream('gemini/g', carry),
    );
    const out = sse.map((e) => stream.forward(e) ?? '').join('') + (stream.upstreamEnded() ?? '');
    return { stream, all: events(out) };
  };
  /** The content the SDK would assemble from the events. */
  const blocks = (all: Json[]) => {
    const content: Json[] = [];
    for (const e of all) {
      if (e.type === 'content_block_start') content[e.index as number] = { ...(e.content_block as Json) };
      if (e.type !== 'content_block_delta') continue;
      const block = content[e.index as number]!;
      const delta = e.delta as Json;
      if (delta.type === 'thinking_delta') block.thinking = String(block.thinking) + String(delta.thinking);
      if (delta.type === 'signature_delta') block.signature = delta.signature;
      if (delta.type === 'text_delta') block.text = String(block.text) + String(delta.text);
      if (delta.type === 'input_json_delta') block.json = String(block.json ?? '') + String(delta.partial_json);
    }
    return content.map(({ json, ...b }) => (json === undefined ? b : { ...b, input: JSON.parse(String(json)) as unknown }));
  };

  it.each<[string, string[], Json[]]>([
    [
      'thought summaries, then a signed call: one thinking block (thinking_delta…, signature_delta) before the tool_use',
      [
        geminiSse([{ text: 'Planning: list ', thought: true }]),
        geminiSse([{ text: 'the files – “carefully”.', thought: true }]),
        geminiSse([{ functionCall: { name: 'ls', args: { dir: '.' } }, thoughtSignature: SIGNATURE }]),
        geminiSse([{ text: '' }], 'STOP'),
      ],
      [GEMINI_BLOCK, TOOL_USE],
    ],
    [
      'a signed call without summaries: a thinking block with an empty text',
      [geminiSse([{ functionCall: { name: 'ls', args: { dir: '.' } }, thoughtSignature: SIGNATURE }]), geminiSse([{ text: '' }], 'STOP')],
      [{ ...GEMINI_BLOCK, thinking: '' }, TOOL_USE],
    ],
    [
      'summaries, text, then the signed call: the signature in a thinking block of its own before the tool_use',
      [
        geminiSse([{ text: SUMMARY, thought: true }]),
        geminiSse([{ text: 'Listing.' }]),
        geminiSse([{ functionCall: { name: 'ls', args: { dir: '.' } }, thoughtSignature: SIGNATURE }]),
        geminiSse([{ text: '' }], 'STOP'),
      ],
      [
        { type: 'thinking', thinking: SUMMARY, signature: encodeReasoning('gemini', []) },
        { type: 'text', text: 'Listing.' },
        { ...GEMINI_BLOCK, thinking: '' },
        TOOL_USE,
      ],
    ],
    ['plain text: no thinking block', [geminiSse([{ text: 'Hi.' }], 'STOP')], [{ type: 'text', text: 'Hi.' }]],
  ])('%s', (_name, sse, content) => {
    const { stream, all } = run(sse);
    expect(blocks(all)).toEqual(content);
    // As Claude streams it: the signature is the thinking block’s last delta, just before its stop.
    all.forEach((e, i) => {
      if ((e.delta as Json | undefined)?.type === 'signature_delta')
        expect(all[i + 1]).toEqual({ type: 'content_block_stop', index: e.index });
    });
    expect(all.at(-1)).toEqual({ type: 'message_stop' });
    expect(stream.complete).toBe(true);
  });

  it('starts the thinking block as Claude does and reports the thoughts in the usage, as the ledger counts them', () => {
    const { stream, all } = run([
      geminiSse([{ text: SUMMARY, thought: true }]),
      geminiSse([{ functionCall: { name: 'ls', args: { dir: '.' } }, thoughtSignature: SIGNATURE }]),
      geminiSse([{ text: '' }], 'STOP'),
    ]);
    expect(all.find((e) => e.type === 'content_block_start')).toEqual({
      type: 'content_block_start',
      index: 0,
      content_block: { type: 'thinking', thinking: '', signature: '' },
    });
    const delta = all.find((e) => e.type === 'message_delta')!;
    expect(delta).toMatchObject({
      delta: { stop_reason: 'tool_use' },
      usage: { input_tokens: 40, output_tokens: 25, output_tokens_details: { thinking_tokens: 16 } },
    });
    expect(stream.usage).toMatchObject({ inputTokens: 40, outputTokens: 25, reasoningTokens: 16 });
  });

  it('ignores carried reasoning deltas when not created to carry (OpenAI-wire streams never have them)', () => {
    const stream = new ChatAsMessagesStream('m');
    const chunk = (delta: Json) => `data: ${JSON.stringify({ id: 'chatcmpl-1', choices: [{ index: 0, delta, finish_reason: null }] })}`;
    const out = [
      chunk({ role: 'assistant', content: '' }),
      chunk({ [REASONING_DELTA]: { vendor: 'gemini', text: 'secret' } }),
      chunk({ content: 'Hi' }),
      'data: [DONE]',
    ]
      .map((e) => stream.forward(e) ?? '')
      .join('');
    expect(out).not.toContain('thinking');
    expect(out).not.toContain('secret');
  });

  it('encodes the signature as the Responses leg does', () => {
    expect(carriedThinkingBlock('gemini', [{ toolCallId: 'c', thoughtSignature: 's' }], ['a', 'b'])).toEqual({
      type: 'thinking',
      thinking: 'a\n\nb',
      signature: encodeReasoning('gemini', [{ toolCallId: 'c', thoughtSignature: 's' }]),
    });
  });
});

describe('dropGatewayThinking (a Claude Code session moved on to a Claude model)', () => {
  const text = { type: 'text', text: 'Listing.' };
  const openAiBlock = { type: 'thinking', thinking: 'GPT', signature: 'allot.openai.v1.e30' };
  it.each<[string, Json[], boolean, Json[]]>([
    [
      'drops the gateway’s thinking blocks (Gemini’s, GPT’s), keeps Claude’s own and redacted thinking',
      [
        { role: 'user', content: 'hi' },
        { role: 'assistant', content: [GEMINI_BLOCK, text, TOOL_USE] },
        { role: 'assistant', content: [CLAUDE_BLOCK, { type: 'redacted_thinking', data: 'EmwK' }, openAiBlock, text] },
      ],
      true,
      [
        { role: 'user', content: 'hi' },
        { role: 'assistant', content: [text, TOOL_USE] },
        { role: 'assistant', content: [CLAUDE_BLOCK, { type: 'redacted_thinking', data: 'EmwK' }, text] },
      ],
    ],
    [
      'leaves messages without them as they are',
      [
        { role: 'user', content: 'hi' },
        { role: 'assistant', content: [CLAUDE_BLOCK, text] },
      ],
      false,
      [
        { role: 'user', content: 'hi' },
        { role: 'assistant', content: [CLAUDE_BLOCK, text] },
      ],
    ],
  ])('%s', (_name, messages, dropped, after) => {
    const original = JSON.stringify(messages);
    const body: Json = { model: 'claude', messages };
    expect(dropGatewayThinking(body)).toBe(dropped);
    expect(body.messages).toEqual(after);
    // The client’s objects are never changed; an untouched request is not copied.
    expect(JSON.stringify(messages)).toBe(original);
    if (!dropped) expect(body.messages).toBe(messages);
  });

  it.each<[string, Json[], boolean]>([
    [
      'turns thinking off for a tool loop whose calls were signed by the other vendor (Claude would refuse it)',
      [
        { role: 'user', content: 'list' },
        { role: 'assistant', content: [GEMINI_BLOCK, TOOL_USE] },
        { role: 'user', content: [{ type: 'tool_result', tool_use_id: String(TOOL_USE.id), content: 'a b' }] },
      ],
      false,
    ],
    [
      'keeps thinking on once that loop has ended',
      [
        { role: 'user', content: 'list' },
        { role: 'assistant', content: [GEMINI_BLOCK, TOOL_USE] },
        { role: 'user', content: [{ type: 'tool_result', tool_use_id: String(TOOL_USE.id), content: 'a b' }] },
        { role: 'assistant', content: [text] },
        { role: 'user', content: 'and now?' },
      ],
      true,
    ],
  ])('%s', (_name, messages, thinkingKept) => {
    const body: Json = { model: 'claude', messages, thinking: { type: 'enabled', budget_tokens: 1024 } };
    expect(dropGatewayThinking(body)).toBe(true);
    expect('thinking' in body).toBe(thinkingKept);
  });
});
