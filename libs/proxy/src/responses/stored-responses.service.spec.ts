import type { Logger } from 'pino';
import type { DataSource } from 'typeorm';
import { StoredResponses } from './stored-responses.service';

/** A database whose writes complete only when the test says so, and which records what reached it. */
function slowDatabase() {
  const rows = new Map<string, unknown[]>();
  const pending: (() => void)[] = [];
  const dataSource = {
    query: (_sql: string, params: unknown[]) =>
      new Promise<void>((resolve) =>
        pending.push(() => {
          if (!rows.has(String(params[0]))) rows.set(String(params[0]), params);
          resolve();
        }),
      ),
    getRepository: () => ({
      findOneBy: ({ responseId }: { responseId: string }) => {
        const p = rows.get(responseId);
        return Promise.resolve(p ? { responseId, memberId: p[1], expiresAt: p[6] } : null);
      },
      delete: ({ responseId }: { responseId: string }) => Promise.resolve(rows.delete(responseId)),
    }),
  } as unknown as DataSource;
  return { dataSource, rows, completeWrites: () => pending.splice(0).forEach((complete) => complete()) };
}

const row = (memberId: string) => ({
  responseId: 'resp_1',
  memberId,
  allocationId: 'a',
  modelId: 'm',
  providerId: 'p',
  credentialId: 'c',
});

describe('StoredResponses while a row is being written', () => {
  it('should find the row before its write completes (a client chaining at once), with its first owner', async () => {
    const db = slowDatabase();
    const stored = new StoredResponses(db.dataSource, {} as Logger);
    const first = stored.remember(row('owner'));
    const replay = stored.remember(row('someone-else'));
    expect(db.rows.size).toBe(0);
    expect(await stored.find('resp_1')).toMatchObject({ responseId: 'resp_1', memberId: 'owner' });
    db.completeWrites();
    await Promise.all([first, replay]);
    expect(await stored.find('resp_1')).toMatchObject({ memberId: 'owner' });
  });

  it('should delete only after the write has landed, so a deleted response stays deleted', async () => {
    const db = slowDatabase();
    const stored = new StoredResponses(db.dataSource, {} as Logger);
    const written = stored.remember(row('owner'));
    const forgotten = stored.forget('resp_1');
    db.completeWrites();
    await Promise.all([written, forgotten]);
    expect(db.rows.has('resp_1')).toBe(false);
    expect(await stored.find('resp_1')).toBeUndefined();
  });
});
