// Reads and validates the header of a DICOM Part 10 file with dicom-parser, stopping before the pixel data,
// so a 2 GB multi-frame file costs a few kilobytes of reading. Answers either the attributes teledx indexes
// or a precise reason the file cannot be accepted.
import dicomParser from 'dicom-parser';
import type { RejectionCode } from '../../shared/api.ts';
import { inflateBounded, type InflateResult } from './bounded-inflate.ts';
import { decodeDicomText } from './charset.ts';
import { HeaderParseError, IN_PLACE_PARSE_BYTES, parseHeaderBytes } from './header-parser-pool.ts';

export interface ByteSource {
  readonly size: number;
  read(start: number, end: number): Promise<Buffer>;
}

export interface DicomHeader {
  sopInstanceUid: string;
  sopClassUid: string;
  studyInstanceUid: string;
  seriesInstanceUid: string;
  transferSyntaxUid: string;
  modality?: string;
  instanceNumber?: number;
  seriesNumber?: number;
  rows?: number;
  columns?: number;
  frames?: number;
  studyDate?: string;
  studyDescription?: string;
  seriesDescription?: string;
  bodyPart?: string;
  accessionNumber?: string;
  characterSet?: string;
  patient: { name?: string; id?: string; sex?: string; birthDate?: string };
}

export interface HeaderProblem {
  code: RejectionCode;
  reason: string;
  params?: Record<string, string | number>;
}

export type HeaderResult = { ok: true; header: DicomHeader } | ({ ok: false } & HeaderProblem);

const PIXEL_DATA = 'x7fe00010';
const DEFLATED_LE = '1.2.840.10008.1.2.1.99';
const MEDIA_STORAGE_DIRECTORY = '1.2.840.10008.1.3.10';
const FIRST_READ = 64 * 1024;
/** headers beyond this are not plausible; such a file is treated as corrupt */
const MAX_HEADER_READ = 64 * 1024 * 1024;
const SEQUENCE_DELIMITER = Buffer.from([0xfe, 0xff, 0xdd, 0xe0, 0, 0, 0, 0]);
/** the end of a file searched for the end marker of encapsulated pixel data */
const TAIL_READ = 64 * 1024;
/**
 * The most a deflated data set may inflate to (further bounded by the configured file size limit): the reader's
 * browser inflates it whole to show it, so it may not be larger than what could be uploaded uncompressed, and a
 * bomb (deflate reaches about 1000:1) is refused after at most this much thread-pool work.
 */
export const MAX_INFLATED_BYTES = 512 * 1024 * 1024;

export interface HeaderOptions {
  defaultCharset: string;
  /** a deflated data set that inflates to more is refused (DECOMPRESSION_LIMIT); MAX_INFLATED_BYTES by default */
  maxInflatedBytes?: number;
}

/**
 * A bare DICOM data set (no preamble, no "DICM", no file meta information), as some old systems write.
 * Recognised by its first tag being in group 0002 or 0008, in either byte order.
 */
export async function isBareDataSet(source: ByteSource): Promise<boolean> {
  if (source.size < 8) return false;
  const head = await source.read(0, 4);
  const groupLE = head.readUInt16LE(0);
  const groupBE = head.readUInt16BE(0);
  return [0x0002, 0x0008].includes(groupLE) || [0x0002, 0x0008].includes(groupBE);
}

/** True when the bytes carry the Part 10 "DICM" marker after the 128-byte preamble. */
export async function isDicomPart10(source: ByteSource): Promise<boolean> {
  if (source.size < 132) return false;
  return (await source.read(128, 132)).toString('latin1') === 'DICM';
}

export async function readDicomHeader(source: ByteSource, options: HeaderOptions): Promise<HeaderResult> {
  const parsed = await parseHeader(source, options.maxInflatedBytes ?? MAX_INFLATED_BYTES);
  if ('problem' in parsed) return { ok: false, ...parsed.problem };
  try {
    return await interpret(parsed.dataSet, parsed.content, options);
  } catch (error) {
    // an element that claims more bytes than the header holds: dicom-parser throws when its value is read
    return { ok: false, ...describeParseError(error) };
  }
}

