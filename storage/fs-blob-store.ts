// Local-disk blob store. Content-addressed: the key is the SHA-256 of the bytes, so the same file uploaded
// twice is stored once and a key can never point at different content.
//
// Atomicity: bytes are written to <root>/.staging/<random>, fsynced, then renamed to
// <root>/sha256/ab/<hash>, and the directory is fsynced. rename() within one file system is atomic, so a
// crash leaves either no file at the key or the whole file, never a prefix. Left-over staging files (from a
// crash) are never referenced by the index and are swept at start-up.
import { createHash, randomBytes } from 'node:crypto';
import { createReadStream } from 'node:fs';
import { mkdir, open, opendir, readdir, rename, rm, stat, type FileHandle } from 'node:fs/promises';
import { dirname, join } from 'node:path';
import type { Readable } from 'node:stream';
import { BlobTooLargeError, type BlobStore, type ByteRange, type ListedBlob, type StagedBlob, type StoredBlob } from './blob-store.ts';

/** bytes of each staged file kept in memory: enough for nearly every DICOM header and all sniffing */
const HEAD_BYTES = 64 * 1024;
/** received bytes gathered before one write: bounds memory per upload, and saves system calls */
const WRITE_RUN = 1024 * 1024;
const KEY_PATTERN = /^sha256\/[0-9a-f]{2}\/[0-9a-f]{64}$/;

export class FsBlobStore implements BlobStore {
  private readonly stagingDir: string;
  private readonly knownDirs = new Set<string>();

  constructor(private readonly root: string) {
    this.stagingDir = join(root, '.staging');
  }

  /** Creates the folders and removes staging files a previous process left behind (they were never committed). */
  async init(): Promise<void> {
    await rm(this.stagingDir, { recursive: true, force: true });
    await mkdir(this.stagingDir, { recursive: true });
  }

  async stage(source: Readable, options: { maxBytes?: number } = {}): Promise<StagedBlob> {
    const maxBytes = options.maxBytes ?? Number.POSITIVE_INFINITY;
    const tempPath = join(this.stagingDir, randomBytes(12).toString('hex'));
    const hash = createHash('sha256');
    let size = 0;
    let tooLarge = false;
    const head: Buffer[] = [];
    let headBytes = 0;
    let run: Buffer[] = [];
    let runBytes = 0;
    const file = await open(tempPath, 'w');
    let durable = Promise.resolve();
    try {
      // Counts and hashes on the way to disk, and keeps the first bytes in memory for the sniffing and header
      // parsing that follow. Past the size limit it keeps reading (so a multipart batch can go on to its next
      // file) but keeps nothing. Network chunks are written in runs: one system call per WRITE_RUN bytes.
      for await (const chunk of source as AsyncIterable<Buffer>) {
        size += chunk.length;
        if (size > maxBytes) tooLarge = true;
        if (tooLarge) continue;
        hash.update(chunk);
        if (headBytes < HEAD_BYTES) {
          head.push(chunk.subarray(0, HEAD_BYTES - headBytes));
          headBytes += head.at(-1)!.length;
        }
        run.push(chunk);
        runBytes += chunk.length;
        if (runBytes >= WRITE_RUN) {
          await writeAll(file, run);
          run = [];
          runBytes = 0;
        }
      }
      if (tooLarge) await file.close();
      else {
        await writeAll(file, run);
        // On disk before the rename can make the file visible: commit() waits for this fsync, but the caller does
        // not, so the sync overlaps the header parsing and database look-ups that decide whether to commit.
        durable = syncAndClose(file);
      }
    } catch (error) {
      await file.close().catch(() => {});
      await rm(tempPath, { force: true });
      throw error;
    }
    if (tooLarge) {
      await rm(tempPath, { force: true });
      return new FsStagedBlob(this, null, '', size, true, Buffer.alloc(0), durable);
    }
    return new FsStagedBlob(this, tempPath, hash.digest('hex'), size, false, Buffer.concat(head), durable);
  }

  async put(source: Readable, options?: { maxBytes?: number }): Promise<StoredBlob> {
    const staged = await this.stage(source, options);
    if (staged.tooLarge) throw new BlobTooLargeError(options?.maxBytes ?? 0);
    return staged.commit();
  }

  async size(key: string): Promise<number | null> {
    try {
      return (await stat(this.pathOf(key))).size;
    } catch (error) {
      if ((error as NodeJS.ErrnoException).code === 'ENOENT') return null;
      throw error;
    }
  }

  get(key: string, range?: ByteRange): Readable {
    return createReadStream(this.pathOf(key), range ? { start: range.start, end: range.end } : {});
  }

  async delete(key: string): Promise<void> {
    await rm(this.pathOf(key), { force: true });
  }

  async *list(): AsyncIterable<ListedBlob> {
    const top = join(this.root, 'sha256');
    for (const prefix of await readdir(top).catch(() => [] as string[])) {
      if (!/^[0-9a-f]{2}$/.test(prefix)) continue;
      // opendir streams the folder: a store of a million blobs is never listed into memory at once
      for await (const entry of await opendir(join(top, prefix))) {
        const key = `sha256/${prefix}/${entry.name}`;
        if (!entry.isFile() || !KEY_PATTERN.test(key)) continue;
        const modifiedAt = await stat(this.pathOf(key)).then(
          (s) => s.mtime,
          () => null,
        );
        if (modifiedAt) yield { key, modifiedAt };
      }
    }
  }

