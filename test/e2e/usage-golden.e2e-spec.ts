import type Anthropic from '@anthropic-ai/sdk';
import type OpenAI from 'openai';
import { startVendorHarness, type VendorHarness } from '../support/gateway-harness';
import { anthropicProvider, azureProvider, geminiProvider, openaiProvider } from '../support/org-yaml';

/**
 * The golden usage test (B2): the same exchange — the same scripted upstream token counts — through every client wire
 * (chat completions, Responses, Anthropic Messages), JSON and stream, to every provider type. Per provider, all six
 * calls must leave the same normalized usage and the same cost in the ledger; across providers the numbers differ
 * only where the vendors count differently (README, "How each provider's usage is read").
 */

/** One price for every model, USD per 1M: input 2, cache reads 0.50, 5-minute cache writes 2.50, 1-hour writes 4, output 8. */
const PRICE =
  '{ effectiveFrom: 2026-01-01, inputPer1M: "2", cachedInputPer1M: "0.50", cacheWritePer1M: "2.50", cacheWrite1hPer1M: "4", outputPer1M: "8" }';

type Wire = 'chat' | 'responses' | 'messages';
const WIRES: [Wire, boolean][] = [
  ['chat', false],
  ['chat', true],
  ['responses', false],
  ['responses', true],
  ['messages', false],
  ['messages', true],
];
const FIELDS = [
  'input_tokens',
  'cached_input_tokens',
  'cache_write_tokens',
  'cache_write_1h_tokens',
  'output_tokens',
  'reasoning_tokens',
  'total_tokens',
  'cost_micros',
] as const;

