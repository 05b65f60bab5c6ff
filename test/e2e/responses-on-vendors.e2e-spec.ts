import type OpenAI from 'openai';
import type { ResponseCreateParamsStreaming, ResponseInputItem, ResponseStreamEvent } from 'openai/resources/responses/responses';
import { startVendorHarness, type VendorHarness } from '../support/gateway-harness';
import { anthropicProvider, geminiProvider, openaiProvider } from '../support/org-yaml';

const CLAUDE = 'anthropic/claude-sonnet-4-5';
const GEMINI = 'gemini/gemini-3-pro-preview';

/** Codex’s tools (codex-client.md §3.4): a shell function, a freeform apply_patch, a namespace, tool search, web search. */
const EXEC = {
  type: 'function' as const,
  name: 'exec_command',
  description: 'Runs a command.',
  parameters: { type: 'object', properties: { cmd: { type: 'string' } }, required: ['cmd'], additionalProperties: false },
  strict: false,
};
const APPLY_PATCH = {
  type: 'custom' as const,
  name: 'apply_patch',
  format: { type: 'grammar' as const, syntax: 'lark' as const, definition: 'start: begin_patch hunk+ end_patch' },
};
const CODEX_TOOLS = [
  EXEC,
  APPLY_PATCH,
  {
    type: 'namespace',
    name: 'multi_agent_v1',
    description: 'Sub-agents.',
    tools: [{ type: 'function', name: 'spawn_agent', parameters: { type: 'object', properties: { task: { type: 'string' } } } }],
  },
  { type: 'tool_search', execution: 'client', parameters: { type: 'object', properties: { query: { type: 'string' } } } },
  { type: 'web_search', external_web_access: false },
];
const PATCH = '*** Begin Patch\n*** Add File: hello.txt\n+hello\n*** End Patch\n';

