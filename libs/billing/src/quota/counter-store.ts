/** Token and cost amounts; cost in pico-dollars (µ$ × 10⁶), the ledger's exact precision. */
export interface Amount {
  tokens: bigint;
  costPico: bigint;
}

export interface QuotaLimits {
  tokens?: bigint;
  costPico?: bigint;
}

export type ReserveResult = { ok: true } | { ok: false; exceeded: 'tokens' | 'cost'; used: Amount };

/**
 * Where quota and rate counters live: process memory for one replica, Redis for several (so limits do not multiply
 * with replicas). Every operation is atomic per key.
 */
export interface CounterStore {
  /** Reserves `want` if used + reserved + want stays within every limit; `load` seeds a month from the ledger. */
  reserve(key: string, load: () => Promise<Amount>, want: Amount, limits: QuotaLimits): Promise<ReserveResult>;
  /** Turns a reservation into actual usage. */
  settle(key: string, reserved: Amount, actual: Amount): Promise<void>;
  /** Adds to a fixed time window if it stays within `limit`; otherwise says when the window ends. */
  addToWindow(key: string, amount: number, limit: number, windowMs: number): Promise<{ ok: true } | { ok: false; retryAfterMs: number }>;
  adjustWindow(key: string, delta: number, windowMs: number): Promise<void>;
  acquire(key: string, max: number): Promise<boolean>;
  release(key: string): Promise<void>;
  /** A month's counters as they stand (operations and tests). */
  peek(key: string): Promise<{ used: Amount; reserved: Amount } | undefined>;
}

interface MonthState {
  used: Amount;
  reserved: Amount;
}

const add = (a: Amount, b: Amount): Amount => ({ tokens: a.tokens + b.tokens, costPico: a.costPico + b.costPico });
const sub = (a: Amount, b: Amount): Amount => ({ tokens: a.tokens - b.tokens, costPico: a.costPico - b.costPico });

/** One process's counters. JavaScript runs each method to completion between awaits, which makes them atomic. */
export class MemoryCounterStore implements CounterStore {
  private readonly months = new Map<string, MonthState>();
  private readonly loading = new Map<string, Promise<void>>();
  private readonly windows = new Map<string, { start: number; count: number }>();
  private readonly inflight = new Map<string, number>();

  async reserve(key: string, load: () => Promise<Amount>, want: Amount, limits: QuotaLimits): Promise<ReserveResult> {
    if (!this.months.has(key)) {
      let pending = this.loading.get(key);
      if (!pending) {
        pending = load().then((used) => {
          if (!this.months.has(key)) this.months.set(key, { used, reserved: { tokens: 0n, costPico: 0n } });
        });
        this.loading.set(key, pending);
        void pending.finally(() => this.loading.delete(key));
      }
      await pending;
    }
    const state = this.months.get(key)!;
    const after = add(add(state.used, state.reserved), want);
    if (limits.tokens !== undefined && after.tokens > limits.tokens) return { ok: false, exceeded: 'tokens', used: state.used };
    if (limits.costPico !== undefined && after.costPico > limits.costPico) return { ok: false, exceeded: 'cost', used: state.used };
    state.reserved = add(state.reserved, want);
    return { ok: true };
  }

  async settle(key: string, reserved: Amount, actual: Amount): Promise<void> {
    const state = this.months.get(key);
    if (!state) return;
    state.reserved = sub(state.reserved, reserved);
    state.used = add(state.used, actual);
  }

  async addToWindow(key: string, amount: number, limit: number, windowMs: number) {
    const now = Date.now();
    const start = now - (now % windowMs);
    let w = this.windows.get(key);
    if (!w || w.start !== start) this.windows.set(key, (w = { start, count: 0 }));
    if (w.count + amount > limit) return { ok: false as const, retryAfterMs: start + windowMs - now };
    w.count += amount;
    return { ok: true as const };
  }

  async adjustWindow(key: string, delta: number, windowMs: number): Promise<void> {
    const now = Date.now();
    const w = this.windows.get(key);
    if (w && w.start === now - (now % windowMs)) w.count = Math.max(0, w.count + delta);
  }

  async acquire(key: string, max: number): Promise<boolean> {
    const n = this.inflight.get(key) ?? 0;
    if (n >= max) return false;
    this.inflight.set(key, n + 1);
    return true;
  }

  async peek(key: string): Promise<{ used: Amount; reserved: Amount } | undefined> {
    const state = this.months.get(key);
    return state && { used: { ...state.used }, reserved: { ...state.reserved } };
  }

  async release(key: string): Promise<void> {
    const n = (this.inflight.get(key) ?? 1) - 1;
    if (n <= 0) this.inflight.delete(key);
    else this.inflight.set(key, n);
  }
}
