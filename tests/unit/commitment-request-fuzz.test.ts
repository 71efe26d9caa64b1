// A device's Request Storage Commitment data set (dimse/commitment.ts parseCommitmentRequest) is outside input:
// fuzzed with seeded random data sets as dcmjs naturalizes them, it answers the transaction and its references or a
// refusal with a PS3.7 N-ACTION failure status, never throws; every UID it lets through is a UID.
import { expect, it } from 'vitest';
import { MAX_COMMITMENT_REFERENCES, NACTION_STATUS, parseCommitmentRequest } from '../../server/dimse/commitment.ts';
import { seededRandom } from '../fixtures/ecg-synth.ts';

const UID = /^[0-9]+(\.[0-9]+)*$/;
const VALUES: unknown[] = [
  '1.2.840.10008.5.1.4.1.1.2',
  '2.25.1234567890',
  '1.2.3\0',
  ' 1.2.3 ',
  '1..2',
  '.1',
  'abc',
  '',
  '1'.repeat(65),
  ['1.2.3'],
  ['1.2', '3.4'],
  [],
  null,
  undefined,
  0,
  12,
  {},
  { __proto__: { ReferencedSOPClassUID: '1.2' } },
  '张三',
];

it('parses a well-formed request', () => {
  expect(
    parseCommitmentRequest({
      TransactionUID: '1.2.3.4',
      ReferencedSOPSequence: [{ ReferencedSOPClassUID: '1.2.840.10008.5.1.4.1.1.2', ReferencedSOPInstanceUID: '1.2.3.4.5\0' }],
    }),
  ).toEqual({
    ok: true,
    transactionUid: '1.2.3.4',
    references: [{ sopClassUid: '1.2.840.10008.5.1.4.1.1.2', sopInstanceUid: '1.2.3.4.5' }],
  });
  expect(parseCommitmentRequest({ ReferencedSOPSequence: [] })).toMatchObject({ ok: false, status: NACTION_STATUS.missingAttribute });
  const many = Array.from({ length: MAX_COMMITMENT_REFERENCES + 1 }, () => ({
    ReferencedSOPClassUID: '1.2',
    ReferencedSOPInstanceUID: '1.3',
  }));
  expect(parseCommitmentRequest({ TransactionUID: '1.2', ReferencedSOPSequence: many })).toMatchObject({
    ok: false,
    status: NACTION_STATUS.invalidArgumentValue,
  });
});

it('answers references or a failure status for 2,000 seeded random data sets', () => {
  const random = seededRandom(1312);
  const pick = <T>(list: T[]): T => list[Math.floor(random() * list.length)]!;
  const item = (): unknown =>
    random() < 0.2 ? pick(VALUES) : { ReferencedSOPClassUID: pick(VALUES), ReferencedSOPInstanceUID: pick(VALUES), Extra: pick(VALUES) };
  const statuses = new Set<number>(Object.values(NACTION_STATUS));
  for (let n = 0; n < 2000; n++) {
    const elements =
      random() < 0.05
        ? pick(VALUES)
        : {
            ...(random() < 0.9 ? { TransactionUID: pick(VALUES) } : {}),
            ...(random() < 0.9
              ? { ReferencedSOPSequence: random() < 0.1 ? pick(VALUES) : Array.from({ length: Math.floor(random() * 6) }, item) }
              : {}),
          };
    const parsed = parseCommitmentRequest(elements);
    const shown = JSON.stringify(elements);
    if (parsed.ok) {
      expect(parsed.transactionUid, shown).toMatch(UID);
      expect(parsed.references.length, shown).toBeGreaterThan(0);
      for (const r of parsed.references) {
        expect(r.sopClassUid.length <= 64 && UID.test(r.sopClassUid), shown).toBe(true);
        expect(r.sopInstanceUid.length <= 64 && UID.test(r.sopInstanceUid), shown).toBe(true);
      }
    } else {
      expect(statuses.has(parsed.status), shown).toBe(true);
      expect(parsed.status, shown).not.toBe(NACTION_STATUS.success);
      expect(parsed.comment.length, shown).toBeLessThanOrEqual(64);
    }
  }
});