async function interpret(dataSet: dicomParser.DataSet, content: ByteSource, options: HeaderOptions): Promise<HeaderResult> {
  // element offsets point into the parsed bytes: the inflated ones for a deflated data set
  const bytes = Buffer.from(dataSet.byteArray.buffer, dataSet.byteArray.byteOffset, dataSet.byteArray.length);

  if (dataSet.string('x00020002') === MEDIA_STORAGE_DIRECTORY) {
    return {
      ok: false,
      code: 'DICOMDIR',
      reason: 'DICOMDIR is an index of a disc, not an image; the files it lists are uploaded on their own',
    };
  }
  const required = {
    sopInstanceUid: ['x00080018', 'SOP Instance UID (0008,0018)'],
    sopClassUid: ['x00080016', 'SOP Class UID (0008,0016)'],
    studyInstanceUid: ['x0020000d', 'Study Instance UID (0020,000D)'],
    seriesInstanceUid: ['x0020000e', 'Series Instance UID (0020,000E)'],
    transferSyntaxUid: ['x00020010', 'Transfer Syntax UID (0002,0010)'],
  } as const;
  const uids: Record<string, string> = {};
  for (const [key, [tag, label]] of Object.entries(required)) {
    const value = dataSet.string(tag)?.trim();
    if (!value) return { ok: false, code: 'DICOM_MISSING_ATTRIBUTE', reason: `missing ${label}`, params: { attribute: label } };
    if (!/^[0-9.]{1,64}$/.test(value)) {
      return {
        ok: false,
        code: 'DICOM_CORRUPT',
        reason: `${label} is not a valid UID: ${value.slice(0, 70)}`,
        params: { attribute: label },
      };
    }
    uids[key] = value;
  }

  const truncation = await checkPixelData(dataSet, content);
  if (truncation) return { ok: false, ...truncation };

  const charset = dataSet.string('x00080005');
  const text = (tag: string, vr: string) => {
    const el = dataSet.elements[tag];
    if (!el || !el.length) return undefined;
    const raw = bytes.subarray(el.dataOffset, el.dataOffset + el.length);
    return decodeDicomText(raw, charset, { vr, defaultCharset: options.defaultCharset }) || undefined;
  };
  const int = (tag: string) => {
    const v = dataSet.intString(tag);
    return Number.isFinite(v) ? v : undefined;
  };
  const ushort = (tag: string) => (dataSet.elements[tag] ? dataSet.uint16(tag) : undefined);

  return {
    ok: true,
    header: {
      sopInstanceUid: uids.sopInstanceUid!,
      sopClassUid: uids.sopClassUid!,
      studyInstanceUid: uids.studyInstanceUid!,
      seriesInstanceUid: uids.seriesInstanceUid!,
      transferSyntaxUid: uids.transferSyntaxUid!,
      modality: dataSet.string('x00080060')?.trim() || undefined,
      instanceNumber: int('x00200013'),
      seriesNumber: int('x00200011'),
      rows: ushort('x00280010'),
      columns: ushort('x00280011'),
      frames: int('x00280008'),
      studyDate: isoDate(dataSet.string('x00080020')),
      studyDescription: text('x00081030', 'LO'),
      seriesDescription: text('x0008103e', 'LO'),
      bodyPart: dataSet.string('x00180015')?.trim() || undefined,
      accessionNumber: text('x00080050', 'SH'),
      characterSet: charset?.trim() || undefined,
      patient: {
        name: text('x00100010', 'PN'),
        id: text('x00100020', 'LO'),
        sex: dataSet.string('x00100040')?.trim() || undefined,
        birthDate: isoDate(dataSet.string('x00100030')),
      },
    },
  };
}

