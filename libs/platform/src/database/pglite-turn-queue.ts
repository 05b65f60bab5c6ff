import type { PGlite } from '@electric-sql/pglite';

interface Pending {
  handlerId: number;
  message: Uint8Array;
  onData: (data: Uint8Array) => void;
  resolve: (bytes: number) => void;
  reject: (error: unknown) => void;
}

const SYNC = 0x53; // 'S': ends an extended-protocol exchange (Parse/Bind/Describe/Execute … Sync)
const QUERY = 0x51; // 'Q': a simple-protocol query is a whole exchange on its own
const TERMINATE = 0x58; // 'X'

/** Startup packets have no type byte; their length prefix makes the first byte 0. */
const endsTurn = (message: Uint8Array) => {
  const type = message[0];
  return type === SYNC || type === QUERY || type === TERMINATE || type === 0;
};

/**
 * Replaces pglite-socket's query queue. Every connection shares PGlite's single PostgreSQL session, so the
 * protocol messages of two connections must never interleave: the stock queue orders single messages, which lets
 * connection B's Bind land between A's Parse and Execute ("portal cannot be run", wrong results). Here a
 * connection owns the session for a whole exchange — until its Sync or simple Query — and for a whole
 * transaction, and the others wait their turn.
 */
export class PgliteTurnQueue {
  private readonly waiting: Pending[] = [];
  private owner: number | null = null;
  private pumping = false;

  constructor(private readonly db: PGlite) {}

  enqueue(handlerId: number, message: Uint8Array, onData: (data: Uint8Array) => void): Promise<number> {
    return new Promise((resolve, reject) => {
      this.waiting.push({ handlerId, message, onData, resolve, reject });
      void this.pump();
    });
  }

  getQueueLength(): number {
    return this.waiting.length;
  }

  /** A connection went away: drop what it still had queued. */
  clearQueueForHandler(handlerId: number): void {
    for (let i = this.waiting.length - 1; i >= 0; i--) {
      if (this.waiting[i]!.handlerId !== handlerId) continue;
      this.waiting.splice(i, 1)[0]!.reject(new Error('connection closed'));
    }
  }

  /** A connection went away mid-turn: roll back what it left open and hand the session on. */
  async clearTransactionIfNeeded(handlerId: number): Promise<void> {
    if (this.owner !== handlerId) return;
    if (this.db.isInTransaction()) await this.db.exec('ROLLBACK');
    this.owner = null;
    void this.pump();
  }

  private async pump(): Promise<void> {
    if (this.pumping) return;
    this.pumping = true;
    try {
      for (;;) {
        const index = this.owner === null ? 0 : this.waiting.findIndex((p) => p.handlerId === this.owner);
        if (index === -1 || this.waiting.length === 0) return; // the owner's next message has not arrived yet
        const item = this.waiting.splice(index, 1)[0]!;
        this.owner = item.handlerId;
        let bytes = 0;
        try {
          await this.db.runExclusive(() =>
            this.db.execProtocolRawStream(item.message, {
              onRawData: (data) => {
                bytes += data.length;
                item.onData(data);
              },
            }),
          );
          item.resolve(bytes);
        } catch (error) {
          item.reject(error);
        }
        if (endsTurn(item.message) && !this.db.isInTransaction()) this.owner = null;
      }
    } finally {
      this.pumping = false;
    }
  }
}
