// The printed report's QR code opens /verify/<exam number>/<version>/<code>, which the client parses on a page
// anyone may open (shared/reports.ts parseVerificationPath): fuzzed with seeded random paths, it answers the parts
// or null, never throws; every path verificationPath writes parses back to what it was made of.
import { expect, it } from 'vitest';
import { parseVerificationPath, verificationPath } from '../../shared/reports.ts';
import { seededRandom } from '../fixtures/ecg-synth.ts';

const PIECES = [
  '/',
  'verify',
  '/verify/',
  'CG-20261202-0007',
  '3F9A-7C21-B04E',
  '1',
  '12',
  '0',
  '-1',
  '1e3',
  '%',
  '%2F',
  '%E5%BC%A0',
  '%E5',
  '张',
  '..',
  '?x=1',
  '#',
  ' ',
  '\u0000',
  'a'.repeat(300),
  '9'.repeat(8),
];

it('parses the path verificationPath writes, and nothing else of the app', () => {
  expect(verificationPath('CG-20261202-0007', 2, '3F9A-7C21-B04E')).toBe('/verify/CG-20261202-0007/2/3F9A-7C21-B04E');
  expect(parseVerificationPath('/verify/CG-20261202-0007/2/3F9A-7C21-B04E')).toEqual({
    accessionNumber: 'CG-20261202-0007',
    version: 2,
    code: '3F9A-7C21-B04E',
  });
  for (const other of [
    '/',
    '/login',
    '/verify',
    '/verify/CG-1/2',
    '/verify/CG-1/x/CODE',
    '/verify/CG-1/2/CODE/more',
    '/verify/%E5/1/C',
    '/cases/verify/a/1/b',
  ])
    expect(parseVerificationPath(other), other).toBeNull();
});

it('answers the parts or null for 2,000 seeded random paths; writes paths that parse back', () => {
  const random = seededRandom(1403);
  const pick = () => PIECES[Math.floor(random() * PIECES.length)]!;
  /** a segment of one to three pieces */
  const segment = () => Array.from({ length: 1 + Math.floor(random() * 3) }, pick).join('');
  /** mostly a number, as a version is */
  const version = () => (random() < 0.6 ? String(Math.floor(random() * 10 ** (1 + Math.floor(random() * 8)))) : segment());
  let parsedCount = 0;
  for (let n = 0; n < 2000; n++) {
    // mostly /verify/ and three segments; sometimes another start, or a segment more or fewer
    const prefix = random() < 0.8 ? '/verify/' : pick();
    const segments = [segment(), version(), segment(), segment()].slice(0, random() < 0.7 ? 3 : 2 + Math.floor(random() * 3));
    const path = prefix + segments.join('/');
    const parsed = parseVerificationPath(path);
    if (parsed === null) continue;
    parsedCount++;
    expect(path.startsWith('/verify/'), path).toBe(true);
    expect(Number.isSafeInteger(parsed.version), path).toBe(true);
    expect(parsed.accessionNumber.length * parsed.code.length, path).toBeGreaterThan(0);
    // what parses names the same report as the path verificationPath writes for it
    expect(parseVerificationPath(verificationPath(parsed.accessionNumber, parsed.version, parsed.code)), path).toEqual(parsed);
  }
  expect(parsedCount).toBeGreaterThan(20); // the generator does reach the parser's accepting side
  for (let n = 0; n < 2000; n++) {
    const [accessionNumber, code] = [pick() + pick(), pick() + pick()];
    const version = Math.floor(random() * 1000);
    const path = verificationPath(accessionNumber, version, code);
    expect(parseVerificationPath(path), path).toEqual({ accessionNumber, version, code });
  }
});