/** The parsed header, and the bytes its pixel data is measured against (the inflated ones for a deflated file). */
type Parsed = { dataSet: dicomParser.DataSet; content: ByteSource } | { problem: HeaderProblem };

async function parseHeader(source: ByteSource, maxInflatedBytes: number): Promise<Parsed> {
  const meta = await readFileMeta(source);
  if (meta?.transferSyntax === DEFLATED_LE) return parseDeflated(source, meta.end, maxInflatedBytes);
  return parseGrowing(source);
}

/** The transfer syntax and the end of the file meta information, when they can be read from the first bytes. */
async function readFileMeta(source: ByteSource): Promise<{ transferSyntax: string; end: number } | null> {
  const bytes = await source.read(0, Math.min(source.size, FIRST_READ));
  try {
    const meta = dicomParser.readPart10Header(new Uint8Array(bytes.buffer, bytes.byteOffset, bytes.length));
    const transferSyntax = meta.string('x00020010')?.trim();
    const end = (meta as unknown as { position: number }).position;
    return transferSyntax ? { transferSyntax, end } : null;
  } catch {
    return null; // parseGrowing says what is wrong
  }
}

/**
 * Parses the header from a prefix of the file, reading more until the parser reaches the pixel data (or the
 * end of the file). A parse error with the whole file in hand means the file itself is broken.
 */
async function parseGrowing(source: ByteSource): Promise<Parsed> {
  // the first, short prefix is parsed in place (see IN_PLACE_PARSE_BYTES); a longer header goes on in a worker
  let length = Math.min(source.size, IN_PLACE_PARSE_BYTES);
  for (;;) {
    const bytes = await source.read(0, length);
    const whole = length >= source.size;
    try {
      const dataSet = await parseHeaderBytes(bytes, false);
      // Without the pixel data in a prefix we cannot know the header ended.
      if (whole || dataSet.elements[PIXEL_DATA]) return { dataSet, content: source };
    } catch (error) {
      if (whole || error instanceof HeaderParseError) return { problem: describeParseError(error) };
    }
    if (length >= MAX_HEADER_READ) {
      return { problem: { code: 'DICOM_CORRUPT', reason: `no pixel data found in the first ${MAX_HEADER_READ} bytes` } };
    }
    length = Math.min(source.size, length * 8, MAX_HEADER_READ);
  }
}

/**
 * A deflated data set must be inflated whole (its length is only known at the end, and the pixel data is measured
 * against it). Only a window of its start is kept for the parser, growing as parseGrowing's prefix does: nearly
 * every header (and every bomb's) fits the first window, and the rare longer one costs another pass of inflation
 * rather than holding tens of megabytes for every deflated file.
 */
async function parseDeflated(source: ByteSource, metaEnd: number, maxInflatedBytes: number): Promise<Parsed> {
  for (let window = FIRST_READ; ; window = Math.min(window * 8, MAX_HEADER_READ)) {
    const inflated = await inflateBounded(source, metaEnd, { maxOutput: maxInflatedBytes, headBytes: window, tailBytes: TAIL_READ });
    if (!inflated.ok) return { problem: inflationProblem(inflated, maxInflatedBytes) };
    const plain = Buffer.concat([await source.read(0, metaEnd), inflated.head]);
    const whole = inflated.total === inflated.head.length;
    try {
      const dataSet = await parseHeaderBytes(plain, true);
      if (whole || dataSet.elements[PIXEL_DATA])
        return { dataSet, content: inflatedSource(plain, inflated.tail, metaEnd + inflated.total) };
    } catch (error) {
      if (whole || error instanceof HeaderParseError) return { problem: describeParseError(error) };
    }
    if (window >= MAX_HEADER_READ) {
      return { problem: { code: 'DICOM_CORRUPT', reason: `no pixel data found in the first ${MAX_HEADER_READ} inflated bytes` } };
    }
  }
}

