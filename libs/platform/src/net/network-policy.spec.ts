import { blockedReason, parseNetworkList, validateBaseUrl } from './network-policy';

describe('parseNetworkList', () => {
  it('should parse CIDR ranges and single addresses of both families', () => {
    expect(parseNetworkList(' 127.0.0.0/8, ::1/128,10.1.2.3 , fd00::/8, [::1], ')).toEqual([
      { address: '127.0.0.0', prefix: 8, family: 'ipv4' },
      { address: '::1', prefix: 128, family: 'ipv6' },
      { address: '10.1.2.3', prefix: 32, family: 'ipv4' },
      { address: 'fd00::', prefix: 8, family: 'ipv6' },
      { address: '::1', prefix: 128, family: 'ipv6' },
    ]);
  });

  it('should read an empty list as no exemption', () => {
    expect(parseNetworkList('')).toEqual([]);
    expect(parseNetworkList(' , ')).toEqual([]);
  });

  it.each(['10.0.0.0/33', '::/129', 'localhost', '10.0.0', '10.0.0.0/', '10.0.0.0/8/8', '10.0.0.0/-1', '10.0.0.0/x', 'fe80::1%eth0', '*'])(
    'should refuse %s, naming it',
    (entry) => {
      expect(() => parseNetworkList(`127.0.0.0/8,${entry}`)).toThrow(`${JSON.stringify(entry)} is not an IP address or CIDR range`);
    },
  );

  it('should name every bad entry at once', () => {
    expect(() => parseNetworkList('a, 10.0.0.0/8, b/3')).toThrow('"a", "b/3" are not IP addresses or CIDR ranges');
  });
});

describe('blockedReason', () => {
  it.each([
    // loopback
    ['127.0.0.1', 'a loopback address'],
    ['127.255.255.254', 'a loopback address'],
    ['::1', 'a loopback address'],
    ['0:0:0:0:0:0:0:1', 'a loopback address'],
    ['[::1]', 'a loopback address'],
    ['::ffff:127.0.0.1', 'a loopback address'],
    ['::ffff:7f00:1', 'a loopback address'],
    ['0:0:0:0:0:ffff:7f00:1', 'a loopback address'],
    // unspecified
    ['0.0.0.0', 'an unspecified address'],
    ['0.1.2.3', 'an unspecified address'],
    ['::', 'an unspecified address'],
    ['::ffff:0.0.0.0', 'an unspecified address'],
    // cloud metadata, then the rest of link-local
    ['169.254.169.254', 'a cloud metadata address'],
    ['::ffff:169.254.169.254', 'a cloud metadata address'],
    ['::ffff:a9fe:a9fe', 'a cloud metadata address'],
    ['169.254.170.2', 'a cloud metadata address'],
    ['100.100.100.200', 'a cloud metadata address'],
    ['fd00:ec2::254', 'a cloud metadata address'],
    ['169.254.0.1', 'a link-local address'],
    ['169.254.255.255', 'a link-local address'],
    ['fe80::1', 'a link-local address'],
    ['fe80::1%eth0', 'a link-local address'],
    ['febf:ffff::1', 'a link-local address'],
    // multicast, broadcast, reserved
    ['224.0.0.1', 'a multicast address'],
    ['239.255.255.250', 'a multicast address'],
    ['ff02::1', 'a multicast address'],
    ['255.255.255.255', 'a reserved or broadcast address'],
    ['240.0.0.1', 'a reserved or broadcast address'],
    // IPv4 hidden in IPv6
    ['::127.0.0.1', 'an IPv4-compatible IPv6 address'],
    ['::a9fe:a9fe', 'an IPv4-compatible IPv6 address'],
    ['64:ff9b::a9fe:a9fe', 'a cloud metadata address (through NAT64)'],
    ['64:ff9b::127.0.0.1', 'a loopback address (through NAT64)'],
    // not an address at all
    ['localhost', 'not an IP address'],
    ['', 'not an IP address'],
  ])('should block %s as %s', (address, reason) => {
    expect(blockedReason(address, [])).toBe(reason);
  });

  it.each([
    '10.0.0.1', // RFC 1918: self-hosted models on internal networks
    '172.16.5.4',
    '192.168.1.10',
    '100.64.0.1', // carrier-grade NAT
    '8.8.8.8',
    '1.1.1.1',
    '169.253.255.255',
    '169.255.0.0',
    '126.255.255.255',
    '128.0.0.0',
    '223.255.255.255',
    'fd12:3456::1', // unique local
    'fd00:ec2::253',
    'fec0::1',
    'fe7f::1',
    'fec0::',
    '2001:4860:4860::8888',
    '::ffff:10.0.0.1',
    '::ffff:8.8.8.8',
    '64:ff9b::808:808', // NAT64 of a public address
  ])('should allow %s', (address) => {
    expect(blockedReason(address, [])).toBeUndefined();
  });

  it('should never block an address inside the allowed networks', () => {
    const allowed = parseNetworkList('127.0.0.0/8, ::1, 169.254.169.254, fe80::/10');
    for (const address of ['127.0.0.1', '127.1.2.3', '::1', '::ffff:127.0.0.1', '169.254.169.254', 'fe80::abcd']) {
      expect(blockedReason(address, allowed)).toBeUndefined();
    }
    // Only what is listed is exempt.
    expect(blockedReason('169.254.169.253', allowed)).toBe('a link-local address');
    expect(blockedReason('0.0.0.0', allowed)).toBe('an unspecified address');
    expect(blockedReason('fd00:ec2::254', allowed)).toBe('a cloud metadata address');
  });

  it('should exempt loopback IPv6 only when ::1 is listed', () => {
    const v4only = parseNetworkList('127.0.0.0/8');
    expect(blockedReason('127.0.0.1', v4only)).toBeUndefined();
    expect(blockedReason('::1', v4only)).toBe('a loopback address');
  });
});

