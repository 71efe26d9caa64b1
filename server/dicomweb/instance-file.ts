// A stored DICOM instance as WADO-RS needs it: its header as DICOM JSON (read with dcmjs, which decodes text with
// the data set's Specific Character Set), and where its pixel data and frames lie in the file. Only the header is
// read (a growing prefix, stopping at Pixel Data), never the whole file; frames are byte ranges of the blob.
import dicomParser from 'dicom-parser';
import { createRequire } from 'node:module';
import type { Readable } from 'node:stream';
import type { BlobStore } from '../../storage/blob-store.ts';
import { HttpError } from '../http/errors.ts';

type DicomJsonElement = { vr?: string; Value?: unknown[]; BulkDataURI?: string; InlineBinary?: string };
export type DicomJsonDataset = Record<string, DicomJsonElement>;

interface DcmjsSubset {
  data: {
    DicomMessage: {
      readFile(
        buffer: ArrayBuffer,
        options?: { untilTag?: string; includeUntilTagValue?: boolean; ignoreErrors?: boolean },
      ): { meta: DicomJsonDataset; dict: Record<string, DicomJsonElement & { _rawValue?: unknown }> };
    };
  };
}
const dcmjs = createRequire(import.meta.url)('dcmjs') as DcmjsSubset;

const FIRST_READ = 64 * 1024;
/** a header beyond this is not plausible (the ingest refuses such files too) */
const MAX_HEADER_READ = 64 * 1024 * 1024;
/** binary values up to this size are sent inline (base64) in metadata; larger ones as BulkDataURI */
const INLINE_BINARY_MAX = 1024;
const BINARY_VRS = new Set(['OB', 'OW', 'OF', 'OD', 'OL', 'OV', 'UN']);
const MAX_FRAGMENTS = 1_000_000;

export const PIXEL_DATA_TAG = '7FE00010';
const DEFLATED_LE = '1.2.840.10008.1.2.1.99';

export interface PixelDataLocation {
  /** offset of the value (after the element header) */
  offset: number;
  /** length of the value, or null for encapsulated (undefined length) pixel data */
  length: number | null;
  vr: string;
}

export interface InstanceHeader {
  dataset: DicomJsonDataset;
  transferSyntaxUid: string;
  pixelData: PixelDataLocation | null;
  /** top-level binary elements too large to inline, by tag: their bytes for the bulkdata route */
  bulk: Map<string, Uint8Array>;
}

export interface StoredInstance {
  storageKey: string;
  transferSyntaxUid: string;
}

async function readRange(store: BlobStore, key: string, start: number, end: number): Promise<Buffer> {
  if (end <= start) return Buffer.alloc(0);
  const chunks: Buffer[] = [];
  for await (const chunk of store.get(key, { start, end: end - 1 })) chunks.push(chunk as Buffer);
  return Buffer.concat(chunks);
}

/** Reads and decodes an instance's header. `bulkBase` is the instance's URL, under which /bulkdata/<tag> lies. */
export async function readInstanceHeader(store: BlobStore, instance: StoredInstance, bulkBase: string): Promise<InstanceHeader> {
  if (instance.transferSyntaxUid === DEFLATED_LE) {
    // the whole file is retrievable as stored; its header would have to be inflated first
    throw new HttpError(501, 'DEFLATED_NOT_SUPPORTED', 'metadata and frames of deflated instances are not offered; retrieve the instance');
  }
  const size = await store.size(instance.storageKey);
  if (size === null) throw new HttpError(500, 'BLOB_MISSING', 'the stored file is missing');
  let want = Math.min(size, FIRST_READ);
  for (;;) {
    const prefix = await readRange(store, instance.storageKey, 0, want);
    const parsed = tryParse(prefix, want === size);
    if (parsed) return toHeader(parsed, instance, bulkBase, size);
    if (want >= size || want >= MAX_HEADER_READ)
      throw new HttpError(500, 'UNREADABLE_INSTANCE', 'the stored instance header cannot be read');
    want = Math.min(size, want * 4, MAX_HEADER_READ);
  }
}

interface Parsed {
  message: ReturnType<DcmjsSubset['data']['DicomMessage']['readFile']>;
  pixel: PixelDataLocation | null;
}

