// Blobs that no row references: an upload's bytes are committed before its rows (see ingest.ts), so a crash in
// between leaves the bytes behind. Harmless (content-addressed, never served) but never reclaimed until this sweep,
// run at start-up in the background.
import type { BlobStore } from '../../storage/blob-store.ts';
import type { Db } from '../db/client.ts';
import type { Logger } from '../logger.ts';

/**
 * Only blobs older than this are candidates. An upload commits its bytes and writes its rows seconds apart; another
 * instance sharing the store may be between the two right now, and its transaction may wait on locks under load. An
 * hour is far beyond any such wait, and orphans are rare enough that keeping them an hour longer costs nothing.
 */
export const ORPHAN_MIN_AGE_MS = 60 * 60 * 1000;
/** keys looked up per query */
const BATCH = 500;

export interface ReclaimResult {
  examined: number;
  deleted: number;
}

export async function reclaimOrphanBlobs({ db, store }: { db: Db; store: BlobStore }, now = new Date()): Promise<ReclaimResult> {
  const cutoff = new Date(now.getTime() - ORPHAN_MIN_AGE_MS);
  const result: ReclaimResult = { examined: 0, deleted: 0 };
  let batch: string[] = [];
  const sweep = async () => {
    result.deleted += await deleteUnreferenced({ db, store }, batch, cutoff);
    batch = [];
  };
  for await (const blob of store.list()) {
    if (blob.modifiedAt >= cutoff) continue;
    result.examined++;
    batch.push(blob.key);
    if (batch.length >= BATCH) await sweep();
  }
  if (batch.length) await sweep();
  return result;
}

/**
 * Files taken out of a case (remove-files.ts): their blobs go now when no row references them any more and their
 * bytes are older than the sweep's minimum age (younger ones may be another upload's, between its bytes and its
 * rows; the start-up sweep takes them later). Answers how many were deleted.
 */
export function reclaimBlobsOf(deps: { db: Db; store: BlobStore }, keys: string[], now = new Date()): Promise<number> {
  return deleteUnreferenced(deps, [...new Set(keys)], new Date(now.getTime() - ORPHAN_MIN_AGE_MS));
}

async function deleteUnreferenced({ db, store }: { db: Db; store: BlobStore }, keys: string[], cutoff: Date): Promise<number> {
  const referenced = await referencedKeys(db, keys);
  let deleted = 0;
  for (const key of keys) if (!referenced.has(key) && (await store.deleteIfOlder(key, cutoff))) deleted++;
  return deleted;
}

/** Every table that holds storage keys: instances and attachments. */
async function referencedKeys(db: Db, keys: string[]): Promise<Set<string>> {
  const where = { storageKey: { in: keys } };
  const [instances, attachments] = await Promise.all([
    db.instance.findMany({ where, select: { storageKey: true } }),
    db.attachment.findMany({ where, select: { storageKey: true } }),
  ]);
  return new Set([...instances, ...attachments].map((row) => row.storageKey));
}

/** Starts the sweep without holding up start-up; its outcome is logged, and the promise never rejects. */
export function startOrphanSweep(deps: { db: Db; store: BlobStore; log: Logger }): Promise<ReclaimResult | null> {
  return reclaimOrphanBlobs(deps).then(
    (result) => {
      if (result.deleted > 0) deps.log.info(result, 'unreferenced blobs reclaimed');
      return result;
    },
    (error) => {
      deps.log.error({ err: error }, 'reclaiming unreferenced blobs failed; it is tried again at the next start');
      return null;
    },
  );
}
