import type Anthropic from '@anthropic-ai/sdk';
import OpenAI from 'openai';
import { startVendorHarness, type VendorHarness } from '../support/gateway-harness';
import { anthropicProvider, geminiProvider, openaiProvider } from '../support/org-yaml';

const CLAUDE = 'anthropic/claude-sonnet-4-5';
const GEMINI = 'gemini/gemini-2.5-flash';
const GPT = 'openai/gpt-5.4';
const PDF = 'JVBERi0xLjQK'; // "%PDF-1.4\n"
const CITY = { type: 'object', properties: { city: { type: 'string' } }, required: ['city'], additionalProperties: false };

/** Structured output and documents across the wires (official openai and @anthropic-ai/sdk clients). */
describe('structured output and documents across wires', () => {
  let h: VendorHarness;
  let openai: OpenAI;
  let claude: Anthropic;

  beforeAll(async () => {
    h = await startVendorHarness(
      (urls) => `
version: 1
providers:
${anthropicProvider(urls.anthropic, 'a')}
${geminiProvider(urls.gemini, 'g')}
${openaiProvider(urls.openai)}
models:
  - slug: ${CLAUDE}
    prices: [{ effectiveFrom: 2026-01-01, inputPer1M: "3", outputPer1M: "15" }]
  - slug: ${GEMINI}
  - slug: ${GPT}
members: [{ identifier: dev }]
allocations: [{ member: dev, model: ${CLAUDE} }, { member: dev, model: ${GEMINI} }, { member: dev, model: ${GPT} }]
keys: [{ member: dev, name: all, allocations: [${CLAUDE}, ${GEMINI}, ${GPT}] }]
`,
    );
    const key = h.keys['dev/all']!;
    openai = h.client(key);
    claude = h.claude(key);
  });
  afterEach(() => h.clearScripts());
  afterAll(() => h?.stop());

  const sentToClaude = () => h.anthropic.received.at(-1)!.body as Record<string, unknown>;

  describe('response_format on a Claude model: a forced tool whose input is the answer', () => {
    it('should answer a json_schema chat completion with the JSON as content and finish reason stop, and bill it', async () => {
      h.anthropic.script({ toolUse: { name: 'city_answer', input: { city: 'Paris' } } });
      const { data, response } = await openai.chat.completions
        .create({
          model: CLAUDE,
          messages: [{ role: 'user', content: 'Where is the Louvre?' }],
          response_format: { type: 'json_schema', json_schema: { name: 'city_answer', schema: CITY, strict: true } },
        })
        .withResponse();
      expect(data.choices[0]!.message.content).toBe('{"city":"Paris"}');
      expect(data.choices[0]!.message.tool_calls).toBeUndefined();
      expect(data.choices[0]!.finish_reason).toBe('stop');
      expect(sentToClaude()).toMatchObject({
        tools: [{ name: 'city_answer', input_schema: CITY }],
        tool_choice: { type: 'tool', name: 'city_answer', disable_parallel_tool_use: true },
      });
      const record = await h.ledger(response.headers.get('x-request-id'));
      expect(record).toMatchObject({ outcome: 'success' });
      expect(Number(record.output_tokens)).toBe(data.usage!.completion_tokens);
    });

    it('should stream a json_object answer as content deltas of the JSON, finish reason stop, billed like the JSON call', async () => {
      const body = {
        model: CLAUDE,
        messages: [{ role: 'user' as const, content: 'Give me an object.' }],
        response_format: { type: 'json_object' as const },
      };
      h.anthropic.script(
        { toolUse: { name: 'json_response', input: { ok: true, n: 3 } } },
        { toolUse: { name: 'json_response', input: { ok: true, n: 3 } } },
      );
      const json = await openai.chat.completions.create(body).withResponse();
      expect(json.data.choices[0]!.message.content).toBe('{"ok":true,"n":3}');
      const { data: stream, response } = await openai.chat.completions.create({ ...body, stream: true }).withResponse();
      let content = '';
      let finish: string | null = null;
      for await (const chunk of stream) {
        const choice = chunk.choices[0];
        expect(choice?.delta.tool_calls).toBeUndefined();
        content += choice?.delta.content ?? '';
        finish = choice?.finish_reason ?? finish;
      }
      expect(JSON.parse(content)).toEqual({ ok: true, n: 3 });
      expect(finish).toBe('stop');
      expect(sentToClaude()).toMatchObject({ tools: [{ name: 'json_response', input_schema: { type: 'object' } }], stream: true });
      const a = await h.ledger(json.response.headers.get('x-request-id'));
      const b = await h.ledger(response.headers.get('x-request-id'));
      for (const field of ['input_tokens', 'output_tokens', 'cost_micros']) expect([field, b[field]]).toEqual([field, a[field]]);
    });

    it('should answer the Responses API’s text.format with the JSON as output text, JSON and stream', async () => {
      h.anthropic.script({ toolUse: { name: 'city_answer', input: { city: 'Rome' } } });
      const answer = await openai.responses.create({
        model: CLAUDE,
        input: 'Where is the Colosseum?',
        text: { format: { type: 'json_schema', name: 'city_answer', schema: CITY, strict: true } },
        store: false,
      });
      expect(answer.output_text).toBe('{"city":"Rome"}');
      expect(answer.output.some((item) => item.type === 'function_call')).toBe(false);
      expect(sentToClaude()).toMatchObject({ tool_choice: { type: 'tool', name: 'city_answer' } });

      h.anthropic.script({ toolUse: { name: 'city_answer', input: { city: 'Rome' } } });
      const stream = openai.responses.stream({
        model: CLAUDE,
        input: 'Where is the Colosseum?',
        text: { format: { type: 'json_schema', name: 'city_answer', schema: CITY, strict: true } },
        store: false,
      });
      let deltas = '';
      stream.on('response.output_text.delta', (event) => (deltas += event.delta));
      const final = await stream.finalResponse();
      expect(deltas).toBe('{"city":"Rome"}');
      expect(final.output_text).toBe('{"city":"Rome"}');
      expect(final.output.some((item) => item.type === 'function_call')).toBe(false);
    });

    it.each<[string, Record<string, unknown>, string]>([
      [
        'client tools',
        { tools: [{ type: 'function', function: { name: 'ls', parameters: { type: 'object' } } }] },
        '"response_format" together with "tools"',
      ],
      ['extended thinking', { reasoning_effort: 'high' }, '"response_format" together with "reasoning_effort"'],
    ])(
      'should refuse structured output with %s with a 400 naming the combination, before any upstream call',
      async (_name, extra, named) => {
        const before = h.anthropic.received.length;
        const refused = await openai.chat.completions
          .create({
            model: CLAUDE,
            messages: [{ role: 'user', content: 'x' }],
            response_format: { type: 'json_object' },
            ...extra,
          } as never)
          .catch((e: unknown) => e);
        expect(refused).toBeInstanceOf(OpenAI.BadRequestError);
        expect((refused as Error).message).toContain(named);
        expect(h.anthropic.received.length).toBe(before);
      },
    );
  });

  it('should send an Anthropic client’s output_config.format to an OpenAI model as a strict JSON schema text.format', async () => {
    h.fake.script({ content: '{"city":"Oslo"}' });
    const message = await claude.messages.create({
      model: GPT,
      max_tokens: 100,
      messages: [{ role: 'user', content: 'Capital of Norway?' }],
      output_config: { format: { type: 'json_schema', schema: CITY } },
    } as Anthropic.MessageCreateParamsNonStreaming);
    expect(message.content).toEqual([{ type: 'text', text: '{"city":"Oslo"}' }]);
    expect(h.fake.received.at(-1)!.body).toMatchObject({
      text: { format: { type: 'json_schema', name: 'response', schema: CITY, strict: true } },
    });
  });

  describe('documents', () => {
    it('should send a chat file part (PDF) to Claude as a base64 document block', async () => {
      await openai.chat.completions.create({
        model: CLAUDE,
        messages: [
          {
            role: 'user',
            content: [
              { type: 'text', text: 'Summarize.' },
              { type: 'file', file: { filename: 'report.pdf', file_data: `data:application/pdf;base64,${PDF}` } },
            ],
          },
        ],
      });
      expect((sentToClaude().messages as unknown[])[0]).toEqual({
        role: 'user',
        content: [
          { type: 'text', text: 'Summarize.' },
          { type: 'document', source: { type: 'base64', media_type: 'application/pdf', data: PDF }, title: 'report.pdf' },
        ],
      });
    });

    it('should refuse a chat file part by file_id on Claude with a 400 naming it', async () => {
      const refused = await openai.chat.completions
        .create({ model: CLAUDE, messages: [{ role: 'user', content: [{ type: 'file', file: { file_id: 'file-abc' } }] }] })
        .catch((e: unknown) => e);
      expect(refused).toBeInstanceOf(OpenAI.BadRequestError);
      expect((refused as Error).message).toContain('"file_id"');
    });

    it('should send a Responses input_file to Claude as a document block', async () => {
      await openai.responses.create({
        model: CLAUDE,
        input: [
          {
            role: 'user',
            content: [
              { type: 'input_text', text: 'Summarize.' },
              { type: 'input_file', filename: 'report.pdf', file_data: `data:application/pdf;base64,${PDF}` },
            ],
          },
        ],
        store: false,
      });
      expect(((sentToClaude().messages as Record<string, unknown>[])[0]!.content as unknown[])[1]).toEqual({
        type: 'document',
        source: { type: 'base64', media_type: 'application/pdf', data: PDF },
        title: 'report.pdf',
      });
    });

    const documentMessage = (model: string): Anthropic.MessageCreateParamsNonStreaming => ({
      model,
      max_tokens: 100,
      messages: [
        {
          role: 'user',
          content: [
            { type: 'document', title: 'Q3', source: { type: 'base64', media_type: 'application/pdf', data: PDF } },
            { type: 'text', text: 'Summarize.' },
          ],
        },
      ],
    });

    it('should send an Anthropic client’s document block to an OpenAI model as an input_file', async () => {
      const message = await claude.messages.create(documentMessage(GPT));
      expect(message.type).toBe('message');
      expect((h.fake.received.at(-1)!.body as { input: unknown[] }).input[0]).toEqual({
        type: 'message',
        role: 'user',
        content: [
          { type: 'input_file', filename: 'Q3', file_data: `data:application/pdf;base64,${PDF}` },
          { type: 'input_text', text: 'Summarize.' },
        ],
      });
    });

    it('should send an Anthropic client’s document block to a Gemini model as inline data', async () => {
      const message = await claude.messages.create(documentMessage(GEMINI));
      expect(message.type).toBe('message');
      expect((h.gemini.received.at(-1)!.body as { contents: unknown[] }).contents[0]).toEqual({
        role: 'user',
        parts: [{ inlineData: { mimeType: 'application/pdf', data: PDF } }, { text: 'Summarize.' }],
      });
    });
  });
});
