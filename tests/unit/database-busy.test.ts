// A transaction that cannot start within Prisma's wait (the machine overloaded) answers 503 BUSY with Retry-After,
// not 500: nothing was written, and the client may send the request again. The error is Prisma's own, provoked
// on a real SQLite database whose one writer is held by another transaction.
import express from 'express';
import { mkdtemp, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, beforeAll, expect, it } from 'vitest';
import { openDatabase, type Db } from '../../server/db/client.ts';
import { migrate } from '../../server/db/migrate.ts';
import { errorHandler } from '../../server/http/errors.ts';
import { createLogger } from '../../server/logger.ts';

let dir: string;
let db: Db;
beforeAll(async () => {
  dir = await mkdtemp(join(tmpdir(), 'teledx-busy-'));
  const url = `file:${join(dir, 'busy.db')}`;
  await migrate(url);
  db = await openDatabase(url);
});
afterAll(async () => {
  await db.$disconnect();
  await rm(dir, { recursive: true, force: true });
});

it('a transaction that cannot start in time answers 503 BUSY with Retry-After', async () => {
  let release!: () => void;
  const holding = db.$transaction(() => new Promise<void>((resolve) => (release = resolve)), { timeout: 10_000 });
  const app = express();
  app.post('/write', async (_req, res, next) => {
    try {
      await db.$transaction(async (tx) => tx.organization.count(), { maxWait: 100 });
      res.json({ ok: true });
    } catch (error) {
      next(error);
    }
  });
  app.use(errorHandler(createLogger('silent')));
  const server = app.listen(0, '127.0.0.1');
  await new Promise((r) => server.once('listening', r));
  try {
    const res = await fetch(`http://127.0.0.1:${(server.address() as { port: number }).port}/write`, { method: 'POST' });
    expect(res.status).toBe(503);
    expect(res.headers.get('retry-after')).toBe('1');
    expect(await res.json()).toEqual({ error: { code: 'BUSY', message: 'the server is busy; try again in a moment' } });
  } finally {
    release();
    await holding;
    server.close();
  }
});
