import Redis from 'ioredis';
import type { Amount, CounterStore, QuotaLimits, ReserveResult } from './counter-store';

const MILLION = 1_000_000n;
/** Months are kept a little over a month; concurrency slots of a crashed process expire after an hour. */
const MONTH_TTL_SECONDS = 40 * 24 * 3600;
const SLOT_TTL_SECONDS = 3600;

// Redis numbers are doubles, exact to 2^53: costs are kept as whole micro-dollars plus a remainder in millionths,
// so the counters stay exact to the ledger's precision far beyond what one allocation spends.
const COST_HELPERS = `
local M = 1000000
local function norm(m, f) m = m + math.floor(f / M); f = f % M; return m, f end
local function get(k, field) return tonumber(redis.call('HGET', k, field) or '0') end
`;

const RESERVE = `${COST_HELPERS}
if redis.call('HEXISTS', KEYS[1], 'init') == 0 then return {-1} end
local wt, wm, wf = tonumber(ARGV[1]), tonumber(ARGV[2]), tonumber(ARGV[3])
local t = get(KEYS[1], 'ut') + get(KEYS[1], 'rt') + wt
if ARGV[4] ~= '' and t > tonumber(ARGV[4]) then return {0, 1} end
local m, f = norm(get(KEYS[1], 'um') + get(KEYS[1], 'rm') + wm, get(KEYS[1], 'uf') + get(KEYS[1], 'rf') + wf)
if ARGV[5] ~= '' then
  local lm = tonumber(ARGV[5])
  if m > lm or (m == lm and f > 0) then return {0, 2} end
end
redis.call('HINCRBY', KEYS[1], 'rt', wt)
local rm, rf = norm(get(KEYS[1], 'rm') + wm, get(KEYS[1], 'rf') + wf)
redis.call('HSET', KEYS[1], 'rm', rm, 'rf', rf)
return {1}`;

const SEED = `
if redis.call('HSETNX', KEYS[1], 'init', '1') == 1 then
  redis.call('HSET', KEYS[1], 'ut', ARGV[1], 'um', ARGV[2], 'uf', ARGV[3], 'rt', 0, 'rm', 0, 'rf', 0)
  redis.call('EXPIRE', KEYS[1], ARGV[4])
end
return 1`;

const SETTLE = `${COST_HELPERS}
if redis.call('HEXISTS', KEYS[1], 'init') == 0 then return 0 end
redis.call('HINCRBY', KEYS[1], 'rt', -tonumber(ARGV[1]))
redis.call('HINCRBY', KEYS[1], 'ut', tonumber(ARGV[4]))
local rm, rf = get(KEYS[1], 'rm') - tonumber(ARGV[2]), get(KEYS[1], 'rf') - tonumber(ARGV[3])
if rf < 0 then rf = rf + M; rm = rm - 1 end
local um, uf = norm(get(KEYS[1], 'um') + tonumber(ARGV[5]), get(KEYS[1], 'uf') + tonumber(ARGV[6]))
redis.call('HSET', KEYS[1], 'rm', rm, 'rf', rf, 'um', um, 'uf', uf)
return 1`;

const WINDOW_ADD = `
local v = redis.call('INCRBY', KEYS[1], ARGV[1])
if v == tonumber(ARGV[1]) then redis.call('PEXPIRE', KEYS[1], ARGV[3]) end
if v > tonumber(ARGV[2]) then redis.call('DECRBY', KEYS[1], ARGV[1]); return {0, redis.call('PTTL', KEYS[1])} end
return {1, 0}`;

const ACQUIRE = `
local v = redis.call('INCR', KEYS[1])
redis.call('EXPIRE', KEYS[1], ARGV[2])
if v > tonumber(ARGV[1]) then redis.call('DECR', KEYS[1]); return 0 end
return 1`;

const split = (pico: bigint): [string, string] => [(pico / MILLION).toString(), (pico % MILLION).toString()];
const joinCost = (micros: string | undefined, frac: string | undefined) => BigInt(micros ?? '0') * MILLION + BigInt(frac ?? '0');