describe('golden usage: one exchange through every wire and stream mode to every provider type', () => {
  let h: VendorHarness;
  let openai: OpenAI;
  let claude: Anthropic;

  beforeAll(async () => {
    h = await startVendorHarness(
      (urls) => `
version: 1
providers:
${openaiProvider(urls.openai)}
${azureProvider(urls.openai)}
${anthropicProvider(urls.anthropic)}
${geminiProvider(urls.gemini)}
models:
  - { slug: openai/gpt-5.4, prices: [${PRICE}] }
  - { slug: azure/gpt-5.4, prices: [${PRICE}] }
  - { slug: anthropic/claude-sonnet-4-5, prices: [${PRICE}] }
  - { slug: gemini/gemini-2.5-flash, prices: [${PRICE}] }
members: [{ identifier: dev }]
allocations:
  - { member: dev, model: openai/gpt-5.4 }
  - { member: dev, model: azure/gpt-5.4 }
  - { member: dev, model: anthropic/claude-sonnet-4-5 }
  - { member: dev, model: gemini/gemini-2.5-flash }
keys: [{ member: dev, name: all, allocations: [openai/gpt-5.4, azure/gpt-5.4, anthropic/claude-sonnet-4-5, gemini/gemini-2.5-flash] }]
`,
    );
    const key = h.keys['dev/all']!;
    openai = h.client(key);
    claude = h.claude(key);
  });
  afterAll(() => h?.stop());

  /** One call in a wire and mode; the stream is read to its end. Returns the call's request id. */
  async function call(model: string, wire: Wire, stream: boolean): Promise<string | null> {
    const prompt = 'What is the golden ratio?';
    if (wire === 'chat') {
      const body = { model, messages: [{ role: 'user' as const, content: prompt }], max_completion_tokens: 200 };
      if (!stream) return (await openai.chat.completions.create(body).withResponse()).response.headers.get('x-request-id');
      const { data, response } = await openai.chat.completions.create({ ...body, stream: true }).withResponse();
      for await (const _chunk of data);
      return response.headers.get('x-request-id');
    }
    if (wire === 'responses') {
      const body = { model, input: prompt, max_output_tokens: 200, store: false };
      if (!stream) return (await openai.responses.create(body).withResponse()).response.headers.get('x-request-id');
      const { data, response } = await openai.responses.create({ ...body, stream: true }).withResponse();
      for await (const _event of data);
      return response.headers.get('x-request-id');
    }
    const body = { model, max_tokens: 200, messages: [{ role: 'user' as const, content: prompt }] };
    if (!stream) return (await claude.messages.create(body).withResponse()).response.headers.get('x-request-id');
    const { data, response } = await claude.messages.create({ ...body, stream: true }).withResponse();
    for await (const _event of data);
    return response.headers.get('x-request-id');
  }

  it.each<[string, string, () => void, Record<(typeof FIELDS)[number], string>]>([
    [
      // OpenAI: prompt_tokens include the cached ones; completion_tokens include the reasoning.
      'openai',
      'openai/gpt-5.4',
      () => h.fake.script({ promptTokens: 120, cachedTokens: 40, outputTokens: 30, reasoningTokens: 10 }),
      {
        input_tokens: '120',
        cached_input_tokens: '40',
        cache_write_tokens: '0',
        cache_write_1h_tokens: '0',
        output_tokens: '30',
        reasoning_tokens: '10',
        total_tokens: '150',
        // (120 − 40) × 2 + 40 × 0.50 + 30 × 8 = 160 + 20 + 240 µ$
        cost_micros: '420.000000',
      },
    ],
    [
      'azure-openai',
      'azure/gpt-5.4',
      () => h.fake.script({ promptTokens: 120, cachedTokens: 40, outputTokens: 30, reasoningTokens: 10 }),
      {
        input_tokens: '120',
        cached_input_tokens: '40',
        cache_write_tokens: '0',
        cache_write_1h_tokens: '0',
        output_tokens: '30',
        reasoning_tokens: '10',
        total_tokens: '150',
        cost_micros: '420.000000',
      },
    ],
    [
      // Anthropic: input_tokens (70) exclude the cache reads (40) and writes (6 for 5 minutes + 4 for 1 hour); the
      // ledger counts reads inside input (110) and writes apart; thinking has no separate count.
      'anthropic',
      'anthropic/claude-sonnet-4-5',
      () => h.anthropic.script({ promptTokens: 120, cacheReadTokens: 40, cacheWrite5mTokens: 6, cacheWrite1hTokens: 4, outputTokens: 30 }),
      {
        input_tokens: '110',
        cached_input_tokens: '40',
        cache_write_tokens: '10',
        cache_write_1h_tokens: '4',
        output_tokens: '30',
        reasoning_tokens: '0',
        total_tokens: '150',
        // (110 − 40) × 2 + 40 × 0.50 + 6 × 2.50 + 4 × 4 + 30 × 8 = 140 + 20 + 15 + 16 + 240 µ$
        cost_micros: '431.000000',
      },
    ],
    [
      // Gemini: promptTokenCount includes the cached tokens; thoughts are counted apart from the candidates but billed
      // as output, so output = candidates (20) + thoughts (10).
      'gemini',
      'gemini/gemini-2.5-flash',
      () => h.gemini.script({ promptTokens: 120, cachedTokens: 40, outputTokens: 20, thoughtsTokens: 10 }),
      {
        input_tokens: '120',
        cached_input_tokens: '40',
        cache_write_tokens: '0',
        cache_write_1h_tokens: '0',
        output_tokens: '30',
        reasoning_tokens: '10',
        total_tokens: '150',
        cost_micros: '420.000000',
      },
    ],
  ])(
    'should record the same usage and cost on %s for chat, responses and messages, JSON and stream',
    async (_type, model, script, expected) => {
      const rows: Record<string, unknown>[] = [];
      for (const [wire, stream] of WIRES) {
        script();
        const record = await h.ledger(await call(model, wire, stream));
        expect({ wire, stream, outcome: record.outcome, streamed: record.stream }).toEqual({
          wire,
          stream,
          outcome: 'success',
          streamed: stream,
        });
        rows.push({ wire, stream, ...Object.fromEntries(FIELDS.map((f) => [f, String(record[f])])) });
      }
      expect(rows).toEqual(WIRES.map(([wire, stream]) => ({ wire, stream, ...expected })));
    },
  );
});
