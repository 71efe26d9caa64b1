import { createHash } from 'node:crypto';
import type { StagedBlob } from '../../storage/blob-store.ts';

/** An in-memory StagedBlob, for testing classification without a store. */
export function stagedFromBuffer(bytes: Buffer, tooLarge = false): StagedBlob {
  return {
    sha256: createHash('sha256').update(bytes).digest('hex'),
    size: bytes.length,
    tooLarge,
    read: async (start, end) => bytes.subarray(start, end),
    commit: async () => {
      throw new Error('not a store');
    },
    discard: async () => {},
  };
}
