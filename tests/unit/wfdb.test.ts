// The benchmark's WFDB reader (tests/fixtures/wfdb.ts) on records the test writes itself: format 212 and 16
// signals, headers as PhysioNet writes them (CRLF, comments, blank lines, baselines and units), checksums, and an
// MIT annotation file with a SKIP, modifiers and rhythm changes. Hand-made byte strings pin the packing, so the
// reader is not only checked against its own writer.
import { mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, describe, expect, it } from 'vitest';
import {
  aamiClass,
  checksumOf,
  decodeSamples,
  encodeSamples,
  isBeat,
  isPaced,
  parseAnnotations,
  parseHeader,
  readRecord,
  readSignals,
  toMicrovolts,
  WfdbError,
  writeAnnotations,
  writeRecord,
  type WfdbAnnotation,
} from '../fixtures/wfdb.ts';

const dir = mkdtempSync(join(tmpdir(), 'teledx-wfdb-'));
afterAll(() => rmSync(dir, { recursive: true, force: true }));

describe('format 212 and 16 samples', () => {
  it('unpacks 212: two 12-bit two’s complement samples in three bytes', () => {
    // 0x123 and 0x456 → 23 41 56; −1 and 1 → ff 0f 01; −2048 and 2047 → 00 78 ff; an odd tail sample in two bytes.
    const bytes = Uint8Array.from([0x23, 0x41, 0x56, 0xff, 0x0f, 0x01, 0x00, 0x78, 0xff, 0x05, 0x00]);
    expect(Array.from(decodeSamples(bytes, 212, 1, 7))).toEqual([0x123, 0x456, -1, 1, -2048, 2047, 5]);
    expect(Array.from(encodeSamples([Int16Array.from([0x123, 0x456, -1, 1, -2048, 2047, 5])], 212))).toEqual(Array.from(bytes));
  });

  it('reads 16: little-endian two’s complement', () => {
    const bytes = Uint8Array.from([0x34, 0x12, 0xff, 0xff, 0x00, 0x80, 0xff, 0x7f]);
    expect(Array.from(decodeSamples(bytes, 16, 2, 2))).toEqual([0x1234, -1, -32768, 32767]);
  });

  it('refuses a signal file shorter than the header says', () => {
    expect(() => decodeSamples(new Uint8Array(5), 212, 2, 2)).toThrow(WfdbError);
    expect(() => decodeSamples(new Uint8Array(7), 16, 2, 2)).toThrow(WfdbError);
  });

  it('checksums are 16-bit two’s complement sums', () => {
    expect(checksumOf([1, 2, 3])).toBe(6);
    expect(checksumOf([30000, 30000])).toBe(60000 - 65536);
    expect(checksumOf([-5, 2])).toBe(-3);
  });
});

describe('headers', () => {
  it('reads a PhysioNet header with CRLF, comments, a blank line, counter frequency, baseline and units', () => {
    const header = parseHeader(
      '# a comment before the record line\r\n100 2 360/1 650000\r\n100.dat 212 200 11 1024 995 -22131 0 MLII\r\n\r\n' +
        '100.dat 212+3 400(-12)/uV 12 1024 1011 20052 0 V5 lead, modified\r\n# 69 M 1085 1629 x1\r\n',
    );
    expect(header).toMatchObject({ recordName: '100', sampleRateHz: 360, samplesPerSignal: 650000 });
    expect(header.comments).toEqual(['a comment before the record line', '69 M 1085 1629 x1']);
    expect(header.signals[0]).toEqual({
      fileName: '100.dat',
      format: 212,
      byteOffset: 0,
      gain: 200,
      baseline: 1024,
      units: 'mV',
      adcResolution: 11,
      adcZero: 1024,
      initialValue: 995,
      checksum: -22131,
      blockSize: 0,
      description: 'MLII',
    });
    expect(header.signals[1]).toMatchObject({ byteOffset: 3, gain: 400, baseline: -12, units: 'uV', description: 'V5 lead, modified' });
  });

  it('fills in WFDB defaults (gain 0 → 200) and refuses what it does not read', () => {
    expect(parseHeader('r 1 500\nr.dat 16 0 16 0\n').signals[0]).toMatchObject({ gain: 200, initialValue: null, checksum: null });
    expect(parseHeader('r 1 500\nr.dat 16 0 16 0\n').samplesPerSignal).toBeNull();
    expect(() => parseHeader('r 1 500 10\nr.dat 310 200 10 0\n')).toThrow(/format 310/);
    expect(() => parseHeader('r 1 500 10\nr.dat 212x2 200 12 0\n')).toThrow(/samples per frame/);
    expect(() => parseHeader('r 2 500 10\nr.dat 212 200 12 0\n')).toThrow(/2 signals announced, 1 signal lines/);
    expect(() => parseHeader('r/3 1 500 10\nr.dat 212 200 12 0\n')).toThrow(/multi-segment/);
    expect(() => parseHeader('r 1 500 x\nr.dat 212 200 12 0\n')).toThrow(/not an integer/);
  });
});

