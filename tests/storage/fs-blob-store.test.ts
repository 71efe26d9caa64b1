import { spawn } from 'node:child_process';
import { createHash } from 'node:crypto';
import { mkdtemp, readdir, rm, utimes } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { Readable } from 'node:stream';
import { text } from 'node:stream/consumers';
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { BlobTooLargeError } from '../../storage/blob-store.ts';
import { FsBlobStore, keyFor } from '../../storage/fs-blob-store.ts';

let root: string;
let store: FsBlobStore;
const sha = (b: Buffer | string) => createHash('sha256').update(b).digest('hex');

beforeEach(async () => {
  root = await mkdtemp(join(tmpdir(), 'teledx-blobs-'));
  store = new FsBlobStore(root);
  await store.init();
});
afterEach(() => rm(root, { recursive: true, force: true }));

async function filesUnder(dir: string): Promise<string[]> {
  const entries = await readdir(dir, { recursive: true, withFileTypes: true }).catch(() => []);
  return entries.filter((e) => e.isFile()).map((e) => join(e.parentPath, e.name));
}

describe('filesystem blob store', () => {
  it('stores a stream under its content hash and reads it back whole and by range', async () => {
    const content = Buffer.from('0123456789abcdef'.repeat(1000));
    const blob = await store.put(Readable.from([content.subarray(0, 5000), content.subarray(5000)]));
    expect(blob).toEqual({ key: keyFor(sha(content)), sha256: sha(content), size: content.length });
    expect(await text(store.get(blob.key))).toBe(content.toString());
    expect(await text(store.get(blob.key, { start: 10, end: 19 }))).toBe('abcdef0123');
    expect(await store.size(blob.key)).toBe(content.length);
    await store.delete(blob.key);
    expect(await store.size(blob.key)).toBeNull();
  });

  it('keeps one copy of identical content', async () => {
    const a = await store.put(Readable.from([Buffer.from('same bytes')]));
    const b = await store.put(Readable.from([Buffer.from('same bytes')]));
    expect(a.key).toBe(b.key);
    expect(await filesUnder(join(root, 'sha256'))).toHaveLength(1);
    expect(await store.stagingFiles()).toEqual([]);
  });

  it('drains but does not keep a source over the size limit', async () => {
    const chunks = Array.from({ length: 10 }, () => Buffer.alloc(1000, 1));
    const source = Readable.from(chunks);
    const staged = await store.stage(source, { maxBytes: 2500 });
    expect(staged).toMatchObject({ tooLarge: true, size: 10_000 });
    expect(source.readableEnded).toBe(true);
    expect(await store.stagingFiles()).toEqual([]);
    await expect(store.put(Readable.from(chunks), { maxBytes: 2500 })).rejects.toBeInstanceOf(BlobTooLargeError);
  });

  it('leaves nothing behind when the source fails midway', async () => {
    const failing = new Readable({
      read() {
        this.push(Buffer.alloc(1000));
        this.destroy(new Error('connection reset'));
      },
    });
    await expect(store.stage(failing)).rejects.toThrow('connection reset');
    expect(await store.stagingFiles()).toEqual([]);
    expect(await filesUnder(join(root, 'sha256'))).toEqual([]);
  });

  it('makes a staged blob visible only on commit, and discard removes it', async () => {
    const staged = await store.stage(Readable.from([Buffer.from('pending')]));
    expect(await store.size(keyFor(staged.sha256))).toBeNull();
    expect((await staged.read(0, 4)).toString()).toBe('pend');
    await staged.discard();
    expect(await store.stagingFiles()).toEqual([]);
  });

  it('a process killed mid-write leaves no file at any key, and the next start sweeps the partial file', async () => {
    const child = spawn(process.execPath, ['--import', 'tsx', join(import.meta.dirname, '../helpers/crash-writer.ts'), root], {
      stdio: ['ignore', 'pipe', 'inherit'],
    });
    await new Promise<void>((resolve, reject) => {
      child.stdout.on('data', (d: Buffer) => d.toString().includes('writing') && resolve());
      child.on('exit', (code) => reject(new Error(`writer exited early with ${code}`)));
    });
    child.kill('SIGKILL');
    await new Promise((resolve) => child.on('exit', resolve));

    const partial = await store.stagingFiles();
    expect(partial).toHaveLength(1); // the interrupted write, in staging only
    expect(await filesUnder(join(root, 'sha256'))).toEqual([]);

    const restarted = new FsBlobStore(root);
    await restarted.init();
    expect(await restarted.stagingFiles()).toEqual([]);
  });

  it('lists its blobs, and deletes one only if it was written before the cutoff', async () => {
    const a = await store.put(Readable.from([Buffer.from('blob a')]));
    const b = await store.put(Readable.from([Buffer.from('blob b')]));
    const listed = [];
    for await (const blob of store.list()) listed.push(blob.key);
    expect(listed.sort()).toEqual([a.key, b.key].sort());

    const hourAgo = new Date(Date.now() - 3600_000);
    await utimes(join(root, a.key), hourAgo, hourAgo);
    await utimes(join(root, b.key), hourAgo, hourAgo);
    const cutoff = new Date(Date.now() - 60_000);
    // b is committed again just before the sweep reaches it (another upload of the same bytes): it stays
    await store.put(Readable.from([Buffer.from('blob b')]));
    expect(await store.deleteIfOlder(a.key, cutoff)).toBe(true);
    expect(await store.deleteIfOlder(b.key, cutoff)).toBe(false);
    expect(await store.deleteIfOlder(a.key, cutoff)).toBe(false); // already gone
    expect({ a: await store.size(a.key), b: await store.size(b.key) }).toEqual({ a: null, b: 6 });
    expect(await store.stagingFiles()).toEqual([]);
  });
});
