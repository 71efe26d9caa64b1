// Inflates a deflated DICOM data set (transfer syntax 1.2.840.10008.1.2.1.99) without trusting it: a few hundred
// kilobytes of deflate can expand to gigabytes. The input is streamed through Node's asynchronous zlib (the work runs
// on the libuv thread pool, so the event loop stays free), the output is counted and refused past a limit, and only
// what the header checks need is kept: the first bytes (the header, up to the pixel data) and the last ones (the
// end marker of encapsulated pixel data). Memory is bounded by those two windows whatever the file expands to.
import { createInflateRaw } from 'node:zlib';
import type { ByteSource } from './dicom-header.ts';

/** compressed bytes read from staging per step */
const READ_STEP = 1024 * 1024;

export type InflateResult =
  { ok: true; head: Buffer; tail: Buffer; total: number } | { ok: false; reason: 'limit' | 'truncated' | 'corrupt'; message: string };

export interface InflateBounds {
  /** inflated bytes beyond this refuse the file */
  maxOutput: number;
  /** bytes kept from the start of the inflated stream */
  headBytes: number;
  /** bytes kept from its end */
  tailBytes: number;
}

class OutputLimitError extends Error {}

export async function inflateBounded(source: ByteSource, from: number, bounds: InflateBounds): Promise<InflateResult> {
  const inflater = createInflateRaw({ chunkSize: 64 * 1024 });
  const head: Buffer[] = [];
  let headLength = 0;
  const tail: Buffer[] = [];
  let tailLength = 0;
  let total = 0;
  const done = new Promise<void>((resolve, reject) => {
    inflater.on('data', (chunk: Buffer) => {
      total += chunk.length;
      if (total > bounds.maxOutput) {
        inflater.destroy(new OutputLimitError(`inflates to more than ${bounds.maxOutput} bytes`));
        return;
      }
      if (headLength < bounds.headBytes) {
        head.push(chunk.subarray(0, bounds.headBytes - headLength));
        headLength += head.at(-1)!.length;
      }
      tail.push(chunk);
      tailLength += chunk.length;
      while (tail.length > 1 && tailLength - tail[0]!.length >= bounds.tailBytes) tailLength -= tail.shift()!.length;
    });
    inflater.on('end', resolve);
    inflater.on('error', reject);
  });
  done.catch(() => {}); // awaited below; an early error must not surface as unhandled meanwhile
  try {
    await feed(inflater, source, from);
  } catch (error) {
    inflater.destroy();
    throw error; // the staged bytes could not be read: not the file's fault
  }
  try {
    await done;
  } catch (error) {
    return failure(error);
  }
  const tailBytes = Buffer.concat(tail);
  return { ok: true, head: Buffer.concat(head), tail: tailBytes.subarray(Math.max(0, tailBytes.length - bounds.tailBytes)), total };
}

/** Writes the compressed bytes into the inflater step by step, waiting whenever it asks for a pause. */
async function feed(inflater: ReturnType<typeof createInflateRaw>, source: ByteSource, from: number): Promise<void> {
  for (let at = from; at < source.size && !inflater.destroyed; at += READ_STEP) {
    const chunk = await source.read(at, Math.min(source.size, at + READ_STEP));
    if (!inflater.write(chunk)) await new Promise<void>((resolve) => inflater.once('drain', resolve).once('close', resolve));
  }
  if (!inflater.destroyed) inflater.end();
}

function failure(error: unknown): InflateResult {
  const message = (error as Error)?.message ?? String(error);
  if (error instanceof OutputLimitError) return { ok: false, reason: 'limit', message };
  if ((error as NodeJS.ErrnoException)?.code === 'Z_BUF_ERROR' || /unexpected end/i.test(message)) {
    return { ok: false, reason: 'truncated', message };
  }
  return { ok: false, reason: 'corrupt', message };
}
