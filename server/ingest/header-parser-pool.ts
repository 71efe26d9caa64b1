// Runs dicom-parser in worker threads (header-parse-worker.mjs), so that a file whose header is expensive to parse
// (megabytes of tiny elements, or a small deflated file that inflates to that) delays its own upload, never the
// event loop that serves everyone else. The workers answer the top-level elements; the DataSet is rebuilt here over
// the same bytes, so readers of it (string(), uint16(), element offsets) behave as if parsed here. A prefix of a few
// KiB, the whole header of nearly every file, is parsed in place by the same code: bounded work, and no round trip.
import dicomParser from 'dicom-parser';
import { availableParallelism } from 'node:os';
import { Worker } from 'node:worker_threads';
import { parseHeaderElements } from './header-parse.mjs';

const WORKER_URL = new URL('./header-parse-worker.mjs', import.meta.url);
const POOL_SIZE = Math.max(1, Math.min(2, availableParallelism()));
/** a header that takes longer than this to parse is refused; the worker is replaced */
export const PARSE_TIMEOUT_MS = 15_000;

export class HeaderParseError extends Error {}

type Answer = { id: number; elements: Record<string, dicomParser.Element>; bigEndian: boolean } | { id: number; error: string };

interface Pending {
  resolve(answer: Answer): void;
  reject(error: Error): void;
}

class ParserWorker {
  private readonly worker = new Worker(WORKER_URL);
  private readonly pending = new Map<number, Pending>();
  private nextId = 0;
  dead = false;

  constructor() {
    this.worker.on('message', (answer: Answer) => {
      this.pending.get(answer.id)?.resolve(answer);
      this.pending.delete(answer.id);
    });
    this.worker.on('error', (error) => this.fail(error));
    this.worker.on('exit', (code) => this.fail(new Error(`header parser worker exited with ${code}`)));
    this.worker.unref(); // idle workers never keep a process (a test, a CLI) alive
  }

  get load(): number {
    return this.pending.size;
  }

  parse(bytes: Uint8Array, inflated: boolean): Promise<Answer> {
    const id = this.nextId++;
    return new Promise<Answer>((resolve, reject) => {
      const timer = setTimeout(() => {
        this.fail(new HeaderParseError(`the header took more than ${PARSE_TIMEOUT_MS} ms to parse`));
        void this.worker.terminate();
      }, PARSE_TIMEOUT_MS);
      const settle = { resolve: (a: Answer) => (clearTimeout(timer), resolve(a)), reject: (e: Error) => (clearTimeout(timer), reject(e)) };
      this.pending.set(id, settle);
      this.worker.postMessage({ id, bytes, inflated });
    });
  }

  private fail(error: Error): void {
    this.dead = true;
    for (const pending of this.pending.values()) pending.reject(error);
    this.pending.clear();
  }
}

const workers: ParserWorker[] = [];

function leastLoaded(): ParserWorker {
  for (let i = workers.length - 1; i >= 0; i--) if (workers[i]!.dead) workers.splice(i, 1);
  while (workers.length < POOL_SIZE) workers.push(new ParserWorker());
  return workers.reduce((best, w) => (w.load < best.load ? w : best));
}

/**
 * Bytes up to this many are parsed on the event loop: whatever they hold, that takes well under a millisecond
 * (8 KiB of the tiniest elements measured ~0.2 ms), less than the round trip to a worker, and nearly every
 * real header (a CT slice's is ~1.5 KiB) fits.
 */
export const IN_PLACE_PARSE_BYTES = 8 * 1024;

/**
 * parseDicom(bytes, { untilTag: pixel data }), in a worker unless the bytes are few. `inflated`: the bytes are a
 * deflated file's meta followed by its already inflated data set. Throws what dicom-parser threw (as a message), or
 * a HeaderParseError.
 */
export async function parseHeaderBytes(bytes: Buffer, inflated: boolean): Promise<dicomParser.DataSet> {
  const byteArray = new Uint8Array(bytes.buffer, bytes.byteOffset, bytes.length);
  const answer =
    bytes.length <= IN_PLACE_PARSE_BYTES ? parseHeaderElements(byteArray, inflated) : await leastLoaded().parse(byteArray, inflated);
  if ('error' in answer) throw new Error(answer.error);
  const parser = answer.bigEndian ? dicomParser.bigEndianByteArrayParser : dicomParser.littleEndianByteArrayParser;
  const DataSet = (dicomParser as unknown as { DataSet: new (p: unknown, b: Uint8Array, e: unknown) => dicomParser.DataSet }).DataSet;
  return new DataSet(parser, byteArray, answer.elements);
}