/** Codex on Claude and Gemini models: the Responses API through the chat translation, driven by the official openai SDK. */
describe('the Responses API on Claude and Gemini models, as Codex uses it (official openai SDK)', () => {
  let h: VendorHarness;
  let client: OpenAI;
  let key: string;

  beforeAll(async () => {
    h = await startVendorHarness(
      (urls) => `
version: 1
providers:
${anthropicProvider(urls.anthropic, 'a')}
${geminiProvider(urls.gemini)}
${openaiProvider(urls.openai)}
models:
  - slug: ${CLAUDE}
    prices: [{ effectiveFrom: 2026-01-01, inputPer1M: "3", cachedInputPer1M: "0.30", cacheWritePer1M: "3.75", outputPer1M: "15" }]
  - slug: ${GEMINI}
    prices: [{ effectiveFrom: 2026-01-01, inputPer1M: "2", cachedInputPer1M: "0.2", outputPer1M: "12" }]
  - slug: openai/gpt-5.4
members: [{ identifier: dev }]
allocations: [{ member: dev, model: ${CLAUDE} }, { member: dev, model: ${GEMINI} }, { member: dev, model: openai/gpt-5.4 }]
keys: [{ member: dev, name: codex, allocations: [${CLAUDE}, ${GEMINI}, openai/gpt-5.4] }]
`,
      { ALLOT_UPSTREAM_IDLE_TIMEOUT_MS: '1500' },
    );
    key = h.keys['dev/codex']!;
    client = h.client(key);
  });
  afterEach(() => h.clearScripts());
  afterAll(() => h?.stop());

  /** Streams a Responses call; returns the events, their types, the completed response, its text and the request id. */
  async function stream(body: Omit<ResponseCreateParamsStreaming, 'stream'>) {
    const events: ResponseStreamEvent[] = [];
    const { data, response } = await client.responses.create({ ...body, stream: true }).withResponse();
    for await (const event of data) events.push(event);
    const completed = events.find((e) => e.type === 'response.completed');
    if (completed?.type !== 'response.completed') throw new Error(`no response.completed in ${events.map((e) => e.type).join(', ')}`);
    const final = completed.response;
    const text = final.output
      .flatMap((i) => (i.type === 'message' ? i.content : []))
      .map((c) => (c.type === 'output_text' ? c.text : ''))
      .join('');
    return { events, types: events.map((e) => e.type), final, text, requestId: response.headers.get('x-request-id') };
  }

  const history: ResponseInputItem[] = [
    { type: 'message', role: 'developer', content: [{ type: 'input_text', text: 'You are a coding agent.' }] },
    { type: 'message', role: 'user', content: [{ type: 'input_text', text: 'create hello.txt' }] },
  ];

  describe('a Claude model', () => {
    const thinking = {
      text: 'I will create the file with a shell command – “hello”.',
      signature: 'EqQBCkgIARABGAIiQL+/0==' + 's'.repeat(400),
    };

    it('should stream the signed thinking as a reasoning item first, and replay it byte-identical on the function-call turn', async () => {
      h.anthropic.script({
        thinking,
        redactedThinking: 'EmwKAhgBEgy3va3pzix/LafPsn4aDFIT2Xlx',
        toolUse: { name: 'exec_command', input: { cmd: 'echo hello > hello.txt' } },
      });
      const common = {
        model: CLAUDE,
        tools: [EXEC],
        store: false,
        include: ['reasoning.encrypted_content' as const],
        reasoning: { effort: 'high' as const, summary: 'auto' as const },
      };
      const turn1 = await stream({ ...common, input: history });
      expect(h.anthropic.received.at(-1)!.body).toMatchObject({ thinking: { type: 'enabled', budget_tokens: 16384 }, stream: true });

      // As OpenAI streams it: the reasoning item (with its summary) is added and done before the call item.
      const added = turn1.events.filter((e) => e.type === 'response.output_item.added').map((e) => e.item.type);
      expect(added).toEqual(['reasoning', 'function_call']);
      expect(turn1.types.indexOf('response.reasoning_summary_text.delta')).toBeLessThan(
        turn1.types.indexOf('response.function_call_arguments.delta'),
      );
      const summary = turn1.events
        .filter(
          (e): e is Extract<ResponseStreamEvent, { type: 'response.reasoning_summary_text.delta' }> =>
            e.type === 'response.reasoning_summary_text.delta',
        )
        .map((e) => e.delta)
        .join('');
      expect(summary).toBe(thinking.text);
      const [reasoning, call] = turn1.final.output;
      expect(reasoning).toMatchObject({ type: 'reasoning', summary: [{ type: 'summary_text', text: thinking.text }] });
      expect((reasoning as { encrypted_content: string }).encrypted_content).toMatch(/^allot\.anthropic\.v1\./);
      expect(call).toMatchObject({ type: 'function_call', name: 'exec_command', arguments: '{"cmd":"echo hello > hello.txt"}' });

      // Usage: the client and the ledger agree; Claude’s output tokens include the thinking (no separate count).
      const record = await h.ledger(turn1.requestId);
      expect(Number(record.output_tokens)).toBe(turn1.final.usage!.output_tokens);
      expect(Number(record.input_tokens)).toBe(turn1.final.usage!.input_tokens);
      expect(turn1.final.usage!.output_tokens).toBeGreaterThanOrEqual(Math.ceil(thinking.text.length / 4));
      expect(Number(record.reasoning_tokens)).toBe(turn1.final.usage!.output_tokens_details.reasoning_tokens);

      // Turn 2, as Codex sends it: the whole history, the output items verbatim, the tool’s output.
      h.anthropic.script({ content: 'done' });
      const callId = (call as { call_id: string }).call_id;
      const replayed = JSON.parse(JSON.stringify(turn1.final.output)) as ResponseInputItem[];
      const turn2 = await stream({
        ...common,
        input: [...history, ...replayed, { type: 'function_call_output', call_id: callId, output: 'ok' }],
      });
      expect(turn2.text).toBe('done');
      const sent = h.anthropic.received.at(-1)!;
      // The fake checks the signatures it issued (it would answer 400 otherwise); and they arrived byte for byte.
      expect((sent.body.messages as { role: string; content: unknown[] }[])[1]).toEqual({
        role: 'assistant',
        content: [
          { type: 'thinking', thinking: thinking.text, signature: thinking.signature },
          { type: 'redacted_thinking', data: 'EmwKAhgBEgy3va3pzix/LafPsn4aDFIT2Xlx' },
          { type: 'tool_use', id: callId, name: 'exec_command', input: { cmd: 'echo hello > hello.txt' } },
        ],
      });
      expect(sent.raw).toContain(JSON.stringify({ type: 'thinking', thinking: thinking.text, signature: thinking.signature }));

      expect(sent.body).toMatchObject({ thinking: { type: 'enabled' } });

      // Without the reasoning item (a client that drops it), Claude would refuse the turn with thinking on: the
      // gateway leaves thinking off until the tool loop ends, and says so.
      const { response: lost } = await client.responses
        .create({
          ...common,
          input: [...history, call as ResponseInputItem, { type: 'function_call_output', call_id: callId, output: 'ok' }],
        })
        .withResponse();
      expect(lost.headers.get('x-allot-adjusted-params')).toBe('reasoning_effort');
      expect(h.anthropic.received.at(-1)!.body).not.toHaveProperty('thinking');
    });

    it('should run a custom (apply_patch) tool round trip: custom_tool_call with its input, and its output back as a tool result', async () => {
      h.anthropic.script({ toolUse: { name: 'apply_patch', input: { input: PATCH } } }, { content: 'patched' });
      const turn1 = await stream({ model: CLAUDE, input: history, tools: [EXEC, APPLY_PATCH], store: false });
      expect(h.anthropic.received.at(-1)!.body.tools).toEqual([
        expect.objectContaining({ name: 'exec_command' }),
        expect.objectContaining({
          name: 'apply_patch',
          description: expect.stringContaining('start: begin_patch hunk+ end_patch') as string,
          input_schema: expect.objectContaining({ required: ['input'] }) as object,
        }),
      ]);
      expect(turn1.types).toEqual(
        expect.arrayContaining(['response.custom_tool_call_input.delta', 'response.custom_tool_call_input.done']),
      );
      const call = turn1.final.output[0]!;
      expect(call).toMatchObject({ type: 'custom_tool_call', name: 'apply_patch', input: PATCH });
      const callId = (call as { call_id: string }).call_id;

      const turn2 = await client.responses.create({
        model: CLAUDE,
        store: false,
        tools: [EXEC, APPLY_PATCH],
        input: [
          ...history,
          call as ResponseInputItem,
          { type: 'custom_tool_call_output', call_id: callId, output: 'Success. Updated the following files:\nA hello.txt\n' },
        ],
      });
      expect(turn2.output_text).toBe('patched');
      expect((h.anthropic.received.at(-1)!.body.messages as unknown[]).slice(1)).toEqual([
        { role: 'assistant', content: [{ type: 'tool_use', id: callId, name: 'apply_patch', input: { input: PATCH } }] },
        {
          role: 'user',
          content: [{ type: 'tool_result', tool_use_id: callId, content: 'Success. Updated the following files:\nA hello.txt\n' }],
        },
      ]);
    });
  });

  describe('a Gemini 3 model', () => {
    const thoughts = { summary: 'Planning: a shell command will do.', signature: 'CiQBcsjafE0p/+Zb7Jt4dVw==' };

    it('should stream thought summaries as a reasoning item first, and replay the real thought signature on the function-call turn', async () => {
      h.gemini.script({ thoughts, thoughtsTokens: 21, functionCall: { name: 'exec_command', args: { cmd: 'echo hello > hello.txt' } } });
      const common = { model: GEMINI, tools: [EXEC], store: false, reasoning: { effort: 'low' as const, summary: 'auto' as const } };
      const turn1 = await stream({ ...common, input: history });
      expect(h.gemini.received.at(-1)!.body.generationConfig).toMatchObject({
        thinkingConfig: { thinkingLevel: 'low', includeThoughts: true },
      });
      const added = turn1.events.filter((e) => e.type === 'response.output_item.added').map((e) => e.item.type);
      expect(added).toEqual(['reasoning', 'function_call']);
      const [reasoning, call] = turn1.final.output;
      expect(reasoning).toMatchObject({ type: 'reasoning', summary: [{ type: 'summary_text', text: thoughts.summary }] });
      expect((reasoning as { encrypted_content: string }).encrypted_content).toMatch(/^allot\.gemini\.v1\./);
      expect(call).toMatchObject({ type: 'function_call', name: 'exec_command' });

      // Reasoning tokens: Gemini’s thoughts, in the client’s usage and in the ledger alike.
      expect(turn1.final.usage!.output_tokens_details.reasoning_tokens).toBe(21);
      const record = await h.ledger(turn1.requestId);
      expect(Number(record.reasoning_tokens)).toBe(21);
      expect(Number(record.output_tokens)).toBe(turn1.final.usage!.output_tokens);

      h.gemini.script({ content: 'done' });
      const callId = (call as { call_id: string }).call_id;
      const output = { type: 'function_call_output' as const, call_id: callId, output: 'ok' };
      const replayed = JSON.parse(JSON.stringify(turn1.final.output)) as ResponseInputItem[];
      const turn2 = await stream({ ...common, input: [...history, ...replayed, output] });
      expect(turn2.text).toBe('done');
      // The fake validates Gemini 3 signatures (400 otherwise); the one it issued came back on the call.
      const model = (h.gemini.received.at(-1)!.body.contents as { role: string; parts: Record<string, unknown>[] }[])[1]!;
      expect(model).toEqual({
        role: 'model',
        parts: [{ functionCall: { name: 'exec_command', args: { cmd: 'echo hello > hello.txt' } }, thoughtSignature: thoughts.signature }],
      });

      // Without the reasoning item, the documented skip value stands in for the signature.
      await client.responses.create({ ...common, input: [...history, call as ResponseInputItem, output] });
      const skipped = (h.gemini.received.at(-1)!.body.contents as { parts: Record<string, unknown>[] }[])[1]!.parts[0]!;
      expect(skipped.thoughtSignature).toBe('skip_thought_signature_validator');
    });

    it('should run a custom (apply_patch) tool round trip', async () => {
      h.gemini.script({ functionCall: { name: 'apply_patch', args: { input: PATCH } } }, { content: 'patched' });
      const turn1 = await client.responses.create({ model: GEMINI, input: history, tools: [APPLY_PATCH], store: false });
      const call = turn1.output[0]!;
      expect(call).toMatchObject({ type: 'custom_tool_call', name: 'apply_patch', input: PATCH });
      const callId = (call as { call_id: string }).call_id;
      const turn2 = await client.responses.create({
        model: GEMINI,
        tools: [APPLY_PATCH],
        store: false,
        input: [...history, call as ResponseInputItem, { type: 'custom_tool_call_output', call_id: callId, output: 'Success.' }],
      });
      expect(turn2.output_text).toBe('patched');
      expect((h.gemini.received.at(-1)!.body.contents as unknown[]).slice(1)).toEqual([
        {
          role: 'model',
          parts: [{ functionCall: { name: 'apply_patch', args: { input: PATCH } }, thoughtSignature: 'skip_thought_signature_validator' }],
        },
        { role: 'user', parts: [{ functionResponse: { name: 'apply_patch', response: { content: 'Success.' } } }] },
      ]);
    });
  });

  it.each([
    ['Claude', CLAUDE],
    ['Gemini', GEMINI],
  ])(
    'should accept Codex’s own request on %s: namespace, tool search, custom and web search tools, web search left out and said so',
    async (_name, model) => {
      const res = await fetch(`${h.server.url}/v1/responses`, {
        method: 'POST',
        headers: { authorization: `Bearer ${key}`, 'content-type': 'application/json', accept: 'text/event-stream' },
        body: JSON.stringify({
          model,
          stream: true,
          input: history,
          tools: CODEX_TOOLS,
          tool_choice: 'auto',
          parallel_tool_calls: true,
          reasoning: { summary: 'auto' },
          store: false,
          include: ['reasoning.encrypted_content'],
          prompt_cache_key: '01a22a3b-2f0b-7463-86ff-ebec3dc989d2',
          client_metadata: { session_id: '01a22a3b-2f0b-7463-86ff-ebec3dc989d2' },
        }),
      });
      expect(res.status).toBe(200);
      expect(res.headers.get('x-allot-adjusted-params')).toBe('tools.web_search');
      const text = await res.text();
      expect(text).toContain('"type":"response.completed"');
      const names =
        model === CLAUDE
          ? (h.anthropic.received.at(-1)!.body.tools as { name: string }[]).map((t) => t.name)
          : ((h.gemini.received.at(-1)!.body.tools as { functionDeclarations: { name: string }[] }[])[0]!.functionDeclarations ?? []).map(
              (t) => t.name,
            );
      expect(names).toEqual(['exec_command', 'apply_patch', 'multi_agent_v1__spawn_agent', 'tool_search']);
    },
  );
  it.each([
    ['Claude', CLAUDE],
    ['Gemini', GEMINI],
  ])('should summarize a tool-using history for Codex’s compaction on %s (no tools, the history’s calls kept)', async (_name, model) => {
    const history2: ResponseInputItem[] = [
      ...history,
      { type: 'function_call', call_id: 'call_c1', name: 'exec_command', arguments: '{"cmd":"ls"}' },
      { type: 'function_call_output', call_id: 'call_c1', output: 'hello.txt' },
      { type: 'custom_tool_call', call_id: 'call_c2', name: 'apply_patch', input: PATCH },
      { type: 'custom_tool_call_output', call_id: 'call_c2', output: 'Success.' },
      { type: 'message', role: 'user', content: [{ type: 'input_text', text: 'You are performing a CONTEXT CHECKPOINT COMPACTION.' }] },
    ];
    h.anthropic.script({ content: 'summary' });
    h.gemini.script({ content: 'summary' });
    const summary = await stream({ model, input: history2, tools: [], store: false });
    expect(summary.text).toBe('summary');
    if (model === CLAUDE) {
      // Anthropic needs the called tools declared with tool blocks in the history (the fake refuses otherwise): none callable.
      expect(h.anthropic.received.at(-1)!.body).toMatchObject({
        tools: [{ name: 'exec_command' }, { name: 'apply_patch' }],
        tool_choice: { type: 'none' },
      });
    }
  });
  it('should drop Claude’s reasoning items when the conversation moves on to an OpenAI model, and say so', async () => {
    h.anthropic.script({
      thinking: { text: 'Thinking on Claude.', signature: 'c2lnLWZvci1jbGF1ZGU=' },
      toolUse: { name: 'exec_command', input: { cmd: 'ls' } },
    });
    const turn1 = await stream({ model: CLAUDE, input: history, tools: [EXEC], store: false, reasoning: { effort: 'low' } });
    const call = turn1.final.output.find((i) => i.type === 'function_call')!;
    const input = [
      ...history,
      ...(JSON.parse(JSON.stringify(turn1.final.output)) as ResponseInputItem[]),
      { type: 'function_call_output' as const, call_id: call.call_id, output: 'hello.txt' },
    ];
    const { response } = await client.responses.create({ model: 'openai/gpt-5.4', input, tools: [EXEC], store: false }).withResponse();
    expect(response.headers.get('x-allot-adjusted-params')).toBe('input.reasoning');
    const sent = (h.fake.received.at(-1)!.body.input as { type: string }[]).map((i) => i.type);
    expect(sent).toEqual(['message', 'message', 'function_call', 'function_call_output']);
  });
  it.each([
    ['Claude', CLAUDE],
    ['Gemini', GEMINI],
  ])('should give the SDK’s stream helper a consistent snapshot on %s: reasoning, text and a custom tool call', async (_name, model) => {
    h.anthropic.script({
      thinking: { text: 'Let me think.', signature: 'c2lnLWhlbHBlcg==' },
      content: 'Patching now.',
      toolUse: { name: 'apply_patch', input: { input: PATCH } },
    });
    h.gemini.script({
      thoughts: { summary: 'Let me think.', signature: 'c2lnLWdlbWluaQ==' },
      content: 'Patching now.',
      functionCall: { name: 'apply_patch', args: { input: PATCH } },
    });
    const s = client.responses.stream({
      model,
      input: history,
      tools: [APPLY_PATCH],
      store: false,
      reasoning: { effort: 'low', summary: 'auto' },
    });
    const final = await s.finalResponse();
    expect(final.output_text).toBe('Patching now.');
    // Gemini signs the call that follows the text: its signature is a second reasoning item, before the call.
    const shape =
      model === CLAUDE ? ['reasoning', 'message', 'custom_tool_call'] : ['reasoning', 'message', 'reasoning', 'custom_tool_call'];
    expect(final.output.map((i) => i.type)).toEqual(shape);
    expect(final.output[0]).toMatchObject({ summary: [{ type: 'summary_text', text: 'Let me think.' }] });
    const call = final.output.at(-1)!;
    expect(call).toMatchObject({ name: 'apply_patch', input: PATCH });

    // The next turn replays all of it, and the vendor accepts it (both fakes check the signatures).
    h.anthropic.script({ content: 'done' });
    h.gemini.script({ content: 'done' });
    const next = await client.responses.create({
      model,
      tools: [APPLY_PATCH],
      store: false,
      reasoning: { effort: 'low' },
      input: [
        ...history,
        ...(JSON.parse(JSON.stringify(final.output)) as ResponseInputItem[]),
        { type: 'custom_tool_call_output', call_id: (call as { call_id: string }).call_id, output: 'Success.' },
      ],
    });
    expect(next.output_text).toBe('done');
    if (model === GEMINI) {
      const turn = (h.gemini.received.at(-1)!.body.contents as { role: string; parts: Record<string, unknown>[] }[])[1]!;
      expect(turn.parts).toEqual([
        { text: 'Patching now.' },
        { functionCall: { name: 'apply_patch', args: { input: PATCH } }, thoughtSignature: 'c2lnLWdlbWluaQ==' },
      ]);
    } else {
      const turn = (h.anthropic.received.at(-1)!.body.messages as { content: { type: string }[] }[])[1]!;
      expect(turn.content.map((b) => b.type)).toEqual(['thinking', 'text', 'tool_use']);
    }
  });
});
