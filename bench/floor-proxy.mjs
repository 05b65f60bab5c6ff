// The floor: a plain node:http pass-through proxy with keep-alive, no auth, no metering. What any Node proxy costs.
import { Agent, createServer, request } from 'node:http';

const target = new URL(process.env.UPSTREAM);
const agent = new Agent({ keepAlive: true, maxSockets: 512 });
const server = createServer((req, res) => {
  const upstream = request(
    {
      host: target.hostname,
      port: target.port,
      path: '/v1' + req.url.replace(/^\/v1/, ''),
      method: req.method,
      headers: req.headers,
      agent,
    },
    (up) => {
      res.writeHead(up.statusCode, up.headers);
      up.pipe(res);
    },
  );
  upstream.on('error', () => res.destroy());
  req.pipe(upstream);
});
server.keepAliveTimeout = 60_000;
server.listen(0, '127.0.0.1', () => process.stdout.write(`listening ${server.address().port}\n`));
