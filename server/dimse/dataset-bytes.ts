// The bytes of the data sets the worklist answers with, and the character set a query declared. dcmjs (under
// dcmjs-dimse) decodes a query's text correctly but then rewrites its Specific Character Set (0008,0005) to
// "ISO_IR 192", and it writes every string as UTF-8 whatever the declaration says. A worklist must answer GB18030
// to a device that asked in GB18030, so the declared set is read from the query's own bytes, and answers are
// encoded here (Implicit VR Little Endian, the one transfer syntax the worklist context accepts).
import iconv from 'iconv-lite';
import dcmjsDimse from 'dcmjs-dimse';

const { Dataset } = dcmjsDimse;
const IMPLICIT_LITTLE = '1.2.840.10008.1.2';
const EXPLICIT_BIG = '1.2.840.10008.1.2.2';
const SPECIFIC_CHARACTER_SET = 0x00080005;
/** VRs whose explicit-VR header has a 4-byte length (PS3.5 7.1.2) */
const LONG_VRS = new Set(['OB', 'OD', 'OF', 'OL', 'OV', 'OW', 'SQ', 'SV', 'UC', 'UN', 'UR', 'UT', 'UV']);

/**
 * The values of (0008,0005) in a data set's bytes, or undefined when it declares none. Only the top level's first
 * elements are read: tags ascend, so the walk ends at the first tag past (0008,0005), and anything it cannot walk
 * (a sequence, an undefined length, a truncated element) before then means "none declared".
 */
export function declaredCharset(bytes: Uint8Array, transferSyntaxUid: string): string[] | undefined {
  const view = new DataView(bytes.buffer, bytes.byteOffset, bytes.byteLength);
  const little = transferSyntaxUid !== EXPLICIT_BIG;
  const explicit = transferSyntaxUid !== IMPLICIT_LITTLE;
  let at = 0;
  while (at + 8 <= bytes.length) {
    const tag = ((view.getUint16(at, little) << 16) | view.getUint16(at + 2, little)) >>> 0;
    if (tag > SPECIFIC_CHARACTER_SET) return undefined;
    let length: number;
    let header: number;
    if (!explicit) [length, header] = [view.getUint32(at + 4, true), 8];
    else {
      const vr = String.fromCharCode(bytes[at + 4]!, bytes[at + 5]!);
      if (vr === 'SQ') return undefined;
      if (LONG_VRS.has(vr)) {
        if (at + 12 > bytes.length) return undefined;
        [length, header] = [view.getUint32(at + 8, little), 12];
      } else [length, header] = [view.getUint16(at + 6, little), 8];
    }
    if (length === 0xffffffff || at + header + length > bytes.length) return undefined;
    if (tag === SPECIFIC_CHARACTER_SET) {
      const text = Buffer.from(bytes.subarray(at + header, at + header + length)).toString('latin1');
      return text.split('\\').map((v) => v.trim());
    }
    at += header + length;
  }
  return undefined;
}

const DECLARED = Symbol('declared Specific Character Set');
let capturing = false;

/**
 * Makes every data set dcmjs-dimse reads remember the character set its bytes declared (see the top of this file),
 * and reads one that declares none but holds non-ASCII text in `defaultCharset` (as the ingest does: township
 * devices write GBK without saying so). dcmjs-dimse builds a received data set with the private
 * Dataset._fromElementsBuffer(buffer, syntax, options); the wrapper calls it with the same buffer, or with the
 * default's (0008,0005) element put in front. The default is the process's: the first caller's.
 */
export function captureDeclaredCharsets(defaultCharset: string): void {
  if (capturing) return;
  capturing = true;
  const proto = Dataset.prototype as unknown as {
    _fromElementsBuffer(buffer: Buffer, syntax: string, options: unknown): Record<string | symbol, unknown>;
  };
  const original = proto._fromElementsBuffer;
  proto._fromElementsBuffer = function (buffer, syntax, options) {
    const declared = declaredCharset(buffer, syntax);
    const read = declared ? buffer : withDefaultCharset(buffer, syntax, defaultCharset);
    const elements = original.call(this, read, syntax, options);
    if (declared) Object.defineProperty(elements, DECLARED, { value: declared });
    return elements;
  };
}

