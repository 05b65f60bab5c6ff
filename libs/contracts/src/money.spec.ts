import { microsToUsd, usdToMicros } from './money';

describe('money', () => {
  it.each([
    ['0', 0],
    ['2.5', 2_500_000],
    ['2.50', 2_500_000],
    ['0.000001', 1],
    ['1.25', 1_250_000],
    ['999999999.999999', 999_999_999_999_999],
  ])('should parse %s exactly', (text, micros) => {
    expect(usdToMicros(text)).toBe(micros);
  });

  it.each(['-1', '1.0000001', 'abc', '', '1e3', '1,5', '1000000000'])('should reject %j', (text) => {
    expect(usdToMicros(text)).toBeUndefined();
  });

  it('should format micro-dollars as the shortest exact decimal and round-trip', () => {
    expect(microsToUsd(2_500_000)).toBe('2.5');
    expect(microsToUsd(1)).toBe('0.000001');
    expect(microsToUsd(0)).toBe('0');
    for (const micros of [0, 1, 10, 999_999, 1_000_000, 12_345_678_901]) {
      expect(usdToMicros(microsToUsd(micros))).toBe(micros);
    }
  });
});