function tryParse(prefix: Buffer, whole: boolean): Parsed | null {
  let pixel: PixelDataLocation | null = null;
  try {
    const dataSet = dicomParser.parseDicom(new Uint8Array(prefix.buffer, prefix.byteOffset, prefix.length), { untilTag: 'x7fe00010' });
    const element = dataSet.elements.x7fe00010;
    if (element) pixel = { offset: element.dataOffset, length: element.hadUndefinedLength ? null : element.length, vr: element.vr ?? 'OW' };
    else if (!whole) return null; // the prefix ended before Pixel Data: read more
  } catch {
    return null;
  }
  try {
    const ab = prefix.buffer.slice(prefix.byteOffset, prefix.byteOffset + prefix.length) as ArrayBuffer;
    const message = dcmjs.data.DicomMessage.readFile(ab, { untilTag: PIXEL_DATA_TAG, includeUntilTagValue: false });
    return { message, pixel };
  } catch {
    return null;
  }
}

function toHeader(parsed: Parsed, instance: StoredInstance, bulkBase: string, fileSize: number): InstanceHeader {
  const bulk = new Map<string, Uint8Array>();
  const dataset = convert(parsed.message.dict, (tag, bytes) => {
    bulk.set(tag, bytes);
    return `${bulkBase}/bulkdata/${tag}`;
  });
  const pixel = parsed.pixel;
  if (pixel) {
    if (pixel.length !== null && pixel.offset + pixel.length > fileSize)
      throw new HttpError(500, 'UNREADABLE_INSTANCE', 'pixel data runs past the file');
    dataset[PIXEL_DATA_TAG] = {
      vr: pixel.vr === 'OB' || pixel.length === null ? 'OB' : 'OW',
      BulkDataURI: `${bulkBase}/bulkdata/${PIXEL_DATA_TAG}`,
    };
  }
  const ts = parsed.message.meta['00020010']?.Value?.[0];
  return { dataset, transferSyntaxUid: typeof ts === 'string' ? ts : instance.transferSyntaxUid, pixelData: pixel, bulk };
}

/** dcmjs's dict → DICOM JSON: no _rawValue; binaries inline when small, else a BulkDataURI (top level only). */
function convert(
  dict: Record<string, DicomJsonElement & { _rawValue?: unknown }>,
  bulkUri: ((tag: string, bytes: Uint8Array) => string) | null,
): DicomJsonDataset {
  const out: DicomJsonDataset = {};
  for (const [tag, element] of Object.entries(dict)) {
    // dcmjs leaves a placeholder for the tag it stopped at (Pixel Data): the caller describes pixel data itself
    if (tag === PIXEL_DATA_TAG && !Array.isArray(element.Value)) continue;
    const vr = element.vr;
    const next: DicomJsonElement = { vr };
    if (vr === 'SQ') {
      const items = (element.Value ?? []) as Record<string, DicomJsonElement>[];
      if (items.length) next.Value = items.map((item) => convert(item, null));
    } else if (vr && BINARY_VRS.has(vr)) {
      const bytes = binaryOf(element.Value);
      if (bytes.length > INLINE_BINARY_MAX && bulkUri) next.BulkDataURI = bulkUri(tag, bytes);
      else if (bytes.length) next.InlineBinary = Buffer.from(bytes).toString('base64');
    } else if (Array.isArray(element.Value)) {
      const values = (element.Value as unknown[]).filter((v) => v !== undefined);
      if (values.length && !(values.length === 1 && values[0] === '')) next.Value = values;
    }
    out[tag] = next;
  }
  return out;
}

function binaryOf(value: unknown[] | undefined): Uint8Array {
  const parts = (value ?? []).flatMap((v) =>
    v instanceof ArrayBuffer ? [new Uint8Array(v)] : ArrayBuffer.isView(v) ? [new Uint8Array(v.buffer, v.byteOffset, v.byteLength)] : [],
  );
  return parts.length === 1 ? parts[0]! : Buffer.concat(parts);
}

const num = (dataset: DicomJsonDataset, tag: string): number | undefined => {
  const v = dataset[tag]?.Value?.[0];
  const n = typeof v === 'number' ? v : typeof v === 'string' ? Number(v) : NaN;
  return Number.isFinite(n) ? n : undefined;
};

export const UNCOMPRESSED_SYNTAXES = new Set(['1.2.840.10008.1.2', '1.2.840.10008.1.2.1', '1.2.840.10008.1.2.2']);

export interface FrameRange {
  /** byte ranges [start, end) of the file that make up the frame (one for native pixel data; its fragments when encapsulated) */
  ranges: { start: number; end: number }[];
}

export function frameCount(header: InstanceHeader): number {
  return Math.max(1, num(header.dataset, '00280008') ?? 1);
}

