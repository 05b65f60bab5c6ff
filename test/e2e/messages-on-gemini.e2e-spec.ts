import Anthropic from '@anthropic-ai/sdk';
import type { ContentBlockParam, MessageParam, RawMessageStreamEvent } from '@anthropic-ai/sdk/resources/messages/messages';
import { startVendorHarness, type VendorHarness } from '../support/gateway-harness';
import { anthropicProvider, geminiProvider } from '../support/org-yaml';

const MODEL = 'gemini/gemini-3-pro-preview';
const CLAUDE = 'anthropic/claude-sonnet-4-5';
const STREAM = '/v1beta/models/gemini-3-pro-preview:streamGenerateContent?alt=sse';
const GENERATE = '/v1beta/models/gemini-3-pro-preview:generateContent';
const BASH = {
  name: 'bash',
  description: 'Runs a shell command.',
  input_schema: { type: 'object' as const, properties: { command: { type: 'string' } }, required: ['command'] },
};
const THINKING = { type: 'enabled' as const, budget_tokens: 2048 };

type Part = Record<string, unknown>;

/**
 * Claude Code on a Gemini 3 model (official @anthropic-ai/sdk): Gemini’s thought signatures and summaries come back as
 * thinking blocks, which the client replays on the next turn, and the real signature reaches Gemini again.
 */
