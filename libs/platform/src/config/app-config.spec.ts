import { ConfigError, loadConfig } from './app-config';

const problemsOf = (env: Record<string, string>) => {
  try {
    loadConfig(env);
  } catch (error) {
    if (error instanceof ConfigError) return error.problems;
    throw error;
  }
  return [];
};

describe('loadConfig', () => {
  it('should default to the embedded database on port 3000', () => {
    const config = loadConfig({});
    expect(config.http.port).toBe(3000);
    expect(config.database.mode).toBe('embedded');
    expect(config.http.bodyLimitBytes).toBe(64 * 1024 * 1024);
    expect(config.http.publicUrl).toBe('http://localhost:3000');
    expect(config.timeZone).toBe('UTC');
    expect(config.migrateOnStart).toBe(true);
  });

  it('should use PostgreSQL when DATABASE_URL is set', () => {
    const config = loadConfig({ DATABASE_URL: 'postgres://u@127.0.0.1:5432/test', DATABASE_POOL_SIZE: '20' });
    expect(config.database).toEqual({ mode: 'postgres', url: 'postgres://u@127.0.0.1:5432/test', poolSize: 20 });
  });

  it('should treat empty variables as unset', () => {
    expect(loadConfig({ PORT: '', DATABASE_URL: '' }).database.mode).toBe('embedded');
  });

  it('should list every invalid variable at once, naming each', () => {
    const problems = problemsOf({
      PORT: 'eighty',
      ALLOT_BODY_LIMIT_MB: '0',
      ALLOT_TIME_ZONE: 'Mars/Olympus',
      LOG_LEVEL: 'loud',
      ALLOT_MIGRATE_ON_START: 'maybe',
      REDIS_URL: 'http://x',
    });
    expect(problems).toHaveLength(6);
    expect(problems.join('\n')).toMatch(/PORT: must be a whole number between 0 and 65535 \(got "eighty"\)/);
    expect(problems.join('\n')).toMatch(/ALLOT_BODY_LIMIT_MB/);
    expect(problems.join('\n')).toMatch(/ALLOT_TIME_ZONE: must be an IANA time zone/);
    expect(problems.join('\n')).toMatch(/LOG_LEVEL/);
    expect(problems.join('\n')).toMatch(/ALLOT_MIGRATE_ON_START: must be true or false/);
    expect(problems.join('\n')).toMatch(/REDIS_URL: must be a URL starting with redis:\/\/ or rediss:\/\//);
  });

  it('should never echo the value of a secret variable', () => {
    const problems = problemsOf({ DATABASE_URL: 'mysql://root:hunter2@db/x' });
    expect(problems).toEqual(['DATABASE_URL: must be a URL starting with postgres:// or postgresql://']);
  });

  it('should exempt no network from the upstream address policy by default', () => {
    expect(loadConfig({}).upstream.allowedNetworks).toEqual([]);
    expect(loadConfig({ ALLOT_UPSTREAM_ALLOWED_NETWORKS: '' }).upstream.allowedNetworks).toEqual([]);
  });

  it('should parse the allowed upstream networks', () => {
    expect(loadConfig({ ALLOT_UPSTREAM_ALLOWED_NETWORKS: '127.0.0.0/8, ::1/128' }).upstream.allowedNetworks).toEqual([
      { address: '127.0.0.0', prefix: 8, family: 'ipv4' },
      { address: '::1', prefix: 128, family: 'ipv6' },
    ]);
  });

  it('should name each bad allowed network', () => {
    expect(problemsOf({ ALLOT_UPSTREAM_ALLOWED_NETWORKS: '127.0.0.0/8,10.0.0.0/33,localhost' })).toEqual([
      'ALLOT_UPSTREAM_ALLOWED_NETWORKS: "10.0.0.0/33", "localhost" are not IP addresses or CIDR ranges (expected e.g. 10.0.0.0/8, fd00::/8 or 127.0.0.1) (got "127.0.0.0/8,10.0.0.0/33,localhost")',
    ]);
  });

  it('should derive the public URL from an explicit setting without a trailing slash', () => {
    expect(loadConfig({ ALLOT_PUBLIC_URL: 'https://ai.example.org/' }).http.publicUrl).toBe('https://ai.example.org');
  });
});
