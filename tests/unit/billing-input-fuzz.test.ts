// The billing's parsers (shared/billing.ts: the settlement month, the agreement and price bodies, the forms' yuan and
// percent fields) fuzzed with
// seeded random inputs: each either parses into a value that keeps the money rules (integer fen within range, a
// valid split, real dates in order, no service twice) or fails with a ZodError, never another error.
import { expect, it } from 'vitest';
import { ZodError } from 'zod';
import {
  agreementInputSchema,
  BASIS_POINTS,
  FEE_SERVICES,
  formatPercent,
  formatYuan,
  MAX_PRICE_FEN,
  monthSchema,
  parsePercent,
  parseYuan,
  priceUpdateSchema,
} from '../../shared/billing.ts';
import { seededRandom } from '../fixtures/ecg-synth.ts';

const random = seededRandom(1603);
const pick = <T>(xs: readonly T[]): T => xs[Math.floor(random() * xs.length)]!;

const NUMBERS = [0, 1, -1, 0.5, 99, 100, 5000, 9999, 10_000, 10_001, MAX_PRICE_FEN, MAX_PRICE_FEN + 1, 2 ** 31, NaN, Infinity, 1e21, -0];
const STRINGS = [
  '2026-11',
  '2026-13',
  '2026-00',
  '1999-12',
  '2026-1',
  '２０２６-１１',
  '2026-11-01',
  '2026-02-29',
  '2028-02-29',
  '2026-04-31',
  '',
  '\u0000',
  'x'.repeat(300),
  '协议',
];
const VALUES = [...NUMBERS, ...STRINGS, null, undefined, true, [], {}, { __proto__: null }];

function randomValue(depth = 0): unknown {
  const r = random();
  if (depth < 2 && r < 0.1) return Array.from({ length: Math.floor(random() * 4) }, () => randomValue(depth + 1));
  if (r < 0.5) return pick(NUMBERS);
  if (r < 0.85) return pick(STRINGS);
  return pick(VALUES);
}

function randomService(): Record<string, unknown> {
  const s: Record<string, unknown> = {
    service: random() < 0.95 ? pick(FEE_SERVICES) : randomValue(),
    priceFen: random() < 0.95 ? Math.floor(random() * 20_000) : randomValue(),
    splitKind: random() < 0.95 ? pick(['PERCENT', 'FIXED']) : randomValue(),
    splitValue: random() < 0.95 ? Math.floor(random() * 12_000) : randomValue(),
  };
  if (random() < 0.1) s.extra = randomValue();
  if (random() < 0.1) delete s[pick(Object.keys(s))];
  return s;
}

function randomAgreement(): Record<string, unknown> {
  const a: Record<string, unknown> = {
    title: random() < 0.9 ? '远程医疗合作协议' : randomValue(),
    invitingOrgId: random() < 0.95 ? 'org-a' : randomValue(),
    invitedOrgId: random() < 0.95 ? pick(['org-b', 'org-b', 'org-a']) : randomValue(),
    validFrom: random() < 0.9 ? pick(['2026-01-01', '2026-11-15', '2026-02-30']) : randomValue(),
    validTo: random() < 0.9 ? pick([null, '2026-12-31', '2025-12-31', '2026-11-15']) : randomValue(),
    services: random() < 0.95 ? Array.from({ length: Math.floor(random() * 3) }, randomService) : randomValue(),
  };
  if (random() < 0.05) a.__proto__ = { admin: true };
  return a;
}

function parses(schema: { parse(v: unknown): unknown }, value: unknown): unknown {
  try {
    return schema.parse(value);
  } catch (error) {
    expect(error).toBeInstanceOf(ZodError);
    return undefined;
  }
}

it('parses 3,000 random agreements into valid terms or refuses them with a ZodError', () => {
  let accepted = 0;
  for (let i = 0; i < 3000; i++) {
    const parsed = parses(agreementInputSchema, randomAgreement()) as ReturnType<typeof agreementInputSchema.parse> | undefined;
    if (!parsed) continue;
    accepted++;
    expect(parsed.invitingOrgId).not.toBe(parsed.invitedOrgId);
    expect(parsed.validTo === null || parsed.validTo >= parsed.validFrom).toBe(true);
    expect(new Set(parsed.services.map((s) => s.service)).size).toBe(parsed.services.length);
    for (const s of parsed.services) {
      expect(Number.isSafeInteger(s.priceFen) && s.priceFen >= 0 && s.priceFen <= MAX_PRICE_FEN).toBe(true);
      expect(Number.isSafeInteger(s.splitValue) && s.splitValue >= 0).toBe(true);
      expect(s.splitValue).toBeLessThanOrEqual(s.splitKind === 'PERCENT' ? BASIS_POINTS : s.priceFen);
    }
  }
  // the generator reaches both sides
  expect(accepted).toBeGreaterThan(50);
  expect(accepted).toBeLessThan(2900);
});

it('parses 2,000 random months and prices, or refuses them with a ZodError', () => {
  for (let i = 0; i < 2000; i++) {
    const month = parses(monthSchema, random() < 0.5 ? pick(STRINGS) : randomValue());
    if (month !== undefined) expect(month).toMatch(/^2\d{3}-(0[1-9]|1[0-2])$/);
    const price = parses(priceUpdateSchema, random() < 0.8 ? { priceFen: randomValue() } : randomValue()) as
      { priceFen: number } | undefined;
    if (price) expect(Number.isSafeInteger(price.priceFen) && price.priceFen >= 0 && price.priceFen <= MAX_PRICE_FEN).toBe(true);
  }
});

const CHARS = [
  '0',
  '1',
  '5',
  '9',
  '.',
  '..',
  ' ',
  '-',
  '+',
  'e',
  ',',
  '，',
  '０',
  '¥',
  '元',
  '%',
  '\u0000',
  '1e3',
  '00',
  '100000',
  '99999.99',
];

it('reads 5,000 random yuan and percent fields as integer fen and basis points in range, or not at all', () => {
  const wrong: unknown[] = [];
  for (let i = 0; i < 5000; i++) {
    const text = Array.from({ length: 1 + Math.floor(random() * 6) }, () => pick(CHARS)).join('');
    const fen = parseYuan(text);
    if (fen !== null && (!Number.isSafeInteger(fen) || fen < 0 || fen > MAX_PRICE_FEN || parseYuan(formatYuan(fen)) !== fen))
      wrong.push(text);
    const bp = parsePercent(text);
    if (bp !== null && (!Number.isSafeInteger(bp) || bp < 0 || bp > BASIS_POINTS || parsePercent(formatPercent(bp)) !== bp))
      wrong.push(text);
  }
  expect(wrong).toEqual([]);
  expect([parseYuan('80'), parseYuan('80.5'), parseYuan(' 80.05 '), parseYuan('80.055'), parseYuan('-1'), parseYuan('1e3')]).toEqual([
    8000,
    8050,
    8005,
    null,
    null,
    null,
  ]);
  expect([parsePercent('70'), parsePercent('33.33'), parsePercent('100'), parsePercent('100.01')]).toEqual([7000, 3333, 10000, null]);
});
