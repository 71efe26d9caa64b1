// The money arithmetic of the fee ledger (shared/billing.ts), tested as properties over many seeded random prices
// and splits: the two shares are integers, never negative, add up to the price exactly, and follow the documented
// rounding (the inviting side's share of a percentage rounded down to the fen, the remainder to the invited side);
// totals are sums of integers, equal however the entries are grouped. Also the China-time months and the kinds of
// consultation.
import { describe, expect, it } from 'vitest';
import { BASIS_POINTS, chinaMonth, formatYuan, MAX_PRICE_FEN, monthDays, nextMonth, splitFee, type Split } from '../../shared/billing.ts';
import { consultationService } from '../../server/billing/fees.ts';
import { seededRandom } from '../fixtures/ecg-synth.ts';

const random = seededRandom(20261203);
const int = (max: number) => Math.floor(random() * (max + 1));

function randomSplit(priceFen: number): Split {
  return random() < 0.5 ? { splitKind: 'PERCENT', splitValue: int(BASIS_POINTS) } : { splitKind: 'FIXED', splitValue: int(priceFen) };
}

describe('splitting a price in fen', () => {
  it('adds up exactly, never negative, rounding the inviting share down, over 50 000 random prices and splits', () => {
    const wrong: unknown[] = [];
    for (let i = 0; i < 50_000; i++) {
      // small prices (where rounding shows), any price up to the largest allowed, round prices
      const priceFen = i % 3 === 0 ? int(99) : i % 3 === 1 ? int(MAX_PRICE_FEN) : int(1000) * 100;
      const split = randomSplit(priceFen);
      const { invitingShareFen: a, invitedShareFen: b } = splitFee(priceFen, split);
      // the exact inviting share of a percentage is price × (10000 − bp) / 10000: the fen at or below it
      const exact = priceFen * (BASIS_POINTS - split.splitValue);
      const rounded = split.splitKind === 'PERCENT' ? a * BASIS_POINTS <= exact && (a + 1) * BASIS_POINTS > exact : b === split.splitValue;
      if (!Number.isInteger(a) || !Number.isInteger(b) || a < 0 || b < 0 || a + b !== priceFen || !rounded)
        wrong.push({ priceFen, split, a, b });
    }
    expect(wrong).toEqual([]);
  });

  it('gives the remainder to the invited side', () => {
    expect(splitFee(1, { splitKind: 'PERCENT', splitValue: 5000 })).toEqual({ invitingShareFen: 0, invitedShareFen: 1 });
    expect(splitFee(9001, { splitKind: 'PERCENT', splitValue: 5000 })).toEqual({ invitingShareFen: 4500, invitedShareFen: 4501 });
    expect(splitFee(8000, { splitKind: 'PERCENT', splitValue: 7000 })).toEqual({ invitingShareFen: 2400, invitedShareFen: 5600 });
    expect(splitFee(333, { splitKind: 'PERCENT', splitValue: 3333 })).toEqual({ invitingShareFen: 222, invitedShareFen: 111 });
    expect(splitFee(15000, { splitKind: 'FIXED', splitValue: 12000 })).toEqual({ invitingShareFen: 3000, invitedShareFen: 12000 });
    // a fixed share larger than a (lowered) price takes the whole price, never more
    expect(splitFee(500, { splitKind: 'FIXED', splitValue: 12000 })).toEqual({ invitingShareFen: 0, invitedShareFen: 500 });
    expect(() => splitFee(1.5, { splitKind: 'PERCENT', splitValue: 1 })).toThrow(RangeError);
  });

  it('totals a month of entries exactly, whatever the grouping (per service, per pair, all at once)', () => {
    const wrong: unknown[] = [];
    const sum = (xs: number[]) => xs.reduce((a, b) => a + b, 0);
    for (let round = 0; round < 200; round++) {
      const entries = Array.from({ length: 1 + int(500) }, () => {
        const priceFen = int(MAX_PRICE_FEN);
        const sign = random() < 0.1 ? -1 : 1; // reversals
        const shares = splitFee(priceFen, randomSplit(priceFen));
        return {
          group: int(9),
          priceFen: sign * priceFen,
          inviting: sign * shares.invitingShareFen,
          invited: sign * shares.invitedShareFen,
        };
      });
      const price = sum(entries.map((e) => e.priceFen));
      const shares = sum(entries.map((e) => e.inviting)) + sum(entries.map((e) => e.invited));
      const groups = new Map<number, number>();
      for (const e of entries) groups.set(e.group, (groups.get(e.group) ?? 0) + e.priceFen);
      // the printed yuan is the fen exactly
      const printed = Math.round(Number(formatYuan(price)) * 100);
      if (!Number.isSafeInteger(price) || shares !== price || sum([...groups.values()]) !== price || printed !== price) wrong.push(round);
    }
    expect(wrong).toEqual([]);
  });

  it('prints fen as yuan with two decimals', () => {
    expect([0, 5, 99, 100, 12345, -8000, -1].map(formatYuan)).toEqual(['0.00', '0.05', '0.99', '1.00', '123.45', '-80.00', '-0.01']);
  });
});

describe('settlement months (China time)', () => {
  it('puts a moment in its China-time month', () => {
    expect(chinaMonth(new Date('2026-11-30T15:59:59Z'))).toBe('2026-11');
    expect(chinaMonth(new Date('2026-11-30T16:00:00Z'))).toBe('2026-12');
    expect(nextMonth('2026-12')).toBe('2027-01');
    expect(nextMonth('2026-01')).toBe('2026-02');
    expect(monthDays('2028-02')).toEqual({ first: '2028-02-01', last: '2028-02-29' });
    expect(monthDays('2026-11')).toEqual({ first: '2026-11-01', last: '2026-11-30' });
  });
});

describe('the kind of a consultation', () => {
  it('is urgent, joint, named-specialist or regular, in that order of precedence', () => {
    expect(consultationService({ urgent: true, countyParticipants: 2, named: true })).toBe('CONSULT_URGENT');
    expect(consultationService({ urgent: false, countyParticipants: 2, named: true })).toBe('CONSULT_JOINT');
    expect(consultationService({ urgent: false, countyParticipants: 1, named: true })).toBe('CONSULT_NAMED');
    expect(consultationService({ urgent: false, countyParticipants: 1, named: false })).toBe('CONSULT_REGULAR');
    expect(consultationService({ urgent: false, countyParticipants: 0, named: false })).toBe('CONSULT_REGULAR');
  });
});
