import { once } from 'node:events';
import { createServer, type Server } from 'node:http';
import { Logger } from '@nestjs/common';
import { loadConfig } from '@allot/platform';
import { GatewayError } from '../errors/gateway-error';
import { UpstreamClient } from './upstream-client.service';

describe(UpstreamClient.name, () => {
  let server: Server;
  let port: number;
  let received = 0;
  let warn: jest.SpyInstance;

  beforeAll(async () => {
    server = createServer((_req, res) => {
      received++;
      res.setHeader('content-type', 'application/json');
      res.end('{"ok":true}');
    });
    server.listen(0, '127.0.0.1');
    await once(server, 'listening');
    port = (server.address() as { port: number }).port;
  });
  afterAll(() => new Promise<void>((resolve) => server.close(() => resolve())));
  beforeEach(() => {
    warn = jest.spyOn(Logger.prototype, 'warn').mockImplementation(() => undefined);
  });
  afterEach(() => warn.mockRestore());

  const send = async (client: UpstreamClient, host: string) => {
    const target = {
      url: new URL(`http://${host}:${port}/v1/chat/completions`),
      headers: { authorization: 'Bearer sk-secret' },
      bodyModel: 'm',
    };
    return client.send('cred-1', target, '{}', new AbortController().signal);
  };

  it.each(['127.0.0.1', 'localhost'])('should refuse %s under the default policy, without connecting, and log why', async (host) => {
    const client = new UpstreamClient(loadConfig({}));
    const before = received;
    const error = await send(client, host).catch((e: unknown) => e);
    expect(error).toBeInstanceOf(GatewayError);
    expect(error).toMatchObject({ status: 502, code: 'upstream_address_blocked', outcome: 'upstream_error' });
    expect(received).toBe(before);
    expect(warn).toHaveBeenCalledTimes(1);
    const logged = String(warn.mock.calls[0]![0]);
    expect(logged).toContain('credential cred-1');
    expect(logged).toMatch(new RegExp(`${host} → .*127\\.0\\.0\\.1 \\(a loopback address\\)`));
    expect(logged).not.toContain('sk-secret');
    await client.onApplicationShutdown();
  });

  it.each(['127.0.0.1', 'localhost'])('should connect to %s when loopback is allowed', async (host) => {
    const client = new UpstreamClient(loadConfig({ ALLOT_UPSTREAM_ALLOWED_NETWORKS: '127.0.0.0/8' }));
    const before = received;
    const response = await send(client, host);
    expect(response.statusCode).toBe(200);
    await response.body.dump();
    expect(received).toBe(before + 1);
    expect(warn).not.toHaveBeenCalled();
    await client.onApplicationShutdown();
  });
});
