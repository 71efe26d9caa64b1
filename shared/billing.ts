// Cooperation agreements (远程医疗合作协议), fees and the monthly settlement (结算): the vocabulary, the money
// arithmetic and the REST shapes both server and client use. Money is integer fen (分) everywhere; a split is
// computed once, here, so that the two shares of a price always add up to it exactly.
import { z } from 'zod';
import type { ExamKind } from './domain.ts';
import { isCalendarDate } from './national-id.ts';
import { idText, safeText } from './input.ts';

/** What is billed: the imaging diagnosis by exam kind, the ECG diagnosis, and the four kinds of teleconsultation. */
export const FEE_SERVICES = [
  'IMAGING_DR',
  'IMAGING_CT',
  'IMAGING_MR',
  'IMAGING_US',
  'IMAGING_OTHER',
  'ECG',
  'CONSULT_REGULAR',
  'CONSULT_JOINT',
  'CONSULT_NAMED',
  'CONSULT_URGENT',
] as const;
export type FeeService = (typeof FEE_SERVICES)[number];
export const feeServiceSchema = z.enum(FEE_SERVICES);

/** The service a signed report of this exam kind bills. */
export function reportService(examKind: ExamKind): FeeService {
  return examKind === 'ECG' ? 'ECG' : (`IMAGING_${examKind}` as FeeService);
}

/** The invited side's share: a percentage in basis points (1 % = 100), or a fixed amount in fen per service. */
export const SPLIT_KINDS = ['PERCENT', 'FIXED'] as const;
export type SplitKind = (typeof SPLIT_KINDS)[number];

/** NO_AGREEMENT: no agreement of the pair in force then; NOT_COVERED: one is, but not for this service. */
export const FEE_FLAGS = ['NO_AGREEMENT', 'NOT_COVERED'] as const;
export type FeeFlag = (typeof FEE_FLAGS)[number];

export const FEE_ENTRY_KINDS = ['CHARGE', 'REVERSAL', 'REBILL'] as const;
export type FeeEntryKind = (typeof FEE_ENTRY_KINDS)[number];

export const FEE_SOURCES = ['REPORT', 'CONSULTATION'] as const;
export type FeeSource = (typeof FEE_SOURCES)[number];

export const SETTLEMENT_STATUSES = ['OPEN', 'REVIEWED', 'LOCKED'] as const;
export type SettlementStatus = (typeof SETTLEMENT_STATUSES)[number];

/** 100 000 元: above any service price of a county schedule, and far below what a 32-bit column holds. */
export const MAX_PRICE_FEN = 10_000_000;
export const BASIS_POINTS = 10_000;

export interface Split {
  splitKind: SplitKind;
  /** basis points (PERCENT, 0–10000) or fen (FIXED, at most the price) for the invited side */
  splitValue: number;
}

export interface Shares {
  invitingShareFen: number;
  invitedShareFen: number;
}

/**
 * Splits a price in fen. The inviting side's share of a percentage is rounded down to the fen, and the invited
 * side takes the rest (the remainder of the rounding goes to the invited side); a fixed amount goes to the invited
 * side, at most the whole price. Either way the shares are integers, never negative, and add up to the price.
 */
export function splitFee(priceFen: number, { splitKind, splitValue }: Split): Shares {
  if (!Number.isSafeInteger(priceFen) || priceFen < 0) throw new RangeError(`not a price in fen: ${priceFen}`);
  if (splitKind === 'PERCENT') {
    const invitingShareFen = Math.floor((priceFen * (BASIS_POINTS - splitValue)) / BASIS_POINTS);
    return { invitingShareFen, invitedShareFen: priceFen - invitingShareFen };
  }
  const invitedShareFen = Math.min(splitValue, priceFen);
  return { invitingShareFen: priceFen - invitedShareFen, invitedShareFen };
}

/** 12345 fen → "123.45" (yuan, for print and spreadsheets' text); negative amounts keep their sign. */
export function formatYuan(fen: number): string {
  const sign = fen < 0 ? '-' : '';
  const abs = Math.abs(fen);
  return `${sign}${Math.floor(abs / 100)}.${String(abs % 100).padStart(2, '0')}`;
}

// ---- China-time calendar ----

/** China Standard Time has no daylight saving: a fixed +8 h gives the county's calendar. */
const CHINA_OFFSET_MS = 8 * 60 * 60 * 1000;

