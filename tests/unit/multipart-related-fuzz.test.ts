// The multipart/related parser of STOW-RS (dicomweb/multipart-related.ts) is ours, so it is fuzzed, seeded:
//   - well-formed bodies of random parts (bytes that look like delimiters, CRLFs, dashes, the boundary itself cut
//     short), cut into random chunks, come back part for part, byte for byte, with their headers;
//   - a slow part reader (back-pressure) changes nothing;
//   - mutated bodies (bytes flipped, cut, spliced) end in parts or a MultipartRelatedError, never another error
//     or a hang;
//   - Content-Type values parse to a media type or null, never throw.
import { Readable } from 'node:stream';
import { pipeline } from 'node:stream/promises';
import { describe, expect, it } from 'vitest';
import { MultipartRelatedError, MultipartRelatedParser, parseMediaType, validBoundary } from '../../server/dicomweb/multipart-related.ts';
import { seededRandom } from '../fixtures/ecg-synth.ts';

const LIMITS = { maxHeaderBytes: 1024, maxParts: 50 };

interface Parsed {
  headers: Record<string, string>;
  body: Buffer;
}

/** Feeds `body` in the given chunks; resolves with the parts, or rejects with the parser's error. */
async function parse(boundary: string, chunks: Buffer[], slowReader = false): Promise<Parsed[]> {
  const parts: Promise<Parsed>[] = [];
  const parser = new MultipartRelatedParser(boundary, LIMITS, (part) => {
    parts.push(
      (async () => {
        const bytes: Buffer[] = [];
        for await (const chunk of part.body as AsyncIterable<Buffer>) {
          bytes.push(chunk);
          if (slowReader) await new Promise((resolve) => setImmediate(resolve));
        }
        return { headers: Object.fromEntries(part.headers), body: Buffer.concat(bytes) };
      })(),
    );
  });
  try {
    await pipeline(Readable.from(chunks, { objectMode: false }), parser);
  } finally {
    // every part's reader settles, whatever the parser's end: none is left hanging
    await Promise.allSettled(parts);
  }
  return Promise.all(parts);
}

function randomBytes(random: () => number, boundary: string): Buffer {
  const pieces = [
    '\r\n',
    '--',
    `--${boundary}`.slice(0, 1 + Math.floor(random() * (boundary.length + 1))),
    '\r\n-',
    'DICM',
    '\r',
    '\n',
    '-',
  ];
  const out: Buffer[] = [];
  const n = Math.floor(random() * 12);
  for (let i = 0; i < n; i++) {
    if (random() < 0.4) out.push(Buffer.from(pieces[Math.floor(random() * pieces.length)]!, 'latin1'));
    else out.push(Buffer.from(Array.from({ length: Math.floor(random() * 300) }, () => Math.floor(random() * 256))));
  }
  return Buffer.concat(out);
}

function randomBoundary(random: () => number): string {
  const alphabet = "0123456789abcdefXYZ'()+_,-./:=?";
  const length = 1 + Math.floor(random() * 40);
  let b = Array.from({ length }, () => alphabet[Math.floor(random() * alphabet.length)]).join('');
  if (b.endsWith(' ')) b += 'x';
  return b;
}

function encode(boundary: string, parts: Parsed[], random: () => number): Buffer {
  const out: Buffer[] = [];
  if (random() < 0.5) out.push(Buffer.from('a preamble, ignored\r\n'));
  parts.forEach((part, i) => {
    // the first delimiter may open the body without a CRLF before it
    const lead = i === 0 && out.length === 0 && random() < 0.5 ? '' : '\r\n';
    const padding = random() < 0.2 ? ' \t ' : '';
    const headers = Object.entries(part.headers)
      .map(([k, v]) => `${k}: ${v}\r\n`)
      .join('');
    out.push(Buffer.from(`${lead}--${boundary}${padding}\r\n${headers}\r\n`, 'latin1'), part.body);
  });
  out.push(Buffer.from(`\r\n--${boundary}--`, 'latin1'));
  if (random() < 0.5) out.push(Buffer.from('\r\nan epilogue, ignored\r\n'));
  return Buffer.concat(out);
}

function chunked(body: Buffer, random: () => number): Buffer[] {
  const chunks: Buffer[] = [];
  for (let at = 0; at < body.length;) {
    const size = random() < 0.3 ? 1 + Math.floor(random() * 3) : 1 + Math.floor(random() * 700);
    chunks.push(body.subarray(at, at + size));
    at += size;
  }
  return chunks;
}

