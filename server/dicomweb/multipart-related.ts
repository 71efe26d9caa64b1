// A streaming parser of multipart/related bodies (RFC 2046 5.1, RFC 2387), for STOW-RS. busboy (behind multer) reads
// only multipart/form-data and drops parts without a Content-Disposition, which STOW-RS parts never have, and nothing
// else installed parses multipart/related without holding the whole body. This one is a Writable: each part's bytes
// go out through a Readable of their own as they arrive, with back-pressure (the body waits while the part's reader
// is slow), and the parser never holds more than a chunk plus one delimiter's length of body.
import { Readable, Writable } from 'node:stream';

export class MultipartRelatedError extends Error {}

export interface RelatedPart {
  /** header names in lower case; a repeated header keeps its first value */
  headers: Map<string, string>;
  body: Readable;
}

export interface RelatedLimits {
  /** the bytes of one part's header block */
  maxHeaderBytes: number;
  maxParts: number;
}

type State = 'preamble' | 'delimiter' | 'headers' | 'body' | 'done';

const CRLF = Buffer.from('\r\n');
const HEADERS_END = Buffer.from('\r\n\r\n');
/** transport padding allowed after a boundary (RFC 2046: linear white space) before its line ends */
const MAX_PADDING = 256;

/**
 * A boundary of RFC 2046's characters, not ending in a space. RFC 2046 allows 70 of them, but the Orthanc DICOMweb
 * plugin (1.7) sends two UUIDs joined, 73: longer ones are taken, up to MAX_BOUNDARY.
 */
const MAX_BOUNDARY = 200;
export function validBoundary(boundary: string): boolean {
  return boundary.length <= MAX_BOUNDARY && /^[0-9A-Za-z'()+_,\-./:=? ]*[0-9A-Za-z'()+_,\-./:=?]$/.test(boundary);
}

/**
 * Parses a multipart/related body written into it; `onPart` is called for each part in order, and must consume (or
 * destroy) the part's body: the parser waits for it. Errors (MultipartRelatedError for a malformed body) fail the
 * stream, and the body of the part being read is destroyed with the same error.
 */
export class MultipartRelatedParser extends Writable {
  private state: State = 'preamble';
  // The body is read as if it began with CRLF, so that a delimiter at its very start is found like any other.
  private pending: Buffer = CRLF;
  private part: Readable | null = null;
  private parts = 0;
  private readonly delimiter: Buffer;
  private wantMore: (() => void) | null = null;

  constructor(
    boundary: string,
    private readonly limits: RelatedLimits,
    private readonly onPart: (part: RelatedPart) => void,
  ) {
    super();
    if (!validBoundary(boundary)) throw new MultipartRelatedError('the boundary parameter is not a valid boundary');
    this.delimiter = Buffer.from(`\r\n--${boundary}`, 'latin1');
  }

  override _write(chunk: Buffer, _encoding: BufferEncoding, callback: (error?: Error | null) => void): void {
    this.pending = this.pending.length ? Buffer.concat([this.pending, chunk]) : chunk;
    this.advance().then(() => callback(), callback);
  }

  override _final(callback: (error?: Error | null) => void): void {
    if (this.state === 'done') return callback();
    callback(new MultipartRelatedError(this.parts ? 'the body ended before its closing boundary' : 'the body has no parts'));
  }

  override _destroy(error: Error | null, callback: (error?: Error | null) => void): void {
    if (this.part && !this.part.readableEnded) this.part.destroy(error ?? new MultipartRelatedError('the body was cut off'));
    this.wantMore?.();
    callback(error);
  }

  /** Consumes as much of `pending` as can be decided now; keeps the rest for the next chunk. */
  private async advance(): Promise<void> {
    for (;;) {
      switch (this.state) {
        case 'preamble': {
          const at = this.pending.indexOf(this.delimiter);
          if (at === -1) {
            this.keepTail();
            return;
          }
          this.pending = this.pending.subarray(at + this.delimiter.length);
          this.state = 'delimiter';
          break;
        }
        case 'delimiter': {
          if (this.pending.length < 2) return;
          if (this.pending[0] === 0x2d && this.pending[1] === 0x2d) {
            if (this.parts === 0) throw new MultipartRelatedError('the body has no parts');
            this.state = 'done'; // the close delimiter: what follows is the epilogue
            this.pending = Buffer.alloc(0);
            return;
          }
          const eol = this.pending.indexOf(CRLF);
          // without the line end yet, a last CR may be its first half
          const seen = eol === -1 && this.pending.at(-1) === 0x0d ? this.pending.length - 1 : this.pending.length;
          const padding = this.pending.subarray(0, eol === -1 ? seen : eol);
          if (padding.some((byte) => byte !== 0x20 && byte !== 0x09) || padding.length > MAX_PADDING) {
            throw new MultipartRelatedError('a boundary is followed by something other than a line end');
          }
          if (eol === -1) return;
          this.pending = this.pending.subarray(eol + 2);
          this.state = 'headers';
          break;
        }
        case 'headers': {
          // an empty header block is the CRLF that ends it, right away
          const end = this.pending.subarray(0, 2).equals(CRLF) ? 0 : this.pending.indexOf(HEADERS_END);
          const blockEnd = end === 0 ? 2 : end + HEADERS_END.length;
          if (end === -1) {
            if (this.pending.length > this.limits.maxHeaderBytes) throw new MultipartRelatedError('a part header is too long');
            return;
          }
          if (end > this.limits.maxHeaderBytes) throw new MultipartRelatedError('a part header is too long');
          const headers = parseHeaders(this.pending.subarray(0, end).toString('latin1'));
          this.pending = this.pending.subarray(blockEnd);
          if (++this.parts > this.limits.maxParts) throw new MultipartRelatedError(`more than ${this.limits.maxParts} parts`);
          this.part = new Readable({ read: () => this.resume() });
          // a cut-off body fails the parser, which is how it is reported; the part's reader, which may not have
          // started reading yet, sees the same error from the part's errored state
          this.part.on('error', () => undefined);
          this.state = 'body';
          this.onPart({ headers, body: this.part });
          break;
        }
        case 'body': {
          const at = this.pending.indexOf(this.delimiter);
          if (at === -1) {
            const safe = this.pending.length - (this.delimiter.length - 1);
            if (safe > 0) {
              const out = this.pending.subarray(0, safe);
              this.pending = this.pending.subarray(safe);
              await this.emit_(out);
            }
            return;
          }
          if (at > 0) await this.emit_(this.pending.subarray(0, at));
          this.pending = this.pending.subarray(at + this.delimiter.length);
          if (!this.part!.destroyed) this.part!.push(null);
          this.part = null;
          this.state = 'delimiter';
          break;
        }
        case 'done':
          this.pending = Buffer.alloc(0); // the epilogue is ignored
          return;
      }
    }
  }

