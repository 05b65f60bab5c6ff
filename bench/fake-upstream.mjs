// A minimal, fast OpenAI-shaped upstream for the benchmark: chat completions and Responses, JSON or SSE with N chunks
// and an optional delay between them (BENCH_CHUNK_DELAY_MS). It must not be the bottleneck, so it answers from
// prebuilt buffers.
import { createServer } from 'node:http';

const CHUNKS = 8;
const delayMs = Number(process.env.BENCH_CHUNK_DELAY_MS ?? 0);
const usage = { prompt_tokens: 12, completion_tokens: CHUNKS, total_tokens: 12 + CHUNKS };
const json = Buffer.from(
  JSON.stringify({
    id: 'chatcmpl-bench',
    object: 'chat.completion',
    created: 1764460800,
    model: 'bench-model',
    choices: [{ index: 0, message: { role: 'assistant', content: 'benchmark answer text' }, finish_reason: 'stop' }],
    usage,
  }),
);
const chunk = (delta, extra = {}) =>
  `data: ${JSON.stringify({ id: 'chatcmpl-bench', object: 'chat.completion.chunk', created: 1764460800, model: 'bench-model', choices: [{ index: 0, delta, finish_reason: null }], ...extra })}\n\n`;
const chatEvents = [
  chunk({ role: 'assistant', content: '' }),
  ...Array.from({ length: CHUNKS }, (_, i) => chunk({ content: `tok${i} ` })),
  `data: ${JSON.stringify({ id: 'chatcmpl-bench', object: 'chat.completion.chunk', created: 1764460800, model: 'bench-model', choices: [], usage })}\n\n`,
  'data: [DONE]\n\n',
].map((e) => Buffer.from(e));

// The Responses wire: a response object, or the typed event sequence ending with response.completed.
const responseUsage = {
  input_tokens: 12,
  input_tokens_details: { cached_tokens: 0 },
  output_tokens: CHUNKS,
  output_tokens_details: { reasoning_tokens: 0 },
  total_tokens: 12 + CHUNKS,
};
const message = {
  id: 'msg_bench',
  type: 'message',
  status: 'completed',
  role: 'assistant',
  content: [{ type: 'output_text', text: 'benchmark answer text', annotations: [] }],
};
const response = (status, output, usage) => ({
  id: 'resp_bench',
  object: 'response',
  created_at: 1764460800,
  status,
  model: 'bench-model',
  output,
  usage,
  metadata: {},
});
const responsesJson = Buffer.from(JSON.stringify(response('completed', [message], responseUsage)));
const responseEvent = (n, event) => `event: ${event.type}\ndata: ${JSON.stringify({ ...event, sequence_number: n })}\n\n`;
const responsesEvents = [
  { type: 'response.created', response: response('in_progress', [], null) },
  { type: 'response.output_item.added', output_index: 0, item: { ...message, status: 'in_progress', content: [] } },
  ...Array.from({ length: CHUNKS }, (_, i) => ({
    type: 'response.output_text.delta',
    item_id: 'msg_bench',
    output_index: 0,
    content_index: 0,
    delta: `tok${i} `,
  })),
  { type: 'response.output_item.done', output_index: 0, item: message },
  { type: 'response.completed', response: response('completed', [message], responseUsage) },
].map((e, n) => Buffer.from(responseEvent(n, e)));

const server = createServer((req, res) => {
  const parts = [];
  req.on('data', (d) => parts.push(d));
  req.on('end', () => {
    const stream = Buffer.concat(parts).includes('"stream":true');
    const responses = req.url.endsWith('/responses');
    if (!stream) {
      const body = responses ? responsesJson : json;
      res.writeHead(200, { 'content-type': 'application/json', 'content-length': body.length });
      res.end(body);
      return;
    }
    const events = responses ? responsesEvents : chatEvents;
    res.writeHead(200, { 'content-type': 'text/event-stream' });
    if (delayMs === 0) {
      for (const e of events) res.write(e);
      res.end();
      return;
    }
    let i = 0;
    const tick = () => {
      if (res.destroyed) return;
      res.write(events[i++]);
      if (i < events.length) setTimeout(tick, delayMs);
      else res.end();
    };
    tick();
  });
});
server.keepAliveTimeout = 60_000;
server.listen(Number(process.env.PORT ?? 0), '127.0.0.1', () => process.stdout.write(`listening ${server.address().port}\n`));
