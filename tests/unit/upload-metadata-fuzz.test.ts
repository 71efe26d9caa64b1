// The tus Upload-Metadata header is parsed by our own code (ingest/resumable.ts): fuzzed with seeded random headers,
// it answers key → value pairs or a 400 UPLOAD_METADATA_INVALID, never another error; the pairs land on a plain object.
import { expect, it } from 'vitest';
import { HttpError } from '../../server/http/errors.ts';
import { parseMetadata } from '../../server/ingest/resumable.ts';
import { seededRandom } from '../fixtures/ecg-synth.ts';

const b64 = (s: string) => Buffer.from(s).toString('base64');
const PIECES = [
  'caseId',
  'filename',
  ' ',
  ',',
  '=',
  '==',
  '__proto__',
  'constructor',
  b64('张三.dcm'),
  b64('x'),
  'not base64!',
  '\t',
  '\u0000',
  'a'.repeat(5000),
];

it('parses a well-formed header', () => {
  expect(parseMetadata(`caseId ${b64('c1')},filename ${b64('胸片.dcm')}`)).toEqual({ caseId: 'c1', filename: '胸片.dcm' });
});

it('answers pairs or a 400 for 1,000 seeded random headers', () => {
  const random = seededRandom(1202);
  const pick = () => PIECES[Math.floor(random() * PIECES.length)]!;
  for (let n = 0; n < 1000; n++) {
    const header = Array.from({ length: 1 + Math.floor(random() * 8) }, pick).join(random() < 0.5 ? ' ' : '');
    try {
      const parsed = parseMetadata(header);
      expect(Object.getPrototypeOf(parsed)).toBe(Object.prototype);
      for (const value of Object.values(parsed)) expect(typeof value).toBe('string');
    } catch (error) {
      expect(error, header).toBeInstanceOf(HttpError);
      expect((error as HttpError).code, header).toBe('UPLOAD_METADATA_INVALID');
    }
  }
});