describe('the multipart/related parser', () => {
  it('reads a body as dicomweb-client writes it, and one byte at a time', async () => {
    const body = Buffer.from(
      '\r\n--b1\r\nContent-Type: application/dicom\r\n\r\nONE\r\n--b1\r\nContent-Type: application/dicom\r\n\r\nTWO\r\n--b1--',
    );
    expect(await parse('b1', [body])).toEqual([
      { headers: { 'content-type': 'application/dicom' }, body: Buffer.from('ONE') },
      { headers: { 'content-type': 'application/dicom' }, body: Buffer.from('TWO') },
    ]);
    const padded = Buffer.from('--b1 \t\r\nContent-Type: application/dicom\r\n\r\nONE\r\n--b1--');
    const bytes = [...padded].map((byte) => Buffer.from([byte]));
    expect(await parse('b1', bytes)).toEqual([{ headers: { 'content-type': 'application/dicom' }, body: Buffer.from('ONE') }]);
  });

  it('gives back 500 seeded random bodies part for part, in random chunks, with and without a slow reader', async () => {
    const random = seededRandom(1313);
    let checked = 0;
    for (let n = 0; n < 500; n++) {
      const boundary = randomBoundary(random);
      const parts: Parsed[] = Array.from({ length: 1 + Math.floor(random() * 5) }, (_, i) => ({
        headers: random() < 0.2 ? {} : { 'content-type': 'application/dicom', ...(random() < 0.5 ? { 'content-id': `<part${i}>` } : {}) },
        body: randomBytes(random, boundary),
      }));
      const body = encode(boundary, parts, random);
      // a random body that happens to contain a whole delimiter is not a valid encoding: skip those few
      if (parts.some((p) => p.body.includes(`\r\n--${boundary}`))) continue;
      expect(await parse(boundary, chunked(body, random), n % 5 === 0), `case ${n}`).toEqual(parts);
      checked++;
    }
    expect(checked).toBeGreaterThan(450);
  });

  it('ends 1,000 seeded mutated bodies in parts or a MultipartRelatedError, never another error', async () => {
    const random = seededRandom(2026);
    let refused = 0;
    for (let n = 0; n < 1000; n++) {
      const boundary = randomBoundary(random);
      const parts = Array.from({ length: 1 + Math.floor(random() * 3) }, () => ({
        headers: { 'content-type': 'application/dicom' },
        body: randomBytes(random, boundary),
      }));
      const body = Buffer.from(encode(boundary, parts, random));
      const mutations = 1 + Math.floor(random() * 4);
      let mutated = body;
      for (let m = 0; m < mutations; m++) {
        const at = Math.floor(random() * mutated.length);
        const kind = random();
        if (kind < 0.4) mutated[at] = Math.floor(random() * 256);
        else if (kind < 0.6) mutated = mutated.subarray(0, at);
        else if (kind < 0.8) mutated = Buffer.concat([mutated.subarray(0, at), Buffer.from(`\r\n--${boundary}`), mutated.subarray(at)]);
        else mutated = Buffer.concat([mutated.subarray(0, at), Buffer.alloc(2000, 0x41), mutated.subarray(at)]);
        mutated = Buffer.from(mutated);
      }
      try {
        const parsed = await parse(boundary, chunked(mutated, random));
        expect(parsed.length).toBeGreaterThan(0);
        expect(parsed.length).toBeLessThanOrEqual(LIMITS.maxParts);
      } catch (error) {
        expect(error, `case ${n}`).toBeInstanceOf(MultipartRelatedError);
        refused++;
      }
    }
    expect(refused).toBeGreaterThan(100); // the mutations do break bodies
  });

  it('refuses what is not a body: no closing boundary, no parts, a header too long, too many parts, garbage after a boundary', async () => {
    const bad = [
      '\r\n--b\r\n\r\nabc',
      'no delimiter at all',
      `\r\n--b\r\n${'X-Long: '.padEnd(2000, 'x')}\r\n\r\nabc\r\n--b--`,
      `${'\r\n--b\r\n\r\nx'.repeat(LIMITS.maxParts + 1)}\r\n--b--`,
      '\r\n--bogus\r\n\r\nabc\r\n--b--',
      '\r\n--b\r\nno colon here\r\n\r\nabc\r\n--b--',
    ];
    for (const body of bad)
      await expect(parse('b', [Buffer.from(body)]), JSON.stringify(body.slice(0, 40))).rejects.toBeInstanceOf(MultipartRelatedError);
    expect(() => new MultipartRelatedParser('', LIMITS, () => undefined)).toThrow(MultipartRelatedError);
    expect(validBoundary('a'.repeat(201))).toBe(false);
    expect(validBoundary(`${'9c31fc7f-3159-4cf0-b874-38c3e6abc39d'}-${'9c31fc7f-3159-4cf0-b874-38c3e6abc39d'}`)).toBe(true); // Orthanc's
    expect(validBoundary('ends with space ')).toBe(false);
  });
});

describe('the Content-Type parser', () => {
  it('reads the forms clients send', () => {
    const dicomweb = parseMediaType('multipart/related; type="application/dicom"; boundary="abc-123"')!;
    expect([dicomweb.type, dicomweb.params.get('type'), dicomweb.params.get('boundary')]).toEqual([
      'multipart/related',
      'application/dicom',
      'abc-123',
    ]);
    const bare = parseMediaType('Multipart/Related;type=application/dicom;boundary=----=_Part_1')!;
    expect([bare.type, bare.params.get('type'), bare.params.get('boundary')]).toEqual([
      'multipart/related',
      'application/dicom',
      '----=_Part_1',
    ]);
    expect(parseMediaType('multipart/related; boundary="a\\"b"')!.params.get('boundary')).toBe('a"b');
    for (const bad of ['', 'multipart', 'a/b/c', 'a/b; x', 'a/b; x="open', 'a/b; x=1; x=2', 'a/b; x="1" y'])
      expect(parseMediaType(bad), bad).toBeNull();
  });

  it('answers a media type or null for 2,000 seeded random values, never throws', () => {
    const random = seededRandom(77);
    const pieces = [
      'multipart/related',
      ';',
      ' ',
      '"',
      '\\',
      '=',
      'type',
      'boundary',
      'application/dicom',
      '\t',
      ',',
      '/',
      'x',
      '张',
      '\u0000',
    ];
    for (let n = 0; n < 2000; n++) {
      const value = Array.from({ length: Math.floor(random() * 12) }, () => pieces[Math.floor(random() * pieces.length)]).join('');
      const parsed = parseMediaType(value);
      if (parsed) {
        expect(parsed.type).toMatch(/^[^/]+\/[^/]+$/);
        for (const v of parsed.params.values()) expect(typeof v).toBe('string');
      }
    }
  });
});