/** The buffer with a (0008,0005) element first, when it has non-ASCII bytes and its first element comes after it. */
function withDefaultCharset(buffer: Buffer, syntax: string, charset: string): Buffer {
  if (syntax === EXPLICIT_BIG || buffer.length < 4 || !buffer.some((b) => b > 0x7f)) return buffer;
  const first = ((buffer.readUInt16LE(0) << 16) | buffer.readUInt16LE(2)) >>> 0;
  if (first <= SPECIFIC_CHARACTER_SET) return buffer;
  const value = padded(Buffer.from(charset, 'latin1'), 'CS');
  const header = Buffer.alloc(8);
  header.writeUInt16LE(0x0008, 0);
  header.writeUInt16LE(0x0005, 2);
  if (syntax === IMPLICIT_LITTLE) header.writeUInt32LE(value.length, 4);
  else {
    header.write('CS', 4, 'latin1');
    header.writeUInt16LE(value.length, 6);
  }
  return Buffer.concat([header, value, buffer]);
}

/** What a received data set declared in (0008,0005), as captured; undefined when it declared nothing. */
export function declaredCharsetOf(dataset: dcmjsDimse.Dataset): string[] | undefined {
  return (dataset.getElements() as Record<symbol, string[] | undefined>)[DECLARED];
}

/** The character sets an answer can be written in: DICOM's defined term → its iconv-lite encoding. */
const ENCODINGS: Record<string, string> = { 'ISO_IR 192': 'utf8', GB18030: 'gb18030', GBK: 'gbk' };

/** The set to answer in: the query's own when it is one we write, else UTF-8 (ISO_IR 192). */
export function answerCharset(declared: string[] | undefined): string {
  const asked = declared?.find(Boolean)?.toUpperCase();
  return asked && Object.hasOwn(ENCODINGS, asked) ? asked : 'ISO_IR 192';
}

export interface OutElement {
  tag: number;
  vr: string;
  /** text (multiple values joined by \), or the items of a sequence */
  value: string | OutElement[][];
}

/** VRs whose text is in the declared character set; every other string VR is ASCII (PS3.5 6.1.2.3) */
const TEXT_VRS = new Set(['PN', 'LO', 'SH', 'LT', 'ST', 'UT', 'UC']);

/** Elements (already in tag order) → Implicit VR Little Endian bytes, text encoded in `charset`. */
export function encodeImplicit(elements: OutElement[], charset: string): Buffer {
  const encoding = ENCODINGS[charset] ?? 'utf8';
  const parts: Buffer[] = [];
  for (const element of elements) {
    const body =
      typeof element.value === 'string'
        ? padded(TEXT_VRS.has(element.vr) ? iconv.encode(element.value, encoding) : Buffer.from(element.value, 'latin1'), element.vr)
        : Buffer.concat(element.value.map((item) => wrap(0xfffee000, encodeImplicit(item, charset))));
    parts.push(wrap(element.tag, body));
  }
  return Buffer.concat(parts);
}

function padded(bytes: Buffer, vr: string): Buffer {
  return bytes.length % 2 ? Buffer.concat([bytes, Buffer.from([vr === 'UI' ? 0 : 0x20])]) : bytes;
}

function wrap(tag: number, body: Buffer): Buffer {
  const header = Buffer.alloc(8);
  header.writeUInt16LE(tag >>> 16, 0);
  header.writeUInt16LE(tag & 0xffff, 2);
  header.writeUInt32LE(body.length, 4);
  return Buffer.concat([header, body]);
}

/** A data set dcmjs-dimse sends as the bytes given, instead of writing its elements itself. */
export class EncodedDataset extends Dataset {
  constructor(private readonly bytes: Buffer) {
    super({}, IMPLICIT_LITTLE);
  }
  override getDenaturalizedDataset(): Buffer {
    return this.bytes;
  }
}

export const IMPLICIT_VR_LITTLE_ENDIAN = IMPLICIT_LITTLE;
