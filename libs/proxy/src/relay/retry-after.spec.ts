import { retryAfterSeconds } from './retry-after';

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
