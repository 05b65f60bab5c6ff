import { Writable } from 'node:stream';
import { createLogger } from './logger';

function capture() {
  const lines: string[] = [];
  const sink = new Writable({
    write(chunk: Buffer, _encoding, done) {
      lines.push(chunk.toString('utf8'));
      done();
    },
  });
  return { logger: createLogger('trace', sink), lines };
}

describe('createLogger redaction', () => {
  it('censors secret-bearing fields one and two levels deep, and auth headers', () => {
    const { logger, lines } = capture();
    logger.info(
      {
        credential: { apiKey: 'sk-secret-one', label: 'main' },
        call: { credential: { apiKey: 'sk-secret-two' } },
        headers: { 'api-key': 'azure-secret-three', 'x-api-key': 'anthropic-secret-four' },
        req: { headers: { authorization: 'Bearer allot_k1_secret', cookie: 'sid=secret', 'api-key': 'azure-secret-five' } },
        user: { password: 'hunter2', token: 'tok-secret' },
      },
      'probe',
    );
    const text = lines.join('');
    for (const secret of [
      'sk-secret-one',
      'sk-secret-two',
      'azure-secret-three',
      'anthropic-secret-four',
      'allot_k1_secret',
      'sid=secret',
      'azure-secret-five',
      'hunter2',
      'tok-secret',
    ]) {
      expect(text).not.toContain(secret);
    }
    expect(text).toContain('"label":"main"');
    expect(text.match(/\[redacted\]/g)?.length).toBe(9);
  });
});