describe('records written and read back', () => {
  const ramp = (n: number, from: number, step: number) => Int16Array.from({ length: n }, (_, i) => from + i * step);

  it('format 212, two interleaved signals with an odd number of samples in all', () => {
    const mlii = Int16Array.from([1024, 2047, 0, 1023, 1500]);
    const v1 = Int16Array.from([-2048, -1, 1, 800, 1024]);
    const written = writeRecord(
      'r212',
      360,
      [
        { description: 'MLII', samples: mlii, adcZero: 1024 },
        { description: 'V1', samples: v1, adcZero: 1024 },
      ],
      212,
    );
    const header = parseHeader(written.header);
    expect(header.signals.map((s) => [s.format, s.initialValue, s.checksum])).toEqual([
      [212, 1024, checksumOf(mlii)],
      [212, -2048, checksumOf(v1)],
    ]);
    const record = readSignals(header, () => written.dat);
    expect(Array.from(record.samples[0]!)).toEqual(Array.from(mlii));
    expect(Array.from(record.samples[1]!)).toEqual(Array.from(v1));
    // (ADC − 1024) / 200 mV
    expect(Array.from(toMicrovolts(record.samples[0]!, header.signals[0]!))).toEqual([0, 5115, -5120, -5, 2380]);

    // Three signals × 3 samples = 9: the last sample of the file in two bytes.
    const odd = writeRecord(
      'odd',
      250,
      [0, 1, 2].map((k) => ({ description: `s${k}`, samples: ramp(3, -100 * k, 7) })),
      212,
    );
    expect(odd.dat.length).toBe(4 * 3 + 2);
    const back = readSignals(parseHeader(odd.header), () => odd.dat);
    expect(back.samples.map((s) => Array.from(s))).toEqual([0, 1, 2].map((k) => Array.from(ramp(3, -100 * k, 7))));
  });

  it('format 16 with a baseline and µV units; the header’s sample count may be left out', () => {
    const samples = Int16Array.from([-32768, -1, 0, 1, 32767, 12345]);
    const written = writeRecord('r16', 500, [{ description: 'II', samples, gain: 2, baseline: -10, units: 'uV' }], 16);
    const header = parseHeader(written.header);
    expect(header.signals[0]).toMatchObject({ format: 16, gain: 2, baseline: -10, units: 'uV', adcResolution: 16 });
    const record = readSignals(header, () => written.dat);
    expect(Array.from(record.samples[0]!)).toEqual(Array.from(samples));
    expect(Array.from(toMicrovolts(record.samples[0]!, header.signals[0]!))).toEqual([-16379, 4.5, 5, 5.5, 16388.5, 6177.5]);
    const noCount = parseHeader(written.header.replace('r16 1 500 6', 'r16 1 500'));
    expect(readSignals(noCount, () => written.dat).samples[0]!.length).toBe(6);
  });

  it('refuses data that does not match the header’s checksum or initial value', () => {
    const samples = ramp(10, 0, 100);
    const written = writeRecord('bad', 360, [{ description: 'MLII', samples }], 212);
    const corrupt = Uint8Array.from(written.dat);
    corrupt[7]! ^= 0x01;
    expect(() => readSignals(parseHeader(written.header), () => corrupt)).toThrow(/checksum -?\d+, header says/);
    const first = Uint8Array.from(written.dat);
    first[0] = 1; // the first sample becomes 1, and the checksum with it
    expect(() => readSignals(parseHeader(written.header), () => first)).toThrow(/first sample 1, header says 0/);
  });

  it('reads a record folder: header, signal file and annotations', () => {
    const written = writeRecord('rec', 360, [{ description: 'MLII', samples: ramp(4, 1, 1), adcZero: 0 }], 16);
    writeFileSync(join(dir, 'rec.hea'), written.header);
    writeFileSync(join(dir, written.datFile), written.dat);
    writeFileSync(join(dir, 'rec.atr'), writeAnnotations([{ sample: 2, symbol: 'N' }]));
    const record = readRecord(dir, 'rec');
    expect(Array.from(record.samples[0]!)).toEqual([1, 2, 3, 4]);
    expect(record.annotations.map((a) => [a.sample, a.symbol])).toEqual([[2, 'N']]);
    writeFileSync(join(dir, 'evil.hea'), written.header.replace('rec.dat', '../rec.dat').replace('rec 1', 'evil 1'));
    writeFileSync(join(dir, 'evil.atr'), new Uint8Array(2));
    expect(() => readRecord(dir, 'evil')).toThrow(/outside the folder/);
  });
});

