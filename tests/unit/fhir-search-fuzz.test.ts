// The FHIR search parameters of /fhir/DiagnosticReport are parsed by our own code (fhir/search-params.ts): fuzzed
// with seeded random query strings, they parse into tokens with values or answer 400 BAD_SEARCH, never another error.
import { expect, it } from 'vitest';
import { parseReportSearch, parseToken } from '../../server/fhir/search-params.ts';
import { HttpError } from '../../server/http/errors.ts';
import { seededRandom } from '../fixtures/ecg-synth.ts';

const PIECES = [
  'identifier=',
  'patient.identifier=',
  '_count=',
  '_format=',
  'status=',
  '&',
  '|',
  ',',
  '\\',
  '\\|',
  '%7C',
  '%',
  '%E5%BC%A0',
  'urn:oid:2.16.156.10011.1.3',
  '110101199003074514',
  'CGZ-20261202-0001',
  '0',
  '100',
  '101',
  'json',
  '__proto__',
  'a'.repeat(300),
];

it('parses tokens: system|value, |value, value, alternatives and escapes', () => {
  expect(parseToken('urn:oid:2.16.156.10011.1.3|110101199003074514')).toEqual([
    { system: 'urn:oid:2.16.156.10011.1.3', value: '110101199003074514' },
  ]);
  expect(parseToken('|x')).toEqual([{ system: '', value: 'x' }]);
  expect(parseToken('a,b')).toEqual([
    { system: undefined, value: 'a' },
    { system: undefined, value: 'b' },
  ]);
  expect(parseToken('s|a\\|b\\,c')).toEqual([{ system: 's', value: 'a|b,c' }]);
  expect(parseReportSearch(new URLSearchParams('identifier=A&_count=5'))).toMatchObject({ count: 5, identifier: [{ value: 'A' }] });
});

it('answers tokens or a 400 for 2,000 seeded random query strings', () => {
  const random = seededRandom(1302);
  const pick = () => PIECES[Math.floor(random() * PIECES.length)]!;
  for (let n = 0; n < 2000; n++) {
    const query = Array.from({ length: 1 + Math.floor(random() * 8) }, pick).join('');
    try {
      const search = parseReportSearch(new URLSearchParams(query));
      expect(search.identifier ?? search.patientIdentifier, query).not.toBeNull();
      for (const token of [...(search.identifier ?? []), ...(search.patientIdentifier ?? [])]) {
        expect(typeof token.value).toBe('string');
        expect(token.value.length).toBeGreaterThan(0);
      }
      expect(search.count).toBeGreaterThanOrEqual(1);
      expect(search.count).toBeLessThanOrEqual(100);
    } catch (error) {
      expect(error, query).toBeInstanceOf(HttpError);
      expect((error as HttpError).code, query).toBe('BAD_SEARCH');
    }
  }
});