  async deleteIfOlder(key: string, cutoff: Date): Promise<boolean> {
    // Move it aside first, then look at what was moved: a commit of the same content that renamed a fresh file onto
    // the key just before is seen by its mtime and put back (same bytes, so putting back is always correct); one that
    // comes just after lands beside the moved file and is untouched. Deleting in place could not tell the two apart.
    const aside = join(this.stagingDir, `reclaim-${randomBytes(8).toString('hex')}`);
    try {
      await rename(this.pathOf(key), aside);
    } catch (error) {
      if ((error as NodeJS.ErrnoException).code === 'ENOENT') return false; // another instance took it
      throw error;
    }
    if ((await stat(aside)).mtime >= cutoff) {
      await rename(aside, this.pathOf(key));
      return false;
    }
    await rm(aside, { force: true });
    return true;
  }

  /** @internal moves a staged file to its content address, durably. */
  async promote(tempPath: string, sha256: string): Promise<string> {
    const key = keyFor(sha256);
    const finalPath = this.pathOf(key);
    const dir = dirname(finalPath);
    if (!this.knownDirs.has(dir)) {
      await mkdir(dir, { recursive: true });
      this.knownDirs.add(dir);
    }
    // Content-addressed: if the key exists, its bytes are these bytes, so replacing it is harmless and
    // cheaper than asking first.
    await rename(tempPath, finalPath);
    await fsyncDirectory(dir);
    return key;
  }

  /** For tests and maintenance: staging files currently on disk. */
  async stagingFiles(): Promise<string[]> {
    return readdir(this.stagingDir);
  }

  private pathOf(key: string): string {
    if (!KEY_PATTERN.test(key)) throw new Error(`invalid blob key: ${key}`);
    return join(this.root, key);
  }
}

class FsStagedBlob implements StagedBlob {
  private committed: StoredBlob | null = null;

  constructor(
    private readonly store: FsBlobStore,
    private tempPath: string | null,
    readonly sha256: string,
    readonly size: number,
    readonly tooLarge: boolean,
    private readonly head: Buffer,
    /** the staging file's fsync and close, still under way when stage() answered */
    private readonly durable: Promise<void>,
  ) {}

  async read(start: number, end: number): Promise<Buffer> {
    if (Math.min(end, this.size) <= this.head.length) return this.head.subarray(start, end);
    const path = this.tempPath;
    if (!path) throw new Error('staged blob is no longer available');
    const length = Math.max(0, Math.min(end, this.size) - start);
    const buffer = Buffer.alloc(length);
    const file = await open(path, 'r');
    try {
      const { bytesRead } = await file.read(buffer, 0, length, start);
      return buffer.subarray(0, bytesRead);
    } finally {
      await file.close();
    }
  }

  async commit(): Promise<StoredBlob> {
    if (this.committed) return this.committed;
    if (!this.tempPath || this.tooLarge) throw new Error('nothing staged to commit');
    await this.durable;
    const key = await this.store.promote(this.tempPath, this.sha256);
    this.tempPath = null;
    this.committed = { key, sha256: this.sha256, size: this.size };
    return this.committed;
  }

  async discard(): Promise<void> {
    if (!this.tempPath) return;
    const path = this.tempPath;
    this.tempPath = null;
    await this.durable.catch(() => {}); // a failed sync changes nothing for bytes being thrown away
    await rm(path, { force: true });
  }
}

/** 256 folders of content-addressed files: few enough that each exists after the first minutes */
export function keyFor(sha256: string): string {
  return `sha256/${sha256.slice(0, 2)}/${sha256}`;
}

async function writeAll(file: FileHandle, buffers: Buffer[]): Promise<void> {
  let pending = buffers;
  while (pending.length > 0) {
    const { bytesWritten } = await file.writev(pending);
    pending = dropBytes(pending, bytesWritten); // a short write (rare, e.g. a signal) continues where it stopped
  }
}

function dropBytes(buffers: Buffer[], count: number): Buffer[] {
  let rest = count;
  const out: Buffer[] = [];
  for (const b of buffers) {
    if (rest >= b.length) rest -= b.length;
    else {
      out.push(rest > 0 ? b.subarray(rest) : b);
      rest = 0;
    }
  }
  return out;
}

/** fsync then close; the promise is marked handled at once (it is awaited only by commit or discard, maybe later) */
function syncAndClose(file: FileHandle): Promise<void> {
  const done = file.sync().then(
    () => file.close(),
    async (error: unknown) => {
      await file.close().catch(() => {});
      throw error;
    },
  );
  done.catch(() => {});
  return done;
}

async function fsyncDirectory(dir: string): Promise<void> {
  const handle = await open(dir, 'r');
  try {
    await handle.sync();
  } finally {
    await handle.close();
  }
}
