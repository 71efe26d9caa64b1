// An ECG file is read into memory for its analysis and for the reader's grid: one larger than any ECG decoder takes
// is refused by its stored size before a byte of it is read (a 1 GB "ECG" must not become a 1 GB buffer).
import { mkdtemp, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { Readable } from 'node:stream';
import { afterAll, beforeAll, expect, it } from 'vitest';
import { MAX_ECG_FILE_BYTES, readEcgFile } from '../../server/ecg/analyses.ts';
import type { BlobStore } from '../../storage/blob-store.ts';
import { FsBlobStore } from '../../storage/fs-blob-store.ts';

let root: string;
let store: FsBlobStore;
beforeAll(async () => {
  root = await mkdtemp(join(tmpdir(), 'teledx-ecg-size-'));
  store = new FsBlobStore(root);
  await store.init();
});
afterAll(() => rm(root, { recursive: true, force: true }));

/** The real store, with a note of every blob opened for reading. */
function watching(inner: BlobStore, opened: string[]): BlobStore {
  return Object.assign(Object.create(inner) as BlobStore, {
    get: (key: string) => {
      opened.push(key);
      return inner.get(key);
    },
  });
}

it('reads an ECG file of normal size whole', async () => {
  const bytes = Buffer.from('<AnnotatedECG/>'.repeat(100));
  const { key } = await store.put(Readable.from([bytes]));
  const file = await readEcgFile(store, key);
  expect('bytes' in file && Buffer.from(file.bytes).equals(bytes)).toBe(true);
});

it('refuses a file over the limit as TOO_LARGE without opening it', async () => {
  const chunk = Buffer.alloc(1024 * 1024);
  const chunks = Math.ceil(MAX_ECG_FILE_BYTES / chunk.length) + 1;
  const { key, size } = await store.put(
    Readable.from(
      (function* () {
        for (let i = 0; i < chunks; i++) yield chunk;
      })(),
    ),
  );
  expect(size).toBeGreaterThan(MAX_ECG_FILE_BYTES);
  const opened: string[] = [];
  const file = await readEcgFile(watching(store, opened), key);
  expect(file).toEqual({ problem: { code: 'TOO_LARGE', reason: expect.stringContaining(`${size} bytes`) } });
  expect(opened).toEqual([]);
});
