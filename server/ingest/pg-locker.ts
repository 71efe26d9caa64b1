// @tus/server's Locker over PostgreSQL advisory locks, for several instances on one database (README "Running
// several instances"): the requests on one upload are serialised across every instance, not only within one process
// like @tus/server's MemoryLocker (which stays for SQLite: one process).
//
// - A held lock is a session-level pg_try_advisory_lock on a pool connection kept for as long as the request holds
//   it; unlock() releases it and returns the connection. The key is derived from the upload id (64 bits of a SHA-256).
//   If the process dies or its connection drops, PostgreSQL ends the session and the lock with it; a holder whose
//   connection dropped is told to stop (its request is cancelled), since another instance may now take the lock.
// - A request that finds the lock taken does what MemoryLocker does in one process: it asks the holder to let go
//   (tus `requestRelease`: the holder's request is cancelled after @tus/server's lockDrainTimeout) and waits, polling,
//   until it gets the lock or the acquire timeout (then ERR_LOCK_TIMEOUT, as MemoryLocker). The request to let go
//   reaches the holder's instance, whichever it is, by NOTIFY on the channel teledx_tus_release (payload: upload id).
import { createHash } from 'node:crypto';
import pg from 'pg';
import { ERRORS, type Lock, type Locker, type RequestRelease } from '@tus/server';
import type { Logger } from '../logger.ts';

export const RELEASE_CHANNEL = 'teledx_tus_release';
/** connections for held locks: one per upload request in progress on this instance */
const MAX_HELD = 20;
const POLL_MS = 100;
/** a waiter repeats its request to let go this often (the holder may have changed meanwhile) */
const REASK_MS = 1000;

/** The advisory lock key of an upload: a signed 64-bit integer, as text for the bigint parameter. */
export function advisoryKey(uploadId: string): string {
  return createHash('sha256').update(`teledx:tus:${uploadId}`).digest().readBigInt64BE(0).toString();
}

export interface PgLockerOptions {
  acquireLockTimeout?: number;
}

export class PgLocker implements Locker {
  readonly timeout: number;
  private pool: pg.Pool | null = null;
  private listener: Promise<pg.Client> | null = null;
  /** the release callbacks of the locks held by this instance, by upload id */
  private readonly held = new Map<string, Set<RequestRelease>>();
  private closed = false;

  constructor(
    private readonly url: string,
    readonly log: Logger,
    options: PgLockerOptions = {},
  ) {
    this.timeout = options.acquireLockTimeout ?? 30_000;
  }

  newLock(id: string): Lock {
    return new PgLock(id, this);
  }

  /** The pool, made on first use (most servers never see a resumable upload). */
  connections(): pg.Pool {
    if (this.closed) throw new Error('the upload locker is closed');
    if (!this.pool) {
      this.pool = new pg.Pool({ connectionString: this.url, max: MAX_HELD, connectionTimeoutMillis: this.timeout });
      this.pool.on('error', (error) => this.log.warn({ err: error }, 'upload lock connection error'));
    }
    return this.pool;
  }

  /** LISTENs for requests to let go (once; again after its connection was lost). */
  listening(): Promise<pg.Client> {
    if (!this.listener) {
      const client = new pg.Client({ connectionString: this.url });
      const lost = (error?: Error) => {
        if (error) this.log.warn({ err: error }, 'upload lock listener lost');
        if (this.listener === started) this.listener = null;
      };
      client.on('error', lost);
      client.on('end', () => lost());
      client.on('notification', (message) => {
        if (message.channel !== RELEASE_CHANNEL || !message.payload) return;
        for (const release of this.held.get(message.payload) ?? []) void release();
      });
      const started = client
        .connect()
        .then(() => client.query(`LISTEN ${RELEASE_CHANNEL}`))
        .then(() => client);
      started.catch(() => lost());
      this.listener = started;
    }
    return this.listener;
  }

  hold(id: string, release: RequestRelease): void {
    let set = this.held.get(id);
    if (!set) this.held.set(id, (set = new Set()));
    set.add(release);
  }

  letGo(id: string, release: RequestRelease): void {
    const set = this.held.get(id);
    set?.delete(release);
    if (set?.size === 0) this.held.delete(id);
  }

  async askToRelease(client: pg.PoolClient, id: string): Promise<void> {
    await client.query('SELECT pg_notify($1, $2)', [RELEASE_CHANNEL, id]);
  }

  async close(): Promise<void> {
    this.closed = true;
    const listener = this.listener;
    this.listener = null;
    await listener?.then((c) => c.end()).catch(() => {});
    await this.pool?.end();
  }
}

class PgLock implements Lock {
  private client: pg.PoolClient | null = null;
  private release: RequestRelease | null = null;
  private onLost: ((error: Error) => void) | null = null;
  private readonly key: string;

  constructor(
    private readonly id: string,
    private readonly locker: PgLocker,
  ) {
    this.key = advisoryKey(id);
  }

  async lock(signal: AbortSignal, requestRelease: RequestRelease): Promise<void> {
    const { locker, id } = this;
    const deadline = Date.now() + locker.timeout;
    // listening before holding: a request to let go that arrives once this holds the lock is heard
    await locker.listening();
    const client = await locker.connections().connect();
    // a checked-out client without an error listener would crash the process when its connection drops
    // (unlock, or the failing query in the loop below, then discards the connection)
    const onLost = (error: Error) => {
      locker.log.warn({ err: error, upload: id }, 'upload lock connection lost');
      // PostgreSQL ended the session, and the lock with it: a holder's request must stop writing
      if (this.client === client) void requestRelease();
    };
    client.on('error', onLost);
    try {
      let asked = 0;
      for (;;) {
        if (signal.aborted) throw ERRORS.ERR_LOCK_TIMEOUT;
        const { rows } = await client.query<{ ok: boolean }>('SELECT pg_try_advisory_lock($1::bigint) AS ok', [this.key]);
        if (rows[0]!.ok) break;
        if (Date.now() >= deadline) throw ERRORS.ERR_LOCK_TIMEOUT;
        if (Date.now() - asked >= REASK_MS) {
          asked = Date.now();
          await locker.askToRelease(client, id);
        }
        await sleep(POLL_MS, signal);
      }
    } catch (error) {
      client.off('error', onLost);
      // a failed query: discard the connection (its session, and anything it held, ends)
      client.release(error instanceof Error ? error : undefined);
      throw error;
    }
    this.client = client;
    this.release = requestRelease;
    this.onLost = onLost;
    locker.hold(id, requestRelease);
  }

  async unlock(): Promise<void> {
    const { client, release, onLost } = this;
    if (!client || !release || !onLost) throw new Error('Releasing an unlocked lock!');
    this.client = this.release = this.onLost = null;
    this.locker.letGo(this.id, release);
    client.off('error', onLost);
    try {
      await client.query('SELECT pg_advisory_unlock($1::bigint)', [this.key]);
      client.release();
    } catch (error) {
      // the connection is gone, and with its session the lock: discard it
      client.release(error as Error);
    }
  }
}

function sleep(ms: number, signal: AbortSignal): Promise<void> {
  return new Promise((resolve) => {
    const done = () => {
      clearTimeout(timer);
      signal.removeEventListener('abort', done);
      resolve();
    };
    const timer = setTimeout(done, ms);
    signal.addEventListener('abort', done, { once: true });
  });
}
