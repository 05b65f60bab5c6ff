import { GatewayErrors } from '../errors/gateway-error';
import { GeminiAsChatStream, geminiToChat } from './gemini-to-chat';

type Json = Record<string, unknown>;
const sse = (data: Json) => `data: ${JSON.stringify(data)}`;
const chunks = (out: (string | undefined)[]) =>
  out
    .filter((s): s is string => !!s)
    .join('')
    .split('\n\n')
    .filter(Boolean)
    .map((e) => e.replace(/^data: /, ''))
    .map((d) => (d === '[DONE]' ? d : (JSON.parse(d) as Json)));
const choice = (chunk: unknown) => (chunk as { choices: { delta: Json; finish_reason: string | null }[] }).choices[0]!;
const answer = (candidate: Json, usageMetadata: Json = { promptTokenCount: 10, candidatesTokenCount: 2 }) => ({
  candidates: [{ index: 0, ...candidate }],
  usageMetadata,
  modelVersion: 'gemini-2.5-pro',
  responseId: 'r1',
});

describe('geminiToChat', () => {
  it('joins text without thoughts, makes function calls tool calls with stable ids, and maps usage with cache and thoughts', () => {
    const chat = geminiToChat(
      answer(
        {
          content: {
            role: 'model',
            parts: [
              { text: 'I should list.', thought: true },
              { text: 'Listing ' },
              { text: 'now.' },
              { functionCall: { name: 'ls', args: { dir: '.' } }, thoughtSignature: 'c2ln' },
              { functionCall: { name: 'pwd' } },
            ],
          },
          finishReason: 'STOP',
        },
        { promptTokenCount: 120, cachedContentTokenCount: 100, candidatesTokenCount: 20, thoughtsTokenCount: 30, totalTokenCount: 170 },
      ),
      'gemini/gemini-2.5-pro',
      1_764_460_800,
      'req-1',
    );
    expect(chat).toEqual({
      id: 'chatcmpl-r1',
      object: 'chat.completion',
      created: 1_764_460_800,
      model: 'gemini/gemini-2.5-pro',
      choices: [
        {
          index: 0,
          message: {
            role: 'assistant',
            content: 'Listing now.',
            tool_calls: [
              { id: 'call_r1_0', type: 'function', function: { name: 'ls', arguments: '{"dir":"."}' } },
              { id: 'call_r1_1', type: 'function', function: { name: 'pwd', arguments: '{}' } },
            ],
            refusal: null,
          },
          finish_reason: 'tool_calls',
          logprobs: null,
        },
      ],
      usage: {
        prompt_tokens: 120,
        completion_tokens: 50,
        total_tokens: 170,
        prompt_tokens_details: { cached_tokens: 100 },
        completion_tokens_details: { reasoning_tokens: 30 },
      },
    });
  });

  it.each([
    ['STOP', 'stop'],
    ['MAX_TOKENS', 'length'],
    ['SAFETY', 'content_filter'],
    ['RECITATION', 'content_filter'],
    ['BLOCKLIST', 'content_filter'],
    ['PROHIBITED_CONTENT', 'content_filter'],
    ['SPII', 'content_filter'],
    ['LANGUAGE', 'stop'],
    ['OTHER', 'stop'],
    ['MALFORMED_FUNCTION_CALL', 'stop'],
  ])('finish reason %s → %s', (reason, finish) => {
    const chat = geminiToChat(answer({ content: { parts: [{ text: 'x' }] }, finishReason: reason }), 'm', 0, 'req');
    expect(choice(chat).finish_reason).toBe(finish);
  });

  it('keeps length over tool_calls when the output was cut during a call', () => {
    const chat = geminiToChat(
      answer({ content: { parts: [{ functionCall: { name: 'f', args: {} } }] }, finishReason: 'MAX_TOKENS' }),
      'm',
      0,
      'r',
    );
    expect(choice(chat).finish_reason).toBe('length');
  });

  it('answers a safety stop without content as an empty content_filter answer', () => {
    const chat = geminiToChat(answer({ finishReason: 'SAFETY', safetyRatings: [] }), 'm', 0, 'req');
    expect((chat.choices as Json[])[0]).toMatchObject({ message: { role: 'assistant', content: '' }, finish_reason: 'content_filter' });
  });

  it('answers a blocked prompt (no candidates) as an empty content_filter answer billed for its prompt', () => {
    const chat = geminiToChat(
      {
        promptFeedback: { blockReason: 'PROHIBITED_CONTENT' },
        usageMetadata: { promptTokenCount: 12, totalTokenCount: 12 },
        responseId: 'b',
      },
      'm',
      0,
      'req',
    );
    expect(chat).toMatchObject({
      id: 'chatcmpl-b',
      choices: [{ message: { content: '' }, finish_reason: 'content_filter' }],
      usage: { prompt_tokens: 12, completion_tokens: 0, total_tokens: 12 },
    });
  });

  it('falls back to the request id and to call_<n> ids when Gemini sends no response id', () => {
    const chat = geminiToChat({ candidates: [{ content: { parts: [{ functionCall: { name: 'f', args: {} } }] } }] }, 'm', 0, 'req-9');
    expect(chat.id).toBe('chatcmpl-req-9');
    expect(choice(chat)).toMatchObject({ finish_reason: 'tool_calls' });
    expect(((chat.choices as Json[])[0]!.message as { tool_calls: Json[] }).tool_calls[0]!.id).toBe('call_0');
  });
});

