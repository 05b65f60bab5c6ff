import { monthWindow } from './month-window';

describe('monthWindow', () => {
  it('should use the calendar month of the configured zone', () => {
    // 2026-11-30T17:00Z is already December 1st in Taipei (UTC+8).
    const taipei = monthWindow(new Date('2026-11-30T17:00:00Z'), 'Asia/Taipei');
    expect(taipei.key).toBe('2026-12');
    expect(taipei.start.toISOString()).toBe('2026-11-30T16:00:00.000Z');
    expect(taipei.end.toISOString()).toBe('2026-12-31T16:00:00.000Z');
    expect(monthWindow(new Date('2026-11-30T17:00:00Z'), 'UTC').key).toBe('2026-11');
  });

  it('should follow daylight-saving offsets at both ends', () => {
    const ny = monthWindow(new Date('2026-03-15T12:00:00Z'), 'America/New_York');
    expect(ny.start.toISOString()).toBe('2026-03-01T05:00:00.000Z'); // EST
    expect(ny.end.toISOString()).toBe('2026-04-01T04:00:00.000Z'); // EDT
  });

  it('should roll over the year', () => {
    const w = monthWindow(new Date('2026-12-31T23:59:59Z'), 'UTC');
    expect([w.key, w.end.toISOString()]).toEqual(['2026-12', '2027-01-01T00:00:00.000Z']);
  });
});