/** The China calendar date of a moment, YYYY-MM-DD. */
export function chinaDate(at: Date): string {
  return new Date(at.getTime() + CHINA_OFFSET_MS).toISOString().slice(0, 10);
}

/** The settlement month of a moment, YYYY-MM (China time). */
export function chinaMonth(at: Date): string {
  return chinaDate(at).slice(0, 7);
}

export function nextMonth(month: string): string {
  const [y, m] = month.split('-').map(Number) as [number, number];
  return m === 12 ? `${y + 1}-01` : `${y}-${String(m + 1).padStart(2, '0')}`;
}

/** The first and last calendar day of a month, YYYY-MM-DD. */
export function monthDays(month: string): { first: string; last: string } {
  const [y, m] = month.split('-').map(Number) as [number, number];
  const days = new Date(Date.UTC(y, m, 0)).getUTCDate();
  return { first: `${month}-01`, last: `${month}-${String(days).padStart(2, '0')}` };
}

// ---- requests ----

export const monthSchema = z
  .string()
  .regex(/^\d{4}-(0[1-9]|1[0-2])$/, 'expected YYYY-MM')
  .refine((v) => Number(v.slice(0, 4)) >= 2000 && Number(v.slice(0, 4)) <= 2999, 'expected a month between 2000 and 2999');

const calendarDate = () =>
  z
    .string()
    .regex(/^\d{4}-\d{2}-\d{2}$/, 'expected YYYY-MM-DD')
    .refine((v) => isCalendarDate(v), { message: 'not a real date', params: { code: 'INVALID_DATE' } });

const fen = () => z.number().int().min(0).max(MAX_PRICE_FEN);

export const priceUpdateSchema = z.strictObject({ priceFen: fen() });

export const agreementServiceInputSchema = z
  .strictObject({
    service: feeServiceSchema,
    priceFen: fen(),
    splitKind: z.enum(SPLIT_KINDS),
    splitValue: z.number().int().min(0),
  })
  .refine((s) => (s.splitKind === 'PERCENT' ? s.splitValue <= BASIS_POINTS : s.splitValue <= s.priceFen), {
    message: 'a percentage is 0–10000 basis points; a fixed share is at most the price',
    path: ['splitValue'],
  });
export type AgreementServiceInput = z.infer<typeof agreementServiceInputSchema>;

export const agreementInputSchema = z
  .strictObject({
    title: safeText().trim().min(1).max(200),
    invitingOrgId: idText(),
    invitedOrgId: idText(),
    validFrom: calendarDate(),
    /** inclusive; null: open-ended */
    validTo: calendarDate().nullable(),
    services: z.array(agreementServiceInputSchema).min(1).max(FEE_SERVICES.length),
  })
  .refine((a) => a.validTo === null || a.validTo >= a.validFrom, { message: 'validTo is before validFrom', path: ['validTo'] })
  .refine((a) => new Set(a.services.map((s) => s.service)).size === a.services.length, {
    message: 'a service is listed twice',
    path: ['services'],
  })
  .refine((a) => a.invitingOrgId !== a.invitedOrgId, { message: 'an agreement is between two institutions', path: ['invitedOrgId'] });
export type AgreementInput = z.infer<typeof agreementInputSchema>;

export const settlementListQuerySchema = z.object({ month: monthSchema });

// ---- answers ----

const isoDateTime = z.iso.datetime();
export const orgRefSchema = z.strictObject({ id: z.string(), name: z.string() });
const personRef = z.strictObject({ id: z.string(), displayName: z.string() });

export const priceScheduleItemDtoSchema = z.strictObject({
  service: feeServiceSchema,
  priceFen: z.number().int(),
  updatedAt: isoDateTime.nullable(),
});
export type PriceScheduleItemDto = z.infer<typeof priceScheduleItemDtoSchema>;

export const agreementServiceDtoSchema = z.strictObject({
  service: feeServiceSchema,
  priceFen: z.number().int(),
  splitKind: z.enum(SPLIT_KINDS),
  splitValue: z.number().int(),
  invitingShareFen: z.number().int(),
  invitedShareFen: z.number().int(),
});

export const agreementDtoSchema = z.strictObject({
  id: z.string(),
  title: z.string(),
  inviting: orgRefSchema,
  invited: orgRefSchema,
  validFrom: z.string(),
  validTo: z.string().nullable(),
  services: z.array(agreementServiceDtoSchema),
  createdAt: isoDateTime,
  updatedAt: isoDateTime,
});
export type AgreementDto = z.infer<typeof agreementDtoSchema>;