describe('GeminiAsChatStream', () => {
  const usage = (candidates: number, thoughts = 0) => ({
    promptTokenCount: 40,
    cachedContentTokenCount: 8,
    ...(candidates ? { candidatesTokenCount: candidates } : {}),
    ...(thoughts ? { thoughtsTokenCount: thoughts } : {}),
  });
  const event = (parts: Json[] | undefined, finishReason?: string, u: Json = usage(1)) =>
    sse({
      candidates: [{ ...(parts ? { content: { role: 'model', parts } } : {}), ...(finishReason ? { finishReason } : {}), index: 0 }],
      usageMetadata: u,
      modelVersion: 'gemini-2.5-pro',
      responseId: 's1',
    });

  it('streams a role chunk, text deltas without thoughts, a finish chunk, then usage and [DONE] once the upstream ended', () => {
    const stream = new GeminiAsChatStream('gemini/gemini-2.5-pro', 1, true, 'req');
    const out = [
      event([{ text: 'Thinking…', thought: true }], undefined, usage(0, 16)),
      event([{ text: 'Hello ' }], undefined, usage(2, 16)),
      event([{ text: 'world' }], 'STOP', usage(3, 16)),
    ].map((e) => stream.forward(e));
    expect(stream.complete).toBe(false); // Gemini's SSE has no terminal event: the end of the body is the end
    out.push(stream.upstreamEnded());
    expect(stream.complete).toBe(true);
    const c = chunks(out);
    expect(c.slice(0, -2).map((x) => choice(x).delta)).toEqual([
      { role: 'assistant', content: '' },
      { content: 'Hello ' },
      { content: 'world' },
      {},
    ]);
    expect(choice(c.at(-3)).finish_reason).toBe('stop');
    expect(c[0]).toMatchObject({ id: 'chatcmpl-s1', object: 'chat.completion.chunk', model: 'gemini/gemini-2.5-pro', usage: null });
    expect(c.at(-2)).toEqual({
      id: 'chatcmpl-s1',
      object: 'chat.completion.chunk',
      created: 1,
      model: 'gemini/gemini-2.5-pro',
      choices: [],
      usage: {
        prompt_tokens: 40,
        completion_tokens: 19,
        total_tokens: 59,
        prompt_tokens_details: { cached_tokens: 8 },
        completion_tokens_details: { reasoning_tokens: 16 },
      },
    });
    expect(c.at(-1)).toBe('[DONE]');
    expect(stream.usage).toEqual({
      inputTokens: 40,
      cachedInputTokens: 8,
      cacheWriteTokens: 0,
      cacheWrite1hTokens: 0,
      outputTokens: 19,
      reasoningTokens: 16,
    });
  });

  it('sends each function call whole in one tool-call chunk and finishes with tool_calls; no usage chunk unless asked', () => {
    const stream = new GeminiAsChatStream('m', 1, false, 'req');
    const out = [
      event([{ text: 'Let me look.' }]),
      event([{ functionCall: { name: 'ls', args: { dir: '.' } }, thoughtSignature: 'c2ln' }]),
      event([{ functionCall: { name: 'pwd', args: {} } }]),
      event([{ text: '' }], 'STOP', usage(9)),
    ].map((e) => stream.forward(e));
    out.push(stream.upstreamEnded());
    const c = chunks(out);
    expect(c.slice(0, -1).map((x) => choice(x).delta)).toEqual([
      { role: 'assistant', content: '' },
      { content: 'Let me look.' },
      { tool_calls: [{ index: 0, id: 'call_s1_0', type: 'function', function: { name: 'ls', arguments: '{"dir":"."}' } }] },
      { tool_calls: [{ index: 1, id: 'call_s1_1', type: 'function', function: { name: 'pwd', arguments: '{}' } }] },
      {},
    ]);
    expect(choice(c.at(-2)).finish_reason).toBe('tool_calls');
    expect(c.at(-1)).toBe('[DONE]');
    expect(c.some((x) => typeof x === 'object' && 'usage' in x)).toBe(false);
    expect(stream.usage).toMatchObject({ inputTokens: 40, outputTokens: 9 });
  });

  it('ends a safety stop with content_filter, and a blocked prompt (no candidates) too', () => {
    const stopped = new GeminiAsChatStream('m', 1, false, 'req');
    const a = chunks([stopped.forward(event([{ text: 'Sure, ' }])), stopped.forward(event(undefined, 'SAFETY')), stopped.upstreamEnded()]);
    expect(choice(a.at(-2)).finish_reason).toBe('content_filter');

    const blocked = new GeminiAsChatStream('m', 1, true, 'req');
    const b = chunks([
      blocked.forward(sse({ promptFeedback: { blockReason: 'SAFETY' }, usageMetadata: { promptTokenCount: 7, totalTokenCount: 7 } })),
      blocked.upstreamEnded(),
    ]);
    expect(b.slice(0, 2).map((x) => choice(x))).toEqual([
      { index: 0, delta: { role: 'assistant', content: '' }, finish_reason: null, logprobs: null },
      { index: 0, delta: {}, finish_reason: 'content_filter', logprobs: null },
    ]);
    expect(b[0]).toMatchObject({ id: 'chatcmpl-req' });
    expect(b.at(-2)).toMatchObject({ usage: { prompt_tokens: 7, completion_tokens: 0 } });
    expect(blocked.complete).toBe(true);
  });

  it('is not complete when the upstream ends before a finish reason, and sends nothing to close it', () => {
    const stream = new GeminiAsChatStream('m', 1, true, 'req');
    stream.forward(event([{ text: 'Hel' }]));
    expect(stream.upstreamEnded()).toBeUndefined();
    expect(stream.complete).toBe(false);
    expect(stream.usage).toMatchObject({ inputTokens: 40, outputTokens: 1 }); // what was generated so far
    expect(chunks([stream.failure(GatewayErrors.upstreamUnreachable(), 'cut')])[0]).toMatchObject({ error: { message: 'cut' } });
  });

  it('relays an upstream error event as a chat error chunk and marks the call failed', () => {
    const stream = new GeminiAsChatStream('m', 1, false, 'req');
    stream.forward(event([{ text: 'Hi' }]));
    const out = stream.forward(sse({ error: { code: 500, message: 'Internal error encountered.', status: 'INTERNAL' } }));
    expect(chunks([out])[0]).toEqual({
      error: { message: 'Internal error encountered.', type: 'api_error', param: null, code: 'internal' },
    });
    expect(stream.upstreamFailure).toEqual({ code: 'internal', message: 'Internal error encountered.' });
    expect(stream.complete).toBe(true);
    expect(stream.upstreamEnded()).toBeUndefined();
  });

  it('ignores comments and undecodable events', () => {
    const stream = new GeminiAsChatStream('m', 1, false, 'req');
    expect(stream.forward(': keep-alive')).toBeUndefined();
    expect(stream.forward('data: {not json')).toBeUndefined();
  });
});