describe('MIT annotation files', () => {
  it('reads the words PhysioNet writes: a rhythm change with its aux text, then a beat', () => {
    // 100.atr begins: "+" at 18 with aux "(N\0" (3 bytes, padded to 4), then "N" 59 samples later.
    const bytes = Uint8Array.from([0x12, 0x70, 0x03, 0xfc, 0x28, 0x4e, 0x00, 0x00, 0x3b, 0x04, 0x00, 0x00]);
    const annotations = parseAnnotations(bytes);
    expect(annotations.map((a) => [a.sample, a.symbol, a.aux])).toEqual([
      [18, '+', '(N'],
      [77, 'N', null],
    ]);
  });

  it('a SKIP over a long gap, SUB/CHN/NUM modifiers, AUX of odd and even length, round trip', () => {
    const written = [
      { sample: 10, symbol: '+', aux: '(N' },
      { sample: 300, symbol: 'N' },
      { sample: 700, symbol: 'V', subtype: 3 },
      { sample: 700 + 5000, symbol: '+', aux: '(AFIB' }, // 5000 > 1023: a SKIP word and a 32-bit interval
      { sample: 5800, symbol: '/', channel: 1, num: 2 },
      { sample: 5800 + 70_000, symbol: 'f' },
      { sample: 75_900, symbol: '~', aux: 'noise' },
      { sample: 76_000, symbol: 'A' },
    ];
    const bytes = writeAnnotations(written);
    // The SKIP word (59 << 10) is in the file.
    const words = Array.from({ length: bytes.length / 2 }, (_, i) => bytes[2 * i]! | (bytes[2 * i + 1]! << 8));
    expect(words.filter((w) => w >> 10 === 59)).toHaveLength(2);
    const read = parseAnnotations(bytes);
    expect(read.map((a) => [a.sample, a.symbol, a.aux, a.subtype])).toEqual(
      written.map((w) => [w.sample, w.symbol, w.aux ?? null, w.subtype ?? 0]),
    );
    // channel and num carry over to the annotations after the one that set them
    expect(read.slice(4).map((a) => [a.channel, a.num])).toEqual([
      [1, 2],
      [1, 2],
      [1, 2],
      [1, 2],
    ]);
  });

  it('stops at the end word and refuses truncated SKIPs and aux text', () => {
    expect(parseAnnotations(Uint8Array.from([0x05, 0x04, 0x00, 0x00, 0x05, 0x04]))).toHaveLength(1);
    expect(() => parseAnnotations(Uint8Array.from([0x00, 0xec, 0x00]))).toThrow(/SKIP/);
    expect(() => parseAnnotations(Uint8Array.from([0x05, 0x04, 0x08, 0xfc, 0x41]))).toThrow(/aux/);
    expect(() => parseAnnotations(Uint8Array.from([0x03, 0xfc]))).toThrow(/before any annotation/);
  });
});

describe('beat classes', () => {
  const annotation = (symbol: string, code: number): WfdbAnnotation => ({
    sample: 0,
    code,
    symbol,
    subtype: 0,
    channel: 0,
    num: 0,
    aux: null,
  });
  it('maps MIT-BIH beat labels to the AAMI EC57 classes; non-beats have none', () => {
    const table: [string, number, string | null][] = [
      ['N', 1, 'N'],
      ['L', 2, 'N'],
      ['R', 3, 'N'],
      ['e', 34, 'N'],
      ['j', 11, 'N'],
      ['A', 8, 'S'],
      ['a', 4, 'S'],
      ['J', 7, 'S'],
      ['S', 9, 'S'],
      ['V', 5, 'V'],
      ['E', 10, 'V'],
      ['F', 6, 'F'],
      ['/', 12, 'Q'],
      ['f', 38, 'Q'],
      ['Q', 13, 'Q'],
      ['+', 28, null],
      ['~', 14, null],
      ['|', 16, null],
      ['x', 37, null],
      ['!', 31, null],
    ];
    expect(table.map(([symbol, code]) => aamiClass(annotation(symbol, code)))).toEqual(table.map(([, , expected]) => expected));
    expect(isBeat(annotation('x', 37))).toBe(false);
    expect(isPaced(annotation('/', 12))).toBe(true);
    expect(isPaced(annotation('f', 38))).toBe(true);
    expect(isPaced(annotation('N', 1))).toBe(false);
  });
});
