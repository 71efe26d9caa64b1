// The worklist's own parsers of what a device sends: the query identifier's keys (dimse/worklist.ts, as dcmjs
// naturalises them) and the declared character set read from a data set's raw bytes (dimse/dataset-bytes.ts).
// Fuzzed with seeded random input, the first answers a query or a WorklistQueryError (→ C-FIND 0xA900), the
// second a list of values or undefined, never another error; and an encoded answer reads back with its bytes.
import dicomParser from 'dicom-parser';
import iconv from 'iconv-lite';
import { describe, expect, it } from 'vitest';
import { answerCharset, declaredCharset, encodeImplicit } from '../../server/dimse/dataset-bytes.ts';
import { parseDateRange, parseWorklistQuery, WorklistQueryError } from '../../server/dimse/worklist.ts';
import { seededRandom } from '../fixtures/ecg-synth.ts';

const IMPLICIT = '1.2.840.10008.1.2';
const EXPLICIT = '1.2.840.10008.1.2.1';
const BIG = '1.2.840.10008.1.2.2';

describe('the worklist query keys', () => {
  it('reads the matching values and the asked keys', () => {
    const query = parseWorklistQuery({
      SpecificCharacterSet: 'ISO_IR 192',
      PatientName: [{ Alphabetic: '张*' }],
      PatientID: '',
      AccessionNumber: 'T-X-20261202-0001 ',
      Nonsense: 'x',
      ScheduledProcedureStepSequence: [{ Modality: 'ct', ScheduledStationAETitle: '*', ScheduledProcedureStepStartDate: '20261201-' }],
    });
    expect(query).toEqual({
      keys: ['PatientName', 'PatientID', 'AccessionNumber', 'ScheduledProcedureStepSequence'],
      stepKeys: ['Modality', 'ScheduledStationAETitle', 'ScheduledProcedureStepStartDate'],
      patientName: '张*',
      accessionNumber: 'T-X-20261202-0001',
      modality: 'CT',
      date: { from: '20261201' },
    });
  });

  it.each([
    ['20261202', { from: '20261202', to: '20261202' }],
    ['20261201-20261202', { from: '20261201', to: '20261202' }],
    ['-20261202', { to: '20261202' }],
    ['20261201-', { from: '20261201' }],
  ])('date %s', (value, range) => expect(parseDateRange(value)).toEqual(range));

  it.each(['2026', '20261302', '20260230', '-', '20261203-20261201', '2026-12-02'])('refuses the date %s', (value) => {
    expect(() => parseDateRange(value)).toThrow(WorklistQueryError);
  });

  const KEYS = [
    'PatientName',
    'PatientID',
    'AccessionNumber',
    'ScheduledProcedureStepSequence',
    'SpecificCharacterSet',
    'RequestedProcedureID',
    '00091010',
    '__proto__',
    'constructor',
  ];
  const STEP_KEYS = ['Modality', 'ScheduledStationAETitle', 'ScheduledProcedureStepStartDate', 'ScheduledProcedureStepStartTime', 'x'];
  const KNOWN = ['PatientName', 'PatientID', 'AccessionNumber', 'ScheduledProcedureStepSequence', 'RequestedProcedureID'];
  const PIECES = ['*', '?', '张', '^', '=', '-', '\\', '2026', '1202', '0101', '\u0000', ' ', 'a'.repeat(400), 'CT', 'DX'];

  it('answers a query or a WorklistQueryError for 2,000 seeded random identifiers', () => {
    const random = seededRandom(20261202);
    const pick = <T>(items: readonly T[]) => items[Math.floor(random() * items.length)]!;
    const text = () => Array.from({ length: Math.floor(random() * 5) }, () => pick(PIECES)).join('');
    const value = (depth: number): unknown => {
      switch (Math.floor(random() * 8)) {
        case 0:
          return undefined;
        case 1:
          return null;
        case 2:
          return Math.floor(random() * 1e6);
        case 3:
          return [text(), text()];
        case 4:
          return [{ Alphabetic: text(), Ideographic: random() < 0.5 ? text() : 7 }];
        case 5:
          return depth > 1 ? text() : Array.from({ length: Math.floor(random() * 3) }, () => item(depth + 1));
        case 6:
          return {};
        default:
          return text();
      }
    };
    const item = (depth: number) => Object.fromEntries(STEP_KEYS.filter(() => random() < 0.5).map((k) => [k, value(depth)]));
    for (let n = 0; n < 2000; n++) {
      const identifier = Object.fromEntries(KEYS.filter(() => random() < 0.5).map((k) => [k, value(0)]));
      try {
        const query = parseWorklistQuery(identifier);
        // only the keys the worklist knows, never an inherited name such as "constructor"
        expect(query.keys.every((k) => KNOWN.includes(k))).toBe(true);
        expect(query.stepKeys.every((k) => STEP_KEYS.slice(0, 4).includes(k))).toBe(true);
      } catch (error) {
        expect(error, JSON.stringify(identifier)).toBeInstanceOf(WorklistQueryError);
      }
    }
  });
});