export const feeTotalsSchema = z.strictObject({
  entries: z.number().int(),
  priceFen: z.number().int(),
  invitingShareFen: z.number().int(),
  invitedShareFen: z.number().int(),
  /** entries flagged NO_AGREEMENT or NOT_COVERED (net of their reversals) and their price: not yet shared */
  flaggedEntries: z.number().int(),
  flaggedPriceFen: z.number().int(),
});
export type FeeTotals = z.infer<typeof feeTotalsSchema>;

export const settlementSummaryDtoSchema = z.strictObject({
  month: z.string(),
  inviting: orgRefSchema,
  invited: orgRefSchema,
  status: z.enum(SETTLEMENT_STATUSES),
  totals: feeTotalsSchema,
  reviewedBy: personRef.nullable(),
  reviewedAt: isoDateTime.nullable(),
  lockedBy: personRef.nullable(),
  lockedAt: isoDateTime.nullable(),
});
export type SettlementSummaryDto = z.infer<typeof settlementSummaryDtoSchema>;

export const feeEntryDtoSchema = z.strictObject({
  id: z.string(),
  kind: z.enum(FEE_ENTRY_KINDS),
  source: z.enum(FEE_SOURCES),
  service: feeServiceSchema,
  serviceAt: isoDateTime,
  /** the case's exam number (检查号), for a report's entry or a consultation on a case */
  accessionNumber: z.string().nullable(),
  caseId: z.string().nullable(),
  consultationId: z.string().nullable(),
  reportVersion: z.number().int().nullable(),
  agreementTitle: z.string().nullable(),
  flag: z.enum(FEE_FLAGS).nullable(),
  priceFen: z.number().int(),
  invitingShareFen: z.number().int(),
  invitedShareFen: z.number().int(),
  correctsId: z.string().nullable(),
  reason: z.string().nullable(),
  createdAt: isoDateTime,
});
export type FeeEntryDto = z.infer<typeof feeEntryDtoSchema>;

export const serviceTotalsSchema = z.strictObject({ service: feeServiceSchema, totals: feeTotalsSchema });

export const settlementStatementDtoSchema = z.strictObject({
  summary: settlementSummaryDtoSchema,
  byService: z.array(serviceTotalsSchema),
  entries: z.array(feeEntryDtoSchema),
});
export type SettlementStatementDto = z.infer<typeof settlementStatementDtoSchema>;

/** The settlement's moves (server/billing/settlements.ts applies them with audit/state-move.ts). */
export const SETTLEMENT_EVENTS = ['review', 'lock'] as const;
export type SettlementEvent = (typeof SETTLEMENT_EVENTS)[number];
export const SETTLEMENT_TRANSITIONS: Record<SettlementEvent, { from: readonly SettlementStatus[]; to: SettlementStatus }> = {
  review: { from: ['OPEN', 'REVIEWED'], to: 'REVIEWED' },
  lock: { from: ['REVIEWED'], to: 'LOCKED' },
};

// ---- the forms' amounts ----

/** A yuan amount as typed ("80", "80.5", "80.05") → fen; null for anything else (a sign, three decimals, > max). */
export function parseYuan(text: string): number | null {
  const m = /^\s*(\d{1,6})(?:\.(\d{1,2}))?\s*$/.exec(text);
  if (!m) return null;
  const fen = Number(m[1]) * 100 + Number((m[2] ?? '').padEnd(2, '0'));
  return fen <= MAX_PRICE_FEN ? fen : null;
}

/** A percentage as typed ("70", "33.33") → basis points (0–10000); null for anything else. */
export function parsePercent(text: string): number | null {
  const m = /^\s*(\d{1,3})(?:\.(\d{1,2}))?\s*$/.exec(text);
  if (!m) return null;
  const bp = Number(m[1]) * 100 + Number((m[2] ?? '').padEnd(2, '0'));
  return bp <= BASIS_POINTS ? bp : null;
}

/** 7000 basis points → "70", 3333 → "33.33" */
export function formatPercent(bp: number): string {
  return bp % 100 === 0 ? String(bp / 100) : `${Math.floor(bp / 100)}.${String(bp % 100).padStart(2, '0')}`;
}