/** Where frame `n` (1-based) lies in the file: a slice of native pixel data, or its fragments when encapsulated. */
export async function locateFrames(store: BlobStore, key: string, header: InstanceHeader, frames: number[]): Promise<FrameRange[]> {
  const pixel = header.pixelData;
  if (!pixel) throw new HttpError(404, 'NOT_FOUND', 'the instance has no pixel data');
  const count = frameCount(header);
  for (const n of frames) if (n > count) throw new HttpError(404, 'NOT_FOUND', `frame ${n} not found (the instance has ${count})`);
  if (pixel.length !== null) {
    const rows = num(header.dataset, '00280010') ?? 0;
    const columns = num(header.dataset, '00280011') ?? 0;
    const samples = num(header.dataset, '00280002') ?? 1;
    const bits = num(header.dataset, '00280100') ?? 16;
    const frameBits = rows * columns * samples * bits;
    if (frameBits % 8 !== 0 || frameBits === 0)
      throw new HttpError(501, 'FRAME_LAYOUT_UNSUPPORTED', 'frames that do not fill whole bytes are not served');
    const frameSize = frameBits / 8;
    return frames.map((n) => {
      const start = pixel.offset + (n - 1) * frameSize;
      const end = Math.min(start + frameSize, pixel.offset + pixel.length!);
      return { ranges: [{ start, end }] };
    });
  }
  const { offsets, fragments } = await readFragments(store, key, pixel.offset);
  const perFrame = framesOfFragments(fragments, offsets, count);
  return frames.map((n) => ({ ranges: perFrame[n - 1]! }));
}

interface Fragment {
  /** offset of the item (its tag), relative to the first fragment item's tag, as the offset table counts */
  itemOffset: number;
  start: number;
  end: number;
}

/** Walks the encapsulated items: the basic offset table, then the fragments (8-byte item headers read in batches). */
async function readFragments(store: BlobStore, key: string, valueOffset: number): Promise<{ offsets: number[]; fragments: Fragment[] }> {
  const size = (await store.size(key)) ?? 0;
  const chunk = 64 * 1024;
  let window: { start: number; bytes: Buffer } = { start: -1, bytes: Buffer.alloc(0) };
  const readAt = async (pos: number, length: number): Promise<Buffer> => {
    if (pos < window.start || pos + length > window.start + window.bytes.length) {
      window = { start: pos, bytes: await readRange(store, key, pos, Math.min(size, pos + Math.max(chunk, length))) };
    }
    return window.bytes.subarray(pos - window.start, pos - window.start + length);
  };
  const item = async (pos: number) => {
    const head = await readAt(pos, 8);
    if (head.length < 8) throw new HttpError(500, 'UNREADABLE_INSTANCE', 'encapsulated pixel data is cut short');
    return { group: head.readUInt16LE(0), element: head.readUInt16LE(2), length: head.readUInt32LE(4) };
  };
  let pos = valueOffset;
  const bot = await item(pos);
  if (bot.group !== 0xfffe || bot.element !== 0xe000)
    throw new HttpError(500, 'UNREADABLE_INSTANCE', 'encapsulated pixel data has no offset table');
  const table = await readAt(pos + 8, bot.length);
  const offsets: number[] = [];
  for (let i = 0; i + 4 <= table.length; i += 4) offsets.push(table.readUInt32LE(i));
  pos += 8 + bot.length;
  const first = pos;
  const fragments: Fragment[] = [];
  for (;;) {
    const head = await item(pos);
    if (head.group === 0xfffe && head.element === 0xe0dd) break;
    if (head.group !== 0xfffe || head.element !== 0xe000 || pos + 8 + head.length > size || fragments.length >= MAX_FRAGMENTS) {
      throw new HttpError(500, 'UNREADABLE_INSTANCE', 'encapsulated pixel data is malformed');
    }
    fragments.push({ itemOffset: pos - first, start: pos + 8, end: pos + 8 + head.length });
    pos += 8 + head.length;
  }
  return { offsets, fragments };
}

function framesOfFragments(fragments: Fragment[], offsets: number[], count: number): { start: number; end: number }[][] {
  const range = (f: Fragment) => ({ start: f.start, end: f.end });
  if (count === 1) return [fragments.map(range)];
  if (offsets.length === count) {
    return offsets.map((offset, i) => {
      const next = offsets[i + 1] ?? Infinity;
      return fragments.filter((f) => f.itemOffset >= offset && f.itemOffset < next).map(range);
    });
  }
  if (fragments.length === count) return fragments.map((f) => [range(f)]);
  throw new HttpError(501, 'FRAME_LAYOUT_UNSUPPORTED', 'the frames of this encapsulated pixel data cannot be told apart (no offset table)');
}

/** The bytes of a range list as one stream. */
export async function* rangesStream(store: BlobStore, key: string, ranges: { start: number; end: number }[]): AsyncGenerator<Buffer> {
  for (const { start, end } of ranges) {
    if (end <= start) continue;
    for await (const chunk of store.get(key, { start, end: end - 1 }) as Readable) yield chunk as Buffer;
  }
}