describe('the declared character set, from raw bytes', () => {
  const element = (tag: number, text: string, syntax: string) => {
    const value = Buffer.from(text.length % 2 ? `${text} ` : text, 'latin1');
    const big = syntax === BIG;
    const head = Buffer.alloc(8);
    const u16 = (v: number, at: number) => (big ? head.writeUInt16BE(v, at) : head.writeUInt16LE(v, at));
    u16(tag >>> 16, 0);
    u16(tag & 0xffff, 2);
    if (syntax === IMPLICIT) head.writeUInt32LE(value.length, 4);
    else {
      head.write('CS', 4, 'latin1');
      u16(value.length, 6);
    }
    return Buffer.concat([head, value]);
  };

  it.each([IMPLICIT, EXPLICIT, BIG])('finds (0008,0005) in %s', (syntax) => {
    const bytes = Buffer.concat([element(0x00080005, 'GB18030', syntax), element(0x00100010, 'x', syntax)]);
    expect(declaredCharset(bytes, syntax)).toEqual(['GB18030']);
    expect(declaredCharset(element(0x00100010, 'x', syntax), syntax)).toBeUndefined();
    expect(declaredCharset(element(0x00080005, '\\ISO 2022 IR 58', syntax), syntax)).toEqual(['', 'ISO 2022 IR 58']);
  });

  it('answers in the declared set when it writes it, else UTF-8', () => {
    expect(answerCharset(['GB18030'])).toBe('GB18030');
    expect(answerCharset(['', 'GBK'])).toBe('GBK');
    expect(answerCharset(['ISO_IR 100'])).toBe('ISO_IR 192');
    expect(answerCharset(undefined)).toBe('ISO_IR 192');
  });

  it('answers values or undefined for 3,000 seeded random byte strings', () => {
    const random = seededRandom(1202);
    const seed = Buffer.concat([element(0x00080005, 'GB18030', EXPLICIT), element(0x00100010, '张', EXPLICIT)]);
    for (let n = 0; n < 3000; n++) {
      const bytes = Buffer.from(seed);
      // flip, cut or extend: the walk must neither throw nor read past the end
      for (let k = Math.floor(random() * 4); k >= 0; k--) bytes[Math.floor(random() * bytes.length)] = Math.floor(random() * 256);
      const cut = random() < 0.3 ? bytes.subarray(0, Math.floor(random() * bytes.length)) : bytes;
      for (const syntax of [IMPLICIT, EXPLICIT, BIG]) {
        const answer = declaredCharset(cut, syntax);
        expect(answer === undefined || Array.isArray(answer)).toBe(true);
      }
    }
  });

  it('encodes an answer that dicom-parser reads back, text in the declared set', () => {
    const bytes = encodeImplicit(
      [
        { tag: 0x00080005, vr: 'CS', value: 'GB18030' },
        { tag: 0x00100010, vr: 'PN', value: '张三丰' },
        { tag: 0x0020000d, vr: 'UI', value: '1.2.3' },
        { tag: 0x00400100, vr: 'SQ', value: [[{ tag: 0x00080060, vr: 'CS', value: 'CT' }]] },
      ],
      'GB18030',
    );
    const ds = dicomParser.parseDicom(new Uint8Array(bytes), { TransferSyntaxUID: IMPLICIT } as never);
    const name = ds.elements.x00100010!;
    expect(iconv.decode(Buffer.from(bytes.subarray(name.dataOffset, name.dataOffset + name.length)), 'gb18030')).toBe('张三丰');
    expect(ds.string('x0020000d')).toBe('1.2.3');
    expect(ds.elements.x00400100!.items![0]!.dataSet!.string('x00080060')).toBe('CT');
  });
});
