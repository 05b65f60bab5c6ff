/**
 * Money is integer micro-dollars (1 USD = 1,000,000 µ$). These helpers convert between decimal text and
 * micro-dollars exactly, without floating point.
 */
export const MICROS_PER_USD = 1_000_000;

const DECIMAL = /^(\d{1,9})(?:\.(\d{1,6}))?$/;

/** `"2.50"` → 2500000; undefined unless the text is a non-negative decimal below 10^9 with at most 6 decimals. */
export function usdToMicros(text: string): number | undefined {
  const match = DECIMAL.exec(text.trim());
  if (!match) return undefined;
  const whole = Number(match[1]);
  const fraction = Number((match[2] ?? '').padEnd(6, '0'));
  return whole * MICROS_PER_USD + fraction;
}

/** 2500000 → `"2.5"`: the shortest exact decimal. */
export function microsToUsd(micros: number): string {
  const sign = micros < 0 ? '-' : '';
  const abs = Math.abs(micros);
  const whole = Math.floor(abs / MICROS_PER_USD);
  const fraction = String(abs % MICROS_PER_USD)
    .padStart(6, '0')
    .replace(/0+$/, '');
  return `${sign}${whole}${fraction ? `.${fraction}` : ''}`;
}