  /** In the preamble, only the bytes that could begin a delimiter need keeping. */
  private keepTail(): void {
    const keep = this.delimiter.length - 1;
    if (this.pending.length > keep) this.pending = this.pending.subarray(this.pending.length - keep);
  }

  /** Hands bytes to the part's reader, waiting while it has enough buffered (or until it is destroyed). */
  private async emit_(bytes: Buffer): Promise<void> {
    const part = this.part!;
    if (part.destroyed || part.push(bytes)) return;
    await new Promise<void>((resolve) => {
      const done = () => {
        part.off('close', done);
        this.wantMore = null;
        resolve();
      };
      this.wantMore = done;
      part.once('close', done);
    });
  }

  private resume(): void {
    this.wantMore?.();
  }
}

/** `Name: value` lines (RFC 5322 2.2; folded lines joined), names in lower case. */
export function parseHeaders(block: string): Map<string, string> {
  const headers = new Map<string, string>();
  if (!block) return headers;
  const lines: string[] = [];
  for (const line of block.split('\r\n')) {
    if (/^[ \t]/.test(line) && lines.length) lines[lines.length - 1] += ` ${line.trim()}`;
    else lines.push(line);
  }
  for (const line of lines) {
    const colon = line.indexOf(':');
    const name = line.slice(0, colon).trim().toLowerCase();
    if (colon <= 0 || !/^[!#$%&'*+\-.^_`|~0-9a-z]+$/.test(name)) throw new MultipartRelatedError('a part header line is not "Name: value"');
    if (!headers.has(name)) headers.set(name, line.slice(colon + 1).trim());
  }
  return headers;
}

/** A media type (RFC 9110 8.3.1): `type/subtype` in lower case and its parameters (names in lower case, quotes undone). */
export interface MediaType {
  type: string;
  params: Map<string, string>;
}

const TOKEN = /^[!#$%&'*+\-.^_`|~0-9A-Za-z]+$/;
/** printable ASCII but the space, `"`, `;` and `\` */
const UNQUOTED = /^[!#-:<-[\]-~]+$/;

/** Parses a Content-Type value, or null when it is not one. A repeated parameter makes it invalid. */
export function parseMediaType(value: string): MediaType | null {
  const semicolon = value.indexOf(';');
  const type = (semicolon === -1 ? value : value.slice(0, semicolon)).trim().toLowerCase();
  const [main, sub, ...rest] = type.split('/');
  if (!main || !sub || rest.length || !TOKEN.test(main) || !TOKEN.test(sub)) return null;
  const params = new Map<string, string>();
  let at = semicolon === -1 ? value.length : semicolon;
  while (at < value.length) {
    // at a ';': skip it and white space, then name=value
    at += 1;
    while (value[at] === ' ' || value[at] === '\t') at++;
    if (at >= value.length) break;
    const eq = value.indexOf('=', at);
    if (eq === -1) return null;
    const name = value.slice(at, eq).trim().toLowerCase();
    if (!TOKEN.test(name) || params.has(name)) return null;
    at = eq + 1;
    let parameter = '';
    if (value[at] === '"') {
      for (at++; at < value.length && value[at] !== '"'; at++) {
        if (value[at] === '\\') at++;
        if (at < value.length) parameter += value[at];
      }
      if (value[at] !== '"') return null;
      at++;
      while (value[at] === ' ' || value[at] === '\t') at++;
      if (at < value.length && value[at] !== ';') return null;
    } else {
      const end = value.indexOf(';', at);
      parameter = value.slice(at, end === -1 ? value.length : end).trim();
      // lenient as clients are: `type=application/dicom` and `boundary=----=_Part_1` come unquoted
      if (!UNQUOTED.test(parameter)) return null;
      at = end === -1 ? value.length : end;
    }
    params.set(name, parameter);
  }
  return { type, params };
}
