import { parseNetworkList } from '@allot/platform';
import { planOrgConfig } from './org-planner';
import type { OrgSnapshot } from './org-snapshot';
import { OrgConfigInvalid, OrgConfigSource } from './yaml-source';

const EMPTY: OrgSnapshot = {
  providers: [],
  credentials: [],
  models: [],
  prices: [],
  tags: [],
  members: [],
  memberTags: new Map(),
  allocations: [],
  keys: [],
  keyScopes: new Map(),
};

const orgWith = (providerUrl: string, credentialUrl: string) => `version: 1
providers:
  - name: local
    type: openai-compatible
    baseUrl: "${providerUrl}"
    credentials:
      - label: main
        apiKey: { env: LOCAL_KEY }
        baseUrl: "${credentialUrl}"
`;

const problemsOf = (text: string) => {
  try {
    OrgConfigSource.parse('org.yaml', text);
  } catch (error) {
    if (error instanceof OrgConfigInvalid) return error.message.split('\n').slice(1);
    throw error;
  }
  return [];
};

describe('provider base URLs in the organization file', () => {
  it.each([
    ['ftp://models.internal/v1', 'must be an http:// or https:// URL'],
    ['file:///etc/passwd', 'must be an http:// or https:// URL'],
    ['https://user:secret@models.internal/v1', 'must not contain a user name or password; credentials go in apiKey'],
    ['https://models.internal/v1#frag', 'must not contain a fragment (#…)'],
    ['http://metadata.google.internal/computeMetadata/v1', 'must not point at a cloud metadata service'],
    ['not a url', 'must be an absolute http:// or https:// URL'],
  ])('should refuse %s on the provider and on the credential, with their lines', (url, message) => {
    expect(problemsOf(orgWith(url, url))).toEqual([
      `  org.yaml:5:14: providers[0].baseUrl: ${message}`,
      `  org.yaml:9:18: providers[0].credentials[0].baseUrl: ${message}`,
    ]);
  });

  it('should accept loopback and private addresses statically (the network policy judges them)', () => {
    expect(problemsOf(orgWith('http://127.0.0.1:11434/v1', 'http://10.0.0.5:8000/v1'))).toEqual([]);
    expect(problemsOf(orgWith('http://localhost:11434/v1', 'https://api.example.com/v1'))).toEqual([]);
  });

  it('should note base URLs the network policy would refuse, without refusing the file', () => {
    const source = OrgConfigSource.parse('org.yaml', orgWith('http://127.0.0.1:11434/v1', 'http://localhost:11434/v1'));
    const plan = planOrgConfig(source, EMPTY, { LOCAL_KEY: 'k' }, { allowedNetworks: [] });
    expect(plan.ops.map((op) => op.op)).toEqual(['provider.create', 'credential.create']);
    expect(plan.notes).toEqual([
      'org.yaml:5:14: providers[0].baseUrl: points at a loopback address, which the gateway refuses to connect to; ' +
        'calls will fail with upstream_address_blocked unless ALLOT_UPSTREAM_ALLOWED_NETWORKS allows it',
      'org.yaml:9:18: providers[0].credentials[0].baseUrl: points at a loopback address (localhost), which the gateway ' +
        'refuses to connect to; calls will fail with upstream_address_blocked unless ALLOT_UPSTREAM_ALLOWED_NETWORKS allows it',
    ]);
    expect(planOrgConfig(source, EMPTY, { LOCAL_KEY: 'k' }, { allowedNetworks: parseNetworkList('127.0.0.0/8') }).notes).toEqual([]);
  });
});
