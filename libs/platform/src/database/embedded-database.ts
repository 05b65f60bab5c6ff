import { closeSync, mkdirSync, openSync, readFileSync, rmSync, writeFileSync, writeSync } from 'node:fs';
import { connect } from 'node:net';
import { join } from 'node:path';
import type { PGlite } from '@electric-sql/pglite';
import type { PGLiteSocketServer } from '@electric-sql/pglite-socket';
import { PgliteTurnQueue } from './pglite-turn-queue';

/** How a process reaches its database: a connection URL and what to do when it is done with it. */
export interface DatabaseHandle {
  url: string;
  /** `embedded-owner`: this process runs the embedded engine; `embedded-client`: another local process does. */
  mode: 'postgres' | 'embedded-owner' | 'embedded-client';
  close(): Promise<void>;
}

export class EmbeddedDatabaseError extends Error {
  override name = 'EmbeddedDatabaseError';
}

/** pglite-socket accepts one connection by default; the app pool, the CLI and the bus need more. */
const MAX_CONNECTIONS = 64;
const LOCK_FILE = 'embedded-db.lock';
/** Lock files this process owns: a lock naming our pid but not listed here is a leftover from a reused pid. */
const ownedHere = new Set<string>();

interface LockInfo {
  pid: number;
  port?: number;
}

/**
 * Opens the embedded PostgreSQL (PGlite, served on loopback so the ordinary `pg` driver and the same migrations
 * are used as in production). One process owns a data folder; a second process (the CLI while the gateway runs)
 * connects to the owner's port instead of opening the files twice, which would corrupt them.
 */
export async function openEmbeddedDatabase(dataDir: string): Promise<DatabaseHandle> {
  mkdirSync(dataDir, { recursive: true });
  const lockPath = join(dataDir, LOCK_FILE);
  let unreadable = 0;
  for (let attempt = 0; attempt < 50; attempt++) {
    const fd = tryCreateLock(lockPath);
    if (fd !== undefined) return startOwner(dataDir, lockPath, fd);
    const owner = readLock(lockPath);
    if (!owner && ++unreadable < 10) {
      await sleep(200); // an owner may have created the file and not yet written it
      continue;
    }
    const ownerIsLive = owner && (owner.pid === process.pid ? ownedHere.has(lockPath) : isAlive(owner.pid));
    if (owner && ownerIsLive) {
      if (owner.port && (await canConnect(owner.port))) {
        return { url: urlFor(owner.port), mode: 'embedded-client', close: async () => undefined };
      }
      await sleep(200); // the owner is still starting up
      continue;
    }
    rmSync(lockPath, { force: true }); // stale: the owner died without cleaning up
  }
  throw new EmbeddedDatabaseError(
    `The embedded database in ${dataDir} is locked by another process that does not answer. ` +
      `Stop it, or remove ${lockPath} if no Allot process is running.`,
  );
}

/** An embedded database in memory, for tests; `template` is a data-folder dump that skips initdb. */
export async function openMemoryDatabase(template?: Blob): Promise<DatabaseHandle & { db: PGlite }> {
  const { db, server, port } = await startEngine('memory://', template);
  return { url: urlFor(port), mode: 'embedded-owner', db, close: () => stopEngine(server, db) };
}

async function startOwner(dataDir: string, lockPath: string, fd: number): Promise<DatabaseHandle> {
  let engine: Awaited<ReturnType<typeof startEngine>>;
  try {
    writeSync(fd, JSON.stringify({ pid: process.pid } satisfies LockInfo));
    closeSync(fd);
    engine = await startEngine(join(dataDir, 'pglite'));
  } catch (error) {
    rmSync(lockPath, { force: true });
    throw error;
  }
  writeFileSync(lockPath, JSON.stringify({ pid: process.pid, port: engine.port } satisfies LockInfo));
  ownedHere.add(lockPath);
  let closed = false;
  return {
    url: urlFor(engine.port),
    mode: 'embedded-owner',
    close: async () => {
      if (closed) return;
      closed = true;
      await stopEngine(engine.server, engine.db);
      ownedHere.delete(lockPath);
      rmSync(lockPath, { force: true });
    },
  };
}

async function startEngine(dataDir: string, template?: Blob) {
  // Loaded lazily: PostgreSQL deployments never pay for the WASM engine.
  const { PGlite } = await import('@electric-sql/pglite');
  const { PGLiteSocketServer } = await import('@electric-sql/pglite-socket');
  const db = await PGlite.create(template ? { dataDir, loadDataDir: template } : { dataDir });
  const server = new PGLiteSocketServer({ db, host: '127.0.0.1', port: 0, maxConnections: MAX_CONNECTIONS });
  // pglite-socket 0.2.17 (pinned exactly) keeps its queue in a private field handed to each connection on accept;
  // swapping it before start() makes every connection use the turn-taking queue.
  (server as unknown as { queryQueue: PgliteTurnQueue }).queryQueue = new PgliteTurnQueue(db);
  await server.start();
  const port = Number(server.getServerConn().split(':').pop());
  return { db, server, port };
}

async function stopEngine(server: PGLiteSocketServer, db: PGlite): Promise<void> {
  await server.stop();
  await db.close();
}

function urlFor(port: number): string {
  return `postgres://postgres:postgres@127.0.0.1:${port}/postgres`;
}

function tryCreateLock(path: string): number | undefined {
  try {
    return openSync(path, 'wx', 0o600);
  } catch (error) {
    // EEXIST: somebody holds (or held) the lock; anything else is a real filesystem problem.
    if ((error as NodeJS.ErrnoException).code === 'EEXIST') return undefined;
    throw error;
  }
}

function readLock(path: string): LockInfo | undefined {
  try {
    const info = JSON.parse(readFileSync(path, 'utf8')) as LockInfo;
    return typeof info.pid === 'number' ? info : undefined;
  } catch {
    // Missing (released meanwhile) or half-written by an owner that is starting: treat as unknown.
    return undefined;
  }
}

function isAlive(pid: number): boolean {
  try {
    process.kill(pid, 0);
    return true;
  } catch (error) {
    // EPERM: the process exists but belongs to someone else.
    return (error as NodeJS.ErrnoException).code === 'EPERM';
  }
}

function canConnect(port: number): Promise<boolean> {
  return new Promise((resolve) => {
    const socket = connect({ host: '127.0.0.1', port }, () => {
      socket.destroy();
      resolve(true);
    });
    socket.on('error', () => resolve(false));
  });
}

const sleep = (ms: number) => new Promise((r) => setTimeout(r, ms));