function inflationProblem(failure: Extract<InflateResult, { ok: false }>, maxInflatedBytes: number): HeaderProblem {
  if (failure.reason === 'limit') {
    return {
      code: 'DECOMPRESSION_LIMIT',
      reason: `the deflated data set inflates to more than the limit of ${maxInflatedBytes} bytes`,
      params: { limit: maxInflatedBytes },
    };
  }
  const code = failure.reason === 'truncated' ? 'DICOM_TRUNCATED' : 'DICOM_CORRUPT';
  return { code, reason: `the deflated data set cannot be inflated: ${failure.message}` };
}

function describeParseError(error: unknown): HeaderProblem {
  const message = String((error as { exception?: string })?.exception ?? (error as Error)?.message ?? error);
  const missingMeta = message.match(/missing required meta header attribute (\w{4}),(\w{4})/);
  if (missingMeta) {
    const attribute = `(${missingMeta[1]!.toUpperCase()},${missingMeta[2]!.toUpperCase()})`;
    return { code: 'DICOM_MISSING_ATTRIBUTE', reason: `the file meta information lacks ${attribute}`, params: { attribute } };
  }
  if (/past end|overrun|beyond|end of buffer|insufficient|maxPosition/i.test(message)) {
    return { code: 'DICOM_TRUNCATED', reason: `the file ends in the middle of its header (${message})` };
  }
  return { code: 'DICOM_CORRUPT', reason: `the DICOM header cannot be read: ${message}` };
}

/** Detects files cut off inside the pixel data, the usual result of an interrupted copy or transfer. */
async function checkPixelData(dataSet: dicomParser.DataSet, content: ByteSource): Promise<HeaderProblem | null> {
  const pixel = dataSet.elements[PIXEL_DATA];
  if (!pixel) {
    if (dataSet.elements.x00280010 && dataSet.elements.x00280011 && !dataSet.elements.x7fe00008 && !dataSet.elements.x7fe00009) {
      return { code: 'DICOM_TRUNCATED', reason: 'the image has rows and columns but the file ends before its pixel data' };
    }
    return null;
  }
  if (pixel.hadUndefinedLength) {
    // Encapsulated (compressed) frames end with a sequence delimitation item. Look only past the start of
    // the pixel data: sequences in the header have delimiters of their own.
    const from = Math.max(pixel.dataOffset, content.size - TAIL_READ);
    const tail = await content.read(from, content.size);
    if (tail.lastIndexOf(SEQUENCE_DELIMITER) === -1) {
      return { code: 'DICOM_TRUNCATED', reason: 'the compressed pixel data has no end marker: the file was cut off' };
    }
    return null;
  }
  const expected = pixel.dataOffset + pixel.length;
  if (expected > content.size) {
    return {
      code: 'DICOM_TRUNCATED',
      reason: `the pixel data needs ${expected} bytes but the file has ${content.size}`,
      params: { expected, actual: content.size },
    };
  }
  return null;
}

/** The inflated file as far as it was kept: its start (meta + header) and its end, with its full size. */
function inflatedSource(start: Buffer, tail: Buffer, size: number): ByteSource {
  const tailFrom = size - tail.length;
  return {
    size,
    async read(from, to) {
      if (to <= start.length) return start.subarray(from, to);
      if (from >= tailFrom) return tail.subarray(from - tailFrom, to - tailFrom);
      throw new Error(`bytes ${from}-${to} of the inflated data set were not kept`);
    },
  };
}

/** DICOM DA (YYYYMMDD) to ISO (YYYY-MM-DD); anything else is dropped rather than guessed. */
function isoDate(da: string | undefined): string | undefined {
  const m = da?.trim().match(/^(\d{4})\.?(\d{2})\.?(\d{2})$/);
  return m ? `${m[1]}-${m[2]}-${m[3]}` : undefined;
}