describe('validateBaseUrl', () => {
  it.each([
    'https://api.openai.com/v1',
    'https://contoso.openai.azure.com',
    'http://vllm.internal:8000/v1',
    'http://10.0.0.5:11434/v1',
    'http://[fd12::1]:8000/v1',
    'http://localhost:11434/v1', // host names are judged when resolved
    'http://127.0.0.1:8000/v1',
  ])('should accept %s statically', (url) => {
    expect(validateBaseUrl(url)).toBeUndefined();
  });

  it.each([
    ['ftp://example.com/v1', 'must be an http:// or https:// URL'],
    ['file:///etc/passwd', 'must be an http:// or https:// URL'],
    ['gopher://example.com', 'must be an http:// or https:// URL'],
    ['example.com/v1', 'must be an absolute http:// or https:// URL'],
    ['https://user:pass@api.example.com/v1', 'must not contain a user name or password; credentials go in apiKey'],
    ['https://user@api.example.com/v1', 'must not contain a user name or password; credentials go in apiKey'],
    ['https://api.example.com/v1#x', 'must not contain a fragment (#…)'],
    ['https://api.example.com/v1#', 'must not contain a fragment (#…)'],
    ['http://metadata.google.internal/computeMetadata/v1', 'must not point at a cloud metadata service'],
    ['http://METADATA.GOOGLE.INTERNAL./v1', 'must not point at a cloud metadata service'],
    ['http://metadata/v1', 'must not point at a cloud metadata service'],
    ['http://instance-data/latest', 'must not point at a cloud metadata service'],
  ])('should refuse %s statically', (url, problem) => {
    expect(validateBaseUrl(url)).toBe(problem);
  });

  it.each([
    ['http://127.0.0.1:8000/v1', 'points at a loopback address, which the gateway refuses to connect to'],
    ['http://2130706433/v1', 'points at a loopback address, which the gateway refuses to connect to'],
    ['http://0x7f.1/v1', 'points at a loopback address, which the gateway refuses to connect to'],
    ['http://[::1]:8000/v1', 'points at a loopback address, which the gateway refuses to connect to'],
    ['http://[::ffff:127.0.0.1]/v1', 'points at a loopback address, which the gateway refuses to connect to'],
    ['http://169.254.169.254/latest', 'points at a cloud metadata address, which the gateway refuses to connect to'],
    ['http://[fd00:ec2::254]/latest', 'points at a cloud metadata address, which the gateway refuses to connect to'],
    ['http://0.0.0.0:8000/v1', 'points at an unspecified address, which the gateway refuses to connect to'],
    ['http://localhost:11434/v1', 'points at a loopback address (localhost), which the gateway refuses to connect to'],
    ['http://api.localhost/v1', 'points at a loopback address (localhost), which the gateway refuses to connect to'],
  ])('should refuse %s under the default network policy', (url, problem) => {
    expect(validateBaseUrl(url, [])).toBe(problem);
  });

  it('should accept loopback URLs when the policy allows loopback', () => {
    const allowed = parseNetworkList('127.0.0.0/8');
    expect(validateBaseUrl('http://127.0.0.1:8000/v1', allowed)).toBeUndefined();
    expect(validateBaseUrl('http://localhost:11434/v1', allowed)).toBeUndefined();
    expect(validateBaseUrl('http://[::1]:8000/v1', allowed)).toBe('points at a loopback address, which the gateway refuses to connect to');
    expect(validateBaseUrl('http://10.0.0.5/v1', [])).toBeUndefined();
    expect(validateBaseUrl('https://api.openai.com/v1', [])).toBeUndefined();
  });
});
