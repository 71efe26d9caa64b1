// QIDO-RS wildcard matching (* and ?) in linear-ish time, and the query parser refusing whatever it cannot take
// with a 400, never another error. A pattern of many * against a near-miss name once held the server for minutes.
import { describe, expect, it } from 'vitest';
import { personNameMatches, wildcardMatches } from '../../server/dicom/wildcard.ts';
import { parseQidoQuery } from '../../server/dicomweb/qido.ts';
import { HttpError } from '../../server/http/errors.ts';
import { seededRandom } from '../fixtures/ecg-synth.ts';

describe('DICOM wildcard matching', () => {
  it.each([
    ['张*', '张三', true],
    ['张?', '张三', true],
    ['张?', '张三丰', false],
    ['*三', '张三', true],
    ['zhang*', 'Zhang^San', true],
    ['*^s?n', 'Zhang^San', true],
    ['a*b*c', 'axxbyyc', true],
    ['a*b*c', 'axxbyy', false],
    ['**', '', true],
    ['?', '', false],
    ['exact', 'EXACT', true],
    ['exact', 'exactly', false],
  ])('%s against %s: %s', (pattern, value, expected) => {
    expect(wildcardMatches(pattern, value)).toBe(expected);
  });

  it('answers a pattern of many * against a long near miss at once', () => {
    const started = performance.now();
    expect(wildcardMatches(`${'*a'.repeat(500)}*b`, 'a'.repeat(1000))).toBe(false);
    expect(personNameMatches(`${'*a'.repeat(25)}*b`, `${'a'.repeat(40)}^${'a'.repeat(20)}`)).toBe(false);
    expect(performance.now() - started).toBeLessThan(2000); // a backtracking regular expression takes minutes here
  });

  it('matches Chinese and ^ forms of a person name', () => {
    expect(personNameMatches('张三*', 'Zhang^San=张^三')).toBe(true);
    expect(personNameMatches('zhang san', 'Zhang^San=张^三')).toBe(true);
    expect(personNameMatches('李*', 'Zhang^San=张^三')).toBe(false);
  });
});

describe('the QIDO-RS query parser, fuzzed', () => {
  const KEYS = [
    'PatientName',
    'PatientID',
    'StudyDate',
    'AccessionNumber',
    'ModalitiesInStudy',
    'StudyInstanceUID',
    'limit',
    'offset',
    'includefield',
    'fuzzymatching',
    '00100010',
    'Nonsense',
    '0010001',
    '',
  ];
  const PIECES = [
    '*',
    '?',
    '张',
    '^',
    '=',
    '-',
    ',',
    '.',
    '1',
    '2026',
    '0101',
    '%',
    '\u0000',
    'a'.repeat(2000),
    '..',
    '-1',
    '1e9',
    'all',
    '00081030',
  ];

  it('returns a query or refuses with a 400 for 1,000 seeded random queries', () => {
    const random = seededRandom(20261202);
    const pick = <T>(items: readonly T[]) => items[Math.floor(random() * items.length)]!;
    for (let n = 0; n < 1000; n++) {
      const search = new URLSearchParams();
      for (let k = Math.floor(random() * 4); k >= 0; k--) {
        search.append(pick(KEYS), Array.from({ length: Math.floor(random() * 6) }, () => pick(PIECES)).join(''));
      }
      try {
        parseQidoQuery(search);
      } catch (error) {
        expect(error, `query ${search}`).toBeInstanceOf(HttpError);
        expect((error as HttpError).status, `query ${search}`).toBe(400);
      }
    }
  });
});
