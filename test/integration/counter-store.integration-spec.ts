import { randomUUID } from 'node:crypto';
import { MemoryCounterStore, type Amount, type CounterStore } from '../../libs/billing/src/quota/counter-store';
import { RedisCounterStore } from '../../libs/billing/src/quota/redis-counter-store';

/** The same contract for both stores; Redis runs when TEST_REDIS_URL is set (CI's second pass). */
const stores: [string, () => CounterStore][] = [['memory', () => new MemoryCounterStore()]];
if (process.env.TEST_REDIS_URL) stores.push(['redis', () => new RedisCounterStore(process.env.TEST_REDIS_URL!)]);

const amount = (tokens: number, costPico: bigint): Amount => ({ tokens: BigInt(tokens), costPico });

describe.each(stores)('%s counter store', (kind, make) => {
  const opened: CounterStore[] = [];
  const store = () => {
    const s = make();
    opened.push(s);
    return s;
  };
  afterAll(async () => {
    for (const s of opened) if (s instanceof RedisCounterStore) await s.close();
  });

  it('should seed a month once and admit exactly the reservations that fit', async () => {
    const s = store();
    const key = `quota:${randomUUID()}:2026-11`;
    let loads = 0;
    const load = async () => {
      loads++;
      return amount(100, 5_000_000n);
    };
    const results = await Promise.all(Array.from({ length: 50 }, () => s.reserve(key, load, amount(10, 1_500_000n), { tokens: 200n })));
    expect(results.filter((r) => r.ok)).toHaveLength(10);
    expect(results.find((r) => !r.ok)).toMatchObject({ ok: false, exceeded: 'tokens' });
    expect(loads).toBeGreaterThanOrEqual(1);
    expect(await s.peek(key)).toEqual({ used: amount(100, 5_000_000n), reserved: amount(100, 15_000_000n) });
  });

  it('should settle exactly, fractions of a micro-dollar included', async () => {
    const s = store();
    const key = `quota:${randomUUID()}:2026-11`;
    const load = async () => amount(0, 0n);
    await s.reserve(key, load, amount(50, 2_999_999n), {});
    await s.reserve(key, load, amount(50, 2_999_999n), {});
    await s.settle(key, amount(50, 2_999_999n), amount(21, 1_234_567n));
    await s.settle(key, amount(50, 2_999_999n), amount(7, 999_999n));
    expect(await s.peek(key)).toEqual({ used: amount(28, 2_234_566n), reserved: amount(0, 0n) });
  });

  it('should refuse a reservation that would pass the cost quota', async () => {
    const s = store();
    const key = `quota:${randomUUID()}:2026-11`;
    const limits = { costPico: 10_000_000n }; // 10 µ$
    expect(await s.reserve(key, async () => amount(0, 9_000_000n), amount(1, 1_000_000n), limits)).toEqual({ ok: true });
    expect(await s.reserve(key, async () => amount(0, 0n), amount(1, 1n), limits)).toMatchObject({ ok: false, exceeded: 'cost' });
  });

  it('should count requests in fixed windows and say when the window ends', async () => {
    const s = store();
    const key = `rpm:${randomUUID()}`;
    for (let i = 0; i < 3; i++) expect(await s.addToWindow(key, 1, 3, 60_000)).toEqual({ ok: true });
    const refused = await s.addToWindow(key, 1, 3, 60_000);
    expect(refused.ok).toBe(false);
    expect(!refused.ok && refused.retryAfterMs).toBeGreaterThan(0);
    expect(!refused.ok && refused.retryAfterMs).toBeLessThanOrEqual(60_000);
    await s.adjustWindow(key, -1, 60_000);
    expect(await s.addToWindow(key, 1, 3, 60_000)).toEqual({ ok: true });
  });

  it('should cap concurrency and free slots on release', async () => {
    const s = store();
    const key = `conc:${randomUUID()}`;
    expect(await Promise.all([s.acquire(key, 2), s.acquire(key, 2), s.acquire(key, 2)])).toEqual([true, true, false]);
    await s.release(key);
    expect(await s.acquire(key, 2)).toBe(true);
  });

  if (kind === 'redis') {
    it('should share counters between replicas', async () => {
      const a = store();
      const b = store();
      const key = `quota:${randomUUID()}:2026-11`;
      const load = async () => amount(0, 0n);
      const results = await Promise.all(
        Array.from({ length: 20 }, (_, i) => (i % 2 ? a : b).reserve(key, load, amount(10, 0n), { tokens: 100n })),
      );
      expect(results.filter((r) => r.ok)).toHaveLength(10);
    });
  }
});
