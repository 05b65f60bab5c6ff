import { retryAfterAsSeconds, retryAfterSeconds } from './retry-after';

describe('retryAfterSeconds', () => {
  it.each<[string | undefined, string, string]>([
    ['7', 'anything', '7'],
    ['Wed, 21 Oct 2026 07:28:00 GMT', 'anything', 'Wed, 21 Oct 2026 07:28:00 GMT'],
    [undefined, 'Rate limit reached for gpt-5.4. Please try again in 2.5s.', '3'],
    [undefined, 'Please try again in 20ms.', '1'],
    [undefined, 'Please try again in 12 seconds.', '12'],
    [undefined, 'Too many requests', '1'],
  ])('header %p, message %p → %p', (header, message, expected) => {
    expect(retryAfterSeconds(header, message)).toBe(expected);
  });
});

describe('retryAfterAsSeconds', () => {
  it('reads delay seconds and HTTP dates, never below 1', () => {
    expect(retryAfterAsSeconds('4')).toBe(4);
    expect(retryAfterAsSeconds('2.5')).toBe(3);
    expect(retryAfterAsSeconds('0')).toBe(1);
    expect(retryAfterAsSeconds(new Date(Date.now() + 30_500).toUTCString())).toBeGreaterThanOrEqual(29);
    expect(retryAfterAsSeconds('soon')).toBe(1);
  });
});