type Scripted = Redis & {
  allotReserve(key: string, ...args: string[]): Promise<number[]>;
  allotSeed(key: string, ...args: string[]): Promise<number>;
  allotSettle(key: string, ...args: string[]): Promise<number>;
  allotWindowAdd(key: string, ...args: string[]): Promise<number[]>;
  allotAcquire(key: string, ...args: string[]): Promise<number>;
};

/** Counters shared by every replica, each operation one Lua script (atomic in Redis). */
export class RedisCounterStore implements CounterStore {
  private readonly redis: Scripted;

  constructor(url: string) {
    const redis = new Redis(url, { lazyConnect: false, maxRetriesPerRequest: 2, keyPrefix: 'allot:' });
    redis.defineCommand('allotReserve', { numberOfKeys: 1, lua: RESERVE });
    redis.defineCommand('allotSeed', { numberOfKeys: 1, lua: SEED });
    redis.defineCommand('allotSettle', { numberOfKeys: 1, lua: SETTLE });
    redis.defineCommand('allotWindowAdd', { numberOfKeys: 1, lua: WINDOW_ADD });
    redis.defineCommand('allotAcquire', { numberOfKeys: 1, lua: ACQUIRE });
    this.redis = redis as Scripted;
  }

  async reserve(key: string, load: () => Promise<Amount>, want: Amount, limits: QuotaLimits): Promise<ReserveResult> {
    const args = [
      want.tokens.toString(),
      ...split(want.costPico),
      limits.tokens === undefined ? '' : limits.tokens.toString(),
      limits.costPico === undefined ? '' : (limits.costPico / MILLION).toString(),
    ];
    let [status, which] = await this.redis.allotReserve(key, ...args);
    if (status === -1) {
      // First call of the month on any replica: seed from the ledger (the first seeder wins), then try again.
      const used = await load();
      await this.redis.allotSeed(key, used.tokens.toString(), ...split(used.costPico), String(MONTH_TTL_SECONDS));
      [status, which] = await this.redis.allotReserve(key, ...args);
    }
    if (status === 1) return { ok: true };
    const state = await this.peek(key);
    return { ok: false, exceeded: which === 1 ? 'tokens' : 'cost', used: state?.used ?? { tokens: 0n, costPico: 0n } };
  }

  async settle(key: string, reserved: Amount, actual: Amount): Promise<void> {
    await this.redis.allotSettle(
      key,
      reserved.tokens.toString(),
      ...split(reserved.costPico),
      actual.tokens.toString(),
      ...split(actual.costPico),
    );
  }

  async addToWindow(key: string, amount: number, limit: number, windowMs: number) {
    const now = Date.now();
    const [ok, ttl] = await this.redis.allotWindowAdd(`${key}:${now - (now % windowMs)}`, String(amount), String(limit), String(windowMs));
    return ok === 1 ? { ok: true as const } : { ok: false as const, retryAfterMs: Math.max(ttl ?? windowMs, 1) };
  }

  async adjustWindow(key: string, delta: number, windowMs: number): Promise<void> {
    const now = Date.now();
    const windowKey = `${key}:${now - (now % windowMs)}`;
    if (delta !== 0 && (await this.redis.exists(windowKey))) await this.redis.incrby(windowKey, delta);
  }

  async acquire(key: string, max: number): Promise<boolean> {
    return (await this.redis.allotAcquire(key, String(max), String(SLOT_TTL_SECONDS))) === 1;
  }

  async release(key: string): Promise<void> {
    await this.redis.decr(key);
  }

  async peek(key: string): Promise<{ used: Amount; reserved: Amount } | undefined> {
    const h = await this.redis.hgetall(key);
    if (!h.init) return undefined;
    return {
      used: { tokens: BigInt(h.ut ?? '0'), costPico: joinCost(h.um, h.uf) },
      reserved: { tokens: BigInt(h.rt ?? '0'), costPico: joinCost(h.rm, h.rf) },
    };
  }

  async close(): Promise<void> {
    this.redis.disconnect();
  }
}
