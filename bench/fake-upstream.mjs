// A minimal, fast OpenAI-shaped upstream for the benchmark: chat JSON, or SSE with N chunks and an optional delay
// between them (BENCH_CHUNK_DELAY_MS). It must not be the bottleneck, so it answers from prebuilt buffers.
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
const events = [
  chunk({ role: 'assistant', content: '' }),
  ...Array.from({ length: CHUNKS }, (_, i) => chunk({ content: `tok${i} ` })),
  `data: ${JSON.stringify({ id: 'chatcmpl-bench', object: 'chat.completion.chunk', created: 1764460800, model: 'bench-model', choices: [], usage })}\n\n`,
  'data: [DONE]\n\n',
].map((e) => Buffer.from(e));

const server = createServer((req, res) => {
  const parts = [];
  req.on('data', (d) => parts.push(d));
  req.on('end', () => {
    const stream = Buffer.concat(parts).includes('"stream":true');
    if (!stream) {
      res.writeHead(200, { 'content-type': 'application/json', 'content-length': json.length });
      res.end(json);
      return;
    }
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
