// The promise "nothing half-written is ever visible", as a check: every row that points at a blob points at
// a complete file with the recorded size and hash, and no upload is left in staging.
import { createHash } from 'node:crypto';
import { readdir } from 'node:fs/promises';
import { join } from 'node:path';
import { expect } from 'vitest';
import type { TestServer } from './test-server.ts';

export async function expectStoreConsistent(server: TestServer): Promise<void> {
  const { db, store } = server.server.ctx;
  const rows = [
    ...(await db.instance.findMany({ select: { storageKey: true, sha256: true, byteSize: true } })),
    ...(await db.attachment.findMany({ select: { storageKey: true, sha256: true, byteSize: true } })),
  ];
  for (const row of rows) {
    const hash = createHash('sha256');
    let size = 0;
    for await (const chunk of store.get(row.storageKey)) {
      hash.update(chunk as Buffer);
      size += (chunk as Buffer).length;
    }
    expect({ key: row.storageKey, size, sha256: hash.digest('hex') }).toEqual({
      key: row.storageKey,
      size: Number(row.byteSize),
      sha256: row.sha256,
    });
  }
  expect(await readdir(join(server.dataDir, 'blobs', '.staging'))).toEqual([]);
}
