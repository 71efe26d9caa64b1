// Seeded mutations of real and generated files, shared by the fuzz test (npm test) and the long runs (npm run fuzz).
// A case is fully determined by its seed: a failure prints the seed, and `npm run fuzz -- --case SEED` replays it.
import { deflateBomb } from '../fixtures/deflated-dicom.ts';
import { CT_IMAGE_STORAGE, writeDicom } from '../fixtures/dicom-writer.ts';
import { seededRandom } from '../fixtures/ecg-synth.ts';

export type Random = () => number;

export interface FuzzCase {
  seed: number;
  /** the corpus file it started from, and what was done to it */
  origin: string;
  mutations: string[];
  bytes: Buffer;
}

const int = (random: Random, below: number) => Math.floor(random() * below);
const pick = <T>(random: Random, items: readonly T[]): T => items[int(random, items.length)]!;

/** Lengths that break parsers: the undefined length, just below it, odd ones, and ones past any file's end. */
const HOSTILE_LENGTHS = [0xffffffff, 0xfffffffe, 0xfffffff0, 0x7fffffff, 0x80000000, 0x10000, 0xffff, 1, 3];

type Mutation = (bytes: Buffer, random: Random, corpus: readonly Buffer[]) => [Buffer, string];

const MUTATIONS: Mutation[] = [
  function flipBytes(bytes, random) {
    const out = Buffer.from(bytes);
    const count = 1 + int(random, 16);
    for (let i = 0; i < count && out.length; i++) out[int(random, out.length)] = int(random, 256);
    return [out, `flip ${count} bytes`];
  },
  function truncate(bytes, random) {
    const at = int(random, bytes.length + 1);
    return [bytes.subarray(0, at), `truncate at ${at}`];
  },
  function hostileLength(bytes, random) {
    // Element lengths sit right after a tag (+VR); any offset in the header area is a plausible place for one.
    const out = Buffer.from(bytes);
    const at = 132 + int(random, Math.max(1, Math.min(out.length, 4096) - 136));
    const length = pick(random, HOSTILE_LENGTHS);
    if (at + 4 <= out.length) out.writeUInt32LE(length, at);
    return [out, `length 0x${length.toString(16)} at ${at}`];
  },
  function shortLength(bytes, random) {
    const out = Buffer.from(bytes);
    const at = 132 + int(random, Math.max(1, Math.min(out.length, 4096) - 134));
    if (at + 2 <= out.length) out.writeUInt16LE(pick(random, [0xffff, 0xfffe, 0x8000, 1]), at);
    return [out, `16-bit length at ${at}`];
  },
  function spliceOther(bytes, random, corpus) {
    const other = pick(random, corpus);
    const from = int(random, other.length);
    const piece = other.subarray(from, from + 1 + int(random, 2048));
    const at = int(random, bytes.length + 1);
    return [Buffer.concat([bytes.subarray(0, at), piece, bytes.subarray(at)]), `splice ${piece.length} bytes at ${at}`];
  },
  function repeatRegion(bytes, random) {
    const from = int(random, bytes.length);
    const region = bytes.subarray(from, from + 1 + int(random, 512));
    const times = 2 + int(random, 64);
    return [
      Buffer.concat([bytes.subarray(0, from), ...Array<Buffer>(times).fill(region), bytes.subarray(from)]),
      `repeat ${region.length} bytes ×${times}`,
    ];
  },
  function deleteRegion(bytes, random) {
    const from = int(random, bytes.length);
    const length = 1 + int(random, 1024);
    return [Buffer.concat([bytes.subarray(0, from), bytes.subarray(from + length)]), `delete ${length} bytes at ${from}`];
  },
];

/** Files that are hostile by construction rather than by mutation. */
const CONSTRUCTED: ((random: Random) => [Buffer, string])[] = [
  (random) => {
    const mib = 1 + int(random, 24);
    return [deflateBomb(mib).bytes, `deflate bomb of ${mib} MiB`];
  },
  (random) => {
    const depth = pick(random, [100, 1000, 5000, 20000]);
    return [deepSequences(depth), `sequences nested ${depth} deep`];
  },
];

/** A Part 10 file whose data set is `depth` sequences nested in one another (undefined lengths, explicit VR). */
export function deepSequences(depth: number): Buffer {
  const open = Buffer.from([
    0x08, 0x00, 0x15, 0x11, 0x53, 0x51, 0, 0, 0xff, 0xff, 0xff, 0xff, 0xfe, 0xff, 0x00, 0xe0, 0xff, 0xff, 0xff, 0xff,
  ]);
  const close = Buffer.from([0xfe, 0xff, 0x0d, 0xe0, 0, 0, 0, 0, 0xfe, 0xff, 0xdd, 0xe0, 0, 0, 0, 0]);
  const header = writeDicom([], CT_IMAGE_STORAGE, '1.2.826.0.1.3680043.10.1500.9.1');
  return Buffer.concat([header, ...Array<Buffer>(depth).fill(open), ...Array<Buffer>(depth).fill(close)]);
}

/** The case for `seed`: one corpus file with one to three mutations, or (one case in ten) a constructed file. */
export function makeCase(seed: number, corpus: readonly { name: string; bytes: Buffer }[]): FuzzCase {
  const random = seededRandom(seed);
  if (random() < 0.1) {
    const [bytes, what] = pick(random, CONSTRUCTED)(random);
    return { seed, origin: 'constructed', mutations: [what], bytes };
  }
  const start = pick(random, corpus);
  let bytes = start.bytes;
  const mutations: string[] = [];
  const count = 1 + int(random, 3);
  for (let i = 0; i < count; i++) {
    const mutation = pick(random, MUTATIONS);
    const [next, what] = mutation(
      bytes,
      random,
      corpus.map((c) => c.bytes),
    );
    bytes = next;
    mutations.push(`${mutation.name}: ${what}`);
  }
  return { seed, origin: start.name, mutations, bytes };
}

/** Case seeds of a run: distinct, reproducible from the run's seed. */
export function caseSeeds(runSeed: number, count: number): number[] {
  const random = seededRandom(runSeed);
  return Array.from({ length: count }, () => Math.floor(random() * 2 ** 32));
}
