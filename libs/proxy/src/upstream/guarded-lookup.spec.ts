import type { LookupAddress } from 'node:dns';
import { once } from 'node:events';
import { connect, createServer, type LookupFunction, type Server } from 'node:net';
import { parseNetworkList } from '@allot/platform';
import { checkLiteralHost, guardedLookup, UpstreamAddressBlocked, type ResolveAll } from './guarded-lookup';

/** Resolves names from a table instead of DNS. */
const table =
  (entries: Record<string, LookupAddress[]>): ResolveAll =>
  (hostname, _options, callback) =>
    setImmediate(() => {
      const found = entries[hostname];
      if (found) callback(null, found);
      else callback(Object.assign(new Error(`getaddrinfo ENOTFOUND ${hostname}`), { code: 'ENOTFOUND' }), []);
    });

const v4 = (address: string): LookupAddress => ({ address, family: 4 });
const v6 = (address: string): LookupAddress => ({ address, family: 6 });

const resolver = table({
  'api.example.com': [v4('203.0.113.10'), v6('2001:db8::10')],
  'metadata.example.com': [v4('169.254.169.254')],
  'mixed.example.com': [v6('::1'), v4('127.0.0.1'), v4('10.0.0.7')],
  localhost: [v6('::1'), v4('127.0.0.1')],
  'mapped.example.com': [v6('::ffff:169.254.169.254')],
});

/** Runs the lookup as net.connect would and returns what it called back with. */
function run(lookup: LookupFunction, hostname: string, all: boolean) {
  return new Promise<{ error: NodeJS.ErrnoException | null; address: string | LookupAddress[]; family?: number }>((resolve) =>
    lookup(hostname, { all }, (error, address, family) => resolve({ error, address, family })),
  );
}

describe(guardedLookup.name, () => {
  const lookup = guardedLookup([], resolver);

  it('should pass public addresses through in both callback forms', async () => {
    expect(await run(lookup, 'api.example.com', true)).toEqual({ error: null, address: [v4('203.0.113.10'), v6('2001:db8::10')] });
    expect(await run(lookup, 'api.example.com', false)).toEqual({ error: null, address: '203.0.113.10', family: 4 });
  });

  it.each([
    ['metadata.example.com', '169.254.169.254 (a cloud metadata address)'],
    ['localhost', '::1 (a loopback address), 127.0.0.1 (a loopback address)'],
    ['mapped.example.com', '::ffff:169.254.169.254 (a cloud metadata address)'],
  ])('should refuse %s, whose every address is blocked', async (host, detail) => {
    for (const all of [true, false]) {
      const { error } = await run(lookup, host, all);
      expect(error).toBeInstanceOf(UpstreamAddressBlocked);
      expect(error!.message).toBe(`${host} → ${detail}`);
    }
  });

  it('should keep only the allowed addresses of a host that has both kinds', async () => {
    expect(await run(lookup, 'mixed.example.com', true)).toEqual({ error: null, address: [v4('10.0.0.7')] });
    expect(await run(lookup, 'mixed.example.com', false)).toEqual({ error: null, address: '10.0.0.7', family: 4 });
  });

  it('should connect to loopback names when the policy allows loopback', async () => {
    const allowing = guardedLookup(parseNetworkList('127.0.0.0/8'), resolver);
    expect(await run(allowing, 'localhost', true)).toEqual({ error: null, address: [v4('127.0.0.1')] });
    expect(await run(allowing, 'localhost', false)).toEqual({ error: null, address: '127.0.0.1', family: 4 });
  });

  it('should pass resolution errors through unchanged', async () => {
    const { error } = await run(lookup, 'nowhere.example.com', true);
    expect(error).not.toBeInstanceOf(UpstreamAddressBlocked);
    expect(error!.code).toBe('ENOTFOUND');
  });

  describe('with net.connect', () => {
    let server: Server;
    let port: number;
    let accepted = 0;
    beforeAll(async () => {
      server = createServer((socket) => {
        accepted++;
        socket.end();
      });
      server.listen(0, '127.0.0.1');
      await once(server, 'listening');
      port = (server.address() as { port: number }).port;
    });
    afterAll(() => new Promise<void>((resolve) => server.close(() => resolve())));

    const dial = (lookup: LookupFunction, autoSelectFamily: boolean) =>
      new Promise<Error | null>((resolve) => {
        const socket = connect({ host: 'localhost', port, lookup, autoSelectFamily });
        socket.on('connect', () => {
          socket.destroy();
          resolve(null);
        });
        socket.on('error', resolve);
      });

    it.each([true, false])('should refuse before any connection (autoSelectFamily: %s)', async (autoSelectFamily) => {
      const before = accepted;
      const error = await dial(guardedLookup([]), autoSelectFamily);
      expect(error).toBeInstanceOf(UpstreamAddressBlocked);
      await new Promise((r) => setTimeout(r, 20));
      expect(accepted).toBe(before);
    });

    it.each([true, false])('should connect when allowed (autoSelectFamily: %s)', async (autoSelectFamily) => {
      expect(await dial(guardedLookup(parseNetworkList('127.0.0.0/8')), autoSelectFamily)).toBeNull();
    });
  });
});

describe(checkLiteralHost.name, () => {
  it.each(['127.0.0.1', '[::1]', '[::ffff:7f00:1]', '169.254.169.254', '[fd00:ec2::254]', '0.0.0.0'])('should refuse %s', (host) => {
    expect(() => checkLiteralHost(host, [])).toThrow(UpstreamAddressBlocked);
  });

  it.each(['10.0.0.1', '[2001:db8::1]', 'localhost', 'api.openai.com'])('should leave %s to connect time or allow it', (host) => {
    expect(() => checkLiteralHost(host, [])).not.toThrow();
  });

  it('should allow literals inside the allowed networks', () => {
    expect(() => checkLiteralHost('127.0.0.1', parseNetworkList('127.0.0.0/8'))).not.toThrow();
    expect(() => checkLiteralHost('[::1]', parseNetworkList('127.0.0.0/8'))).toThrow(UpstreamAddressBlocked);
  });
});