describe('the Anthropic Messages wire on a Gemini 3 model, thinking across tool-use turns (official @anthropic-ai/sdk)', () => {
  let h: VendorHarness;
  let client: Anthropic;

  beforeAll(async () => {
    h = await startVendorHarness(
      (urls) => `
version: 1
providers:
${geminiProvider(urls.gemini)}
${anthropicProvider(urls.anthropic)}
models:
  - slug: ${MODEL}
    prices: [{ effectiveFrom: 2026-01-01, inputPer1M: "2", cachedInputPer1M: "0.2", outputPer1M: "12" }]
  - slug: ${CLAUDE}
members: [{ identifier: dev }]
allocations: [{ member: dev, model: ${MODEL} }, { member: dev, model: ${CLAUDE} }]
keys: [{ member: dev, name: claude-code, allocations: [${MODEL}, ${CLAUDE}] }]
`,
      { ALLOT_UPSTREAM_IDLE_TIMEOUT_MS: '1500' },
    );
    client = h.claude(h.keys['dev/claude-code']!);
  });
  afterEach(() => h.clearScripts());
  afterAll(() => h?.stop());

  const question: MessageParam = { role: 'user', content: 'create hello.txt' };
  /** The model turn of the last request Gemini received (the first after the user’s question). */
  const replayedTurn = () => (h.gemini.received.at(-1)!.body.contents as { role: string; parts: Part[] }[])[1]!;
  /** The next turn as Claude Code sends it: the assistant content verbatim (through JSON), then the tool’s result. */
  const nextTurn = (content: unknown, toolUseId: string): MessageParam[] => [
    question,
    { role: 'assistant', content: JSON.parse(JSON.stringify(content)) as ContentBlockParam[] },
    { role: 'user', content: [{ type: 'tool_result', tool_use_id: toolUseId, content: 'ok' }] },
  ];

  /** The usage the client saw equals the ledger’s, thoughts counted as output and told apart as thinking tokens. */
  async function expectBilledAsSeen(
    requestId: string | null,
    usage: Anthropic.Usage | Anthropic.MessageDeltaUsage,
    thoughtsTokens: number,
  ): Promise<void> {
    const record = await h.ledger(requestId);
    expect(record).toMatchObject({ endpoint: 'messages', outcome: 'success' });
    expect(Number(record.reasoning_tokens)).toBe(thoughtsTokens);
    expect(Number(record.output_tokens)).toBe(usage.output_tokens);
    expect(usage.output_tokens).toBeGreaterThan(thoughtsTokens);
    expect(usage.output_tokens_details).toEqual({ thinking_tokens: thoughtsTokens });
    expect(Number(record.input_tokens)).toBe((usage.input_tokens ?? 0) + (usage.cache_read_input_tokens ?? 0));
    expect(Number(record.cached_input_tokens)).toBe(usage.cache_read_input_tokens ?? 0);
  }

  it('should stream the thought summary and signature as a thinking block before the tool_use, and replay the real signature on turn 2', async () => {
    const thoughts = { summary: 'Planning: a shell command will do – “echo”.', signature: 'CiQBcsjafE0p/+Zb7Jt4dVw==' + 'Zm9v'.repeat(60) };
    h.gemini.script({ thoughts, thoughtsTokens: 21, functionCall: { name: 'bash', args: { command: 'echo hello > hello.txt' } } });
    const stream = client.messages.stream({ model: MODEL, max_tokens: 4096, thinking: THINKING, tools: [BASH], messages: [question] });
    const events: RawMessageStreamEvent[] = [];
    for await (const event of stream) events.push(event);
    const final = await stream.finalMessage();
    const requestId = (await stream.withResponse()).response.headers.get('x-request-id');

    // Thinking on the Messages wire → Gemini 3 thinking (2,048 tokens: low) with its thought summaries.
    expect(h.gemini.received.at(-1)!.path).toBe(STREAM);
    expect(h.gemini.received.at(-1)!.body.generationConfig).toEqual({
      maxOutputTokens: 4096,
      thinkingConfig: { thinkingLevel: 'low', includeThoughts: true },
    });

    // As Claude streams thinking: start, thinking deltas, the signature last, stop; then the tool_use block.
    const shape = events
      .filter((e) => e.type.startsWith('content_block'))
      .map((e) =>
        e.type === 'content_block_start' ? `start:${e.content_block.type}` : e.type === 'content_block_delta' ? e.delta.type : 'stop',
      )
      .filter((s, i, all) => s !== all[i - 1]);
    expect(shape).toEqual(['start:thinking', 'thinking_delta', 'signature_delta', 'stop', 'start:tool_use', 'input_json_delta', 'stop']);
    expect(final.stop_reason).toBe('tool_use');
    const [thinking, toolUse] = final.content;
    expect(final.content).toHaveLength(2);
    expect(thinking).toMatchObject({ type: 'thinking', thinking: thoughts.summary });
    expect(thinking!.type === 'thinking' && thinking.signature).toMatch(/^allot\.gemini\.v1\.[A-Za-z0-9_-]+$/);
    expect(toolUse).toMatchObject({ type: 'tool_use', name: 'bash', input: { command: 'echo hello > hello.txt' } });
    await expectBilledAsSeen(requestId, final.usage, 21);

    // Turn 2: Claude Code replays the assistant content; Gemini gets the signature it issued, byte for byte (the fake
    // refuses an unknown one, as Gemini 3 does).
    h.gemini.script({ content: 'done' });
    const toolUseId = toolUse!.type === 'tool_use' ? toolUse.id : '';
    const turn2 = await client.messages
      .stream({ model: MODEL, max_tokens: 4096, thinking: THINKING, tools: [BASH], messages: nextTurn(final.content, toolUseId) })
      .finalMessage();
    expect(turn2.content.filter((b) => b.type === 'text')).toEqual([expect.objectContaining({ text: 'done' })]);
    expect(replayedTurn()).toEqual({
      role: 'model',
      parts: [{ functionCall: { name: 'bash', args: { command: 'echo hello > hello.txt' } }, thoughtSignature: thoughts.signature }],
    });
    expect(h.gemini.received.at(-1)!.raw).toContain(`"thoughtSignature":"${thoughts.signature}"`);
    expect(h.gemini.received.at(-1)!.raw).not.toContain('Planning');
  });

  it('should answer JSON with the thinking block first, and replay the real signature on turn 2', async () => {
    const thoughts = { summary: 'Checking the directory first.', signature: 'EkQKQgEBc2lnLWpzb24=' };
    h.gemini.script({ thoughts, thoughtsTokens: 13, cachedTokens: 8, functionCall: { name: 'bash', args: { command: 'ls' } } });
    const { data, response } = await client.messages
      .create({ model: MODEL, max_tokens: 4096, thinking: THINKING, tools: [BASH], messages: [question] })
      .withResponse();
    expect(h.gemini.received.at(-1)!.path).toBe(GENERATE);
    expect(data.content.map((b) => b.type)).toEqual(['thinking', 'tool_use']);
    expect(data.content[0]).toMatchObject({
      thinking: thoughts.summary,
      signature: expect.stringMatching(/^allot\.gemini\.v1\./) as string,
    });
    expect(data.usage.cache_read_input_tokens).toBe(8);
    await expectBilledAsSeen(response.headers.get('x-request-id'), data.usage, 13);

    h.gemini.script({ content: 'listed' });
    const toolUse = data.content[1]!;
    const turn2 = await client.messages.create({
      model: MODEL,
      max_tokens: 4096,
      thinking: THINKING,
      tools: [BASH],
      messages: nextTurn(data.content, toolUse.type === 'tool_use' ? toolUse.id : ''),
    });
    expect(turn2.content).toEqual([{ type: 'text', text: 'listed' }]);
    expect(replayedTurn().parts).toEqual([
      { functionCall: { name: 'bash', args: { command: 'ls' } }, thoughtSignature: thoughts.signature },
    ]);
  });

  it('should sign the call even without thinking asked for (Gemini 3 signs it anyway): an empty thinking block, replayed', async () => {
    h.gemini.script({
      thoughts: { summary: 'unseen', signature: 'c2lnLW5vLXN1bW1hcnk=' },
      functionCall: { name: 'bash', args: { command: 'pwd' } },
    });
    const first = await client.messages.create({ model: MODEL, max_tokens: 512, tools: [BASH], messages: [question] });
    expect(h.gemini.received.at(-1)!.body.generationConfig).toEqual({ maxOutputTokens: 512 });
    expect(first.content.map((b) => b.type)).toEqual(['thinking', 'tool_use']);
    expect(first.content[0]).toMatchObject({ thinking: '' });

    h.gemini.script({ content: '/' });
    const toolUse = first.content[1]!;
    await client.messages.create({
      model: MODEL,
      max_tokens: 512,
      tools: [BASH],
      messages: nextTurn(first.content, toolUse.type === 'tool_use' ? toolUse.id : ''),
    });
    expect(replayedTurn().parts[0]!.thoughtSignature).toBe('c2lnLW5vLXN1bW1hcnk=');
  });

  it('should drop Claude’s own thinking (a session moved from Claude) and stand in the documented skip value', async () => {
    h.gemini.script({ content: 'fine' });
    await client.messages.create({
      model: MODEL,
      max_tokens: 512,
      tools: [BASH],
      messages: nextTurn(
        [
          { type: 'thinking', thinking: 'Claude thought this.', signature: 'EqQBCkgIARABGAIiQL+/0==' },
          { type: 'tool_use', id: 'toolu_01', name: 'bash', input: { command: 'ls' } },
        ],
        'toolu_01',
      ),
    });
    expect(replayedTurn().parts).toEqual([
      { functionCall: { name: 'bash', args: { command: 'ls' } }, thoughtSignature: 'skip_thought_signature_validator' },
    ]);
    expect(h.gemini.received.at(-1)!.raw).not.toContain('Claude thought');
  });

  it('should refuse an altered gateway signature with a 400 in Anthropic’s shape, before calling Gemini', async () => {
    const before = h.gemini.received.length;
    const error = await client.messages
      .create({
        model: MODEL,
        max_tokens: 512,
        tools: [BASH],
        messages: nextTurn(
          [
            { type: 'thinking', thinking: '', signature: 'allot.gemini.v1.%%%' },
            { type: 'tool_use', id: 'call_x_0', name: 'bash', input: { command: 'ls' } },
          ],
          'call_x_0',
        ),
      })
      .catch((e: unknown) => e);
    expect(error).toBeInstanceOf(Anthropic.BadRequestError);
    expect((error as { error: unknown }).error).toMatchObject({
      type: 'error',
      error: { type: 'invalid_request_error', message: expect.stringContaining('signature of a thinking block') as string },
    });
    expect(h.gemini.received.length).toBe(before);
  });

  it('should leave the gateway’s thinking blocks out when the session moves on to a Claude model (Anthropic would refuse them), and say so', async () => {
    h.gemini.script({
      thoughts: { summary: 'On Gemini.', signature: 'c2lnLW1vdmVk' },
      functionCall: { name: 'bash', args: { command: 'ls' } },
    });
    const first = await client.messages.create({ model: MODEL, max_tokens: 512, thinking: THINKING, tools: [BASH], messages: [question] });
    expect(first.content.map((b) => b.type)).toEqual(['thinking', 'tool_use']);

    h.anthropic.script({ content: 'continued on Claude' });
    const toolUse = first.content[1]!;
    const { data, response } = await client.messages
      .create({
        model: CLAUDE,
        max_tokens: 512,
        tools: [BASH],
        messages: nextTurn(first.content, toolUse.type === 'tool_use' ? toolUse.id : ''),
      })
      .withResponse();
    expect(data.content).toEqual([expect.objectContaining({ type: 'text', text: 'continued on Claude' })]);
    expect(response.headers.get('x-allot-adjusted-params')).toBe('messages.thinking');
    // The fake refuses thinking it did not sign, as Anthropic does: the assistant turn went without it.
    expect((h.anthropic.received.at(-1)!.body.messages as { content: unknown }[])[1]!.content).toEqual([
      JSON.parse(JSON.stringify(toolUse)),
    ]);
  });
});
