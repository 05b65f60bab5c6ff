import { readUpstreamFailure } from './upstream-error';

describe('readUpstreamFailure', () => {
  it('reads a Google error: message and status kept, a 429 waits for its RetryInfo delay without a Retry-After header', () => {
    const body = JSON.stringify({
      error: {
        code: 429,
        message: 'Resource has been exhausted (e.g. check quota).',
        status: 'RESOURCE_EXHAUSTED',
        details: [
          { '@type': 'type.googleapis.com/google.rpc.QuotaFailure', violations: [] },
          { '@type': 'type.googleapis.com/google.rpc.RetryInfo', retryDelay: '37.2s' },
        ],
      },
    });
    expect(readUpstreamFailure(429, {}, body, [])).toEqual({
      status: 429,
      type: 'invalid_request_error',
      code: 'rate_limit_exceeded',
      param: null,
      message: 'Resource has been exhausted (e.g. check quota).',
      retryAfter: '38',
    });
    // The provider's Retry-After header wins.
    expect(readUpstreamFailure(429, { 'retry-after': '5' }, body, []).retryAfter).toBe('5');
  });

  it('reads a Google 400 and redacts the key if the message echoes it', () => {
    const body = JSON.stringify({ error: { code: 400, message: 'API key AIza-secret not valid.', status: 'INVALID_ARGUMENT' } });
    const failure = readUpstreamFailure(400, {}, body, ['AIza-secret']);
    expect(failure).toMatchObject({ status: 400, code: 'upstream_error', type: 'invalid_request_error' });
    expect(failure.message).not.toContain('AIza-secret');
    expect(failure).not.toHaveProperty('retryAfter');
  });
});
