import { mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { Client, Pool } from 'pg';
import { openEmbeddedDatabase, openMemoryDatabase } from '@allot/platform';

describe('embedded database', () => {
  it('should keep parameterized queries from many connections apart and serialize transactions exactly', async () => {
    const db = await openMemoryDatabase();
    const pool = new Pool({ connectionString: db.url, max: 8 });
    try {
      await pool.query('CREATE TABLE counter (id int PRIMARY KEY, n int NOT NULL)');
      await pool.query('INSERT INTO counter VALUES (1, 0)');
      // 8 connections × 50 queries of different shapes, interleaved; every answer must be its own. Every third
      // query carries a 200 kB parameter, so its Bind arrives in later TCP chunks than its Parse.
      const big = 'x'.repeat(200_000);
      const answers = await Promise.all(
        Array.from({ length: 400 }, (_, i) =>
          i % 3 === 0
            ? pool.query<{ n: number }>('SELECT length($1::text) + $2::int AS n', [big, i]).then((r) => r.rows[0]!.n === 200_000 + i)
            : i % 3 === 1
              ? pool
                  .query<{ v: number; s: string }>('SELECT $1::int * 2 AS v, $2::text AS s', [i, `q${i}`])
                  .then((r) => r.rows[0]!.v === i * 2 && r.rows[0]!.s === `q${i}`)
              : pool
                  .query<{ x: string }>('SELECT repeat($1::text, $2::int) AS x', ['ab', i % 7])
                  .then((r) => r.rows[0]!.x === 'ab'.repeat(i % 7)),
        ),
      );
      expect(answers.filter((ok) => !ok)).toHaveLength(0);
      // Read-modify-write transactions from 8 connections: no lost update.
      await Promise.all(
        Array.from({ length: 200 }, async () => {
          const client = await pool.connect();
          try {
            await client.query('BEGIN');
            const { rows } = await client.query<{ n: number }>('SELECT n FROM counter WHERE id = 1 FOR UPDATE');
            await client.query('UPDATE counter SET n = $1 WHERE id = 1', [rows[0]!.n + 1]);
            await client.query('COMMIT');
          } finally {
            client.release();
          }
        }),
      );
      expect((await pool.query('SELECT n FROM counter')).rows[0].n).toBe(200);
    } finally {
      await pool.end();
      await db.close();
    }
  });

  it('should roll back what a connection left open when it disconnects', async () => {
    const db = await openMemoryDatabase();
    try {
      const a = new Client({ connectionString: db.url });
      await a.connect();
      await a.query('CREATE TABLE t (v int)');
      await a.query('BEGIN');
      await a.query('INSERT INTO t VALUES (1)');
      a.end().catch(() => undefined);
      const b = new Client({ connectionString: db.url });
      await b.connect();
      expect((await b.query('SELECT count(*)::int AS n FROM t')).rows[0].n).toBe(0);
      await b.end();
    } finally {
      await db.close();
    }
  });

  it('should keep data across restarts and let a second process share the running engine', async () => {
    const dir = mkdtempSync(join(tmpdir(), 'allot-embedded-'));
    try {
      const owner = await openEmbeddedDatabase(dir);
      expect(owner.mode).toBe('embedded-owner');
      const c1 = new Client({ connectionString: owner.url });
      await c1.connect();
      await c1.query('CREATE TABLE kept (v text)');
      await c1.query(`INSERT INTO kept VALUES ('hello')`);
      await c1.end();

      // While the owner runs, another opener connects to it instead of opening the files twice.
      const second = await openEmbeddedDatabase(dir);
      expect(second.mode).toBe('embedded-client');
      expect(second.url).toBe(owner.url);
      await second.close();

      await owner.close();
      const reopened = await openEmbeddedDatabase(dir);
      const c2 = new Client({ connectionString: reopened.url });
      await c2.connect();
      expect((await c2.query('SELECT v FROM kept')).rows).toEqual([{ v: 'hello' }]);
      await c2.end();
      await reopened.close();
    } finally {
      rmSync(dir, { recursive: true, force: true });
    }
  });

  it('should take over the lock of an owner that died', async () => {
    const dir = mkdtempSync(join(tmpdir(), 'allot-embedded-'));
    try {
      writeFileSync(join(dir, 'embedded-db.lock'), JSON.stringify({ pid: 2 ** 22 + 17, port: 1 }));
      const db = await openEmbeddedDatabase(dir);
      expect(db.mode).toBe('embedded-owner');
      expect(JSON.parse(readFileSync(join(dir, 'embedded-db.lock'), 'utf8')).pid).toBe(process.pid);
      await db.close();
    } finally {
      rmSync(dir, { recursive: true, force: true });
    }
  });
});
