// The blob store: where exam files live. The rest of teledx sees only this interface, so a
// deployment can swap the local disk for an object store without touching ingest or the viewer.
import type { Readable } from 'node:stream';

/** A file that has been received and hashed but is not yet part of the store. */
export interface StagedBlob {
  readonly sha256: string;
  readonly size: number;
  /** The source was cut off at maxBytes: the bytes were drained, not kept. */
  readonly tooLarge: boolean;
  /** Reads bytes [start, end) of the staged content (for sniffing and header parsing). */
  read(start: number, end: number): Promise<Buffer>;
  /** Makes the blob visible under its key, atomically; committing content that already exists is a no-op. */
  commit(): Promise<StoredBlob>;
  /** Throws the staged bytes away; safe to call more than once, and after commit. */
  discard(): Promise<void>;
}

export interface StoredBlob {
  readonly key: string;
  readonly sha256: string;
  readonly size: number;
}

export interface ByteRange {
  /** first byte, inclusive */
  start: number;
  /** last byte, inclusive (as in HTTP Range) */
  end: number;
}

export interface BlobStore {
  /** Streams a source into staging while hashing it; never holds the whole file in memory. */
  stage(source: Readable, options?: { maxBytes?: number }): Promise<StagedBlob>;
  /** Convenience: stage then commit. */
  put(source: Readable, options?: { maxBytes?: number }): Promise<StoredBlob>;
  /** Size of a stored blob, or null if there is none under that key. */
  size(key: string): Promise<number | null>;
  /** A stream of the blob's bytes, optionally only a range of them. */
  get(key: string, range?: ByteRange): Readable;
  delete(key: string): Promise<void>;
  /** Every stored blob, with when its bytes were last written (for reclaiming blobs that no row references). */
  list(): AsyncIterable<ListedBlob>;
  /**
   * Deletes the blob only if its bytes were written before `cutoff`, and answers whether it did. Committing the same
   * content again rewrites it, so a blob being committed right now by another upload (whose row is about to be
   * written) is never taken.
   */
  deleteIfOlder(key: string, cutoff: Date): Promise<boolean>;
}

export interface ListedBlob {
  key: string;
  modifiedAt: Date;
}

export class BlobTooLargeError extends Error {
  constructor(readonly maxBytes: number) {
    super(`file exceeds the limit of ${maxBytes} bytes`);
  }
}
