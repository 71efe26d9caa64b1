// The fee ledger. Every signed report and every ended consultation writes one CHARGE, inside the transaction that
// signs or ends it, under the agreement of the pair of institutions in force at that moment (China calendar date):
// the agreement's price for the service and the split of shared/billing.ts splitFee. Without an agreement in force
// (NO_AGREEMENT), or with one that does not cover the service (NOT_COVERED), the entry is still written, priced
// from the local schedule and flagged, its shares left at 0 for finance to settle: never silently free.
//
// A source is charged once (FeeEntry.chargeKey is unique). An amendment re-prices its report against the agreements
// as they are now, for the original service date: the same terms write nothing (no second bill); other terms (an
// agreement entered late, a corrected price) write a REVERSAL of what was billed and a REBILL of what is due.
//
// Each entry counts in a settlement month: its service's month, or, when that month is locked, the first later
// month that is not. Posting increments the month's Settlement.entryCount with a compare-and-set on its status, so
// an entry and a lock of its month serialise on that row: no entry ever lands in a locked month.
import { randomUUID } from 'node:crypto';
import {
  chinaDate,
  chinaMonth,
  nextMonth,
  reportService,
  splitFee,
  type FeeEntryKind,
  type FeeFlag,
  type FeeService,
  type FeeSource,
  type SplitKind,
} from '../../shared/billing.ts';
import type { ExamKind } from '../../shared/domain.ts';
import { recordAudit } from '../audit/audit.ts';
import type { Tx } from '../db/client.ts';
import { agreementInForce, schedulePrice } from './agreements.ts';

/** What is billed, to whom, for when. */
interface Billable {
  source: FeeSource;
  sourceId: string;
  caseId: string | null;
  consultationId: string | null;
  service: FeeService;
  invitingOrgId: string;
  invitedOrgId: string;
  serviceAt: Date;
}

/** The terms a billable gets: the agreement (or the flag why none applies), the price and the shares. */
export interface Terms {
  agreementId: string | null;
  flag: FeeFlag | null;
  priceFen: number;
  invitingShareFen: number;
  invitedShareFen: number;
}

/**
 * The institution billed as the inviting side: the examining organization, or, for a village clinic, its township
 * (乡村一体化: the township centre runs its villages' clinics and signs the agreement for them).
 */
export function invitingSide(org: { id: string; kind: string; parentId: string | null }): string {
  return org.kind === 'VILLAGE_CLINIC' && org.parentId ? org.parentId : org.id;
}

export async function termsFor(tx: Tx, b: Pick<Billable, 'invitingOrgId' | 'invitedOrgId' | 'service' | 'serviceAt'>): Promise<Terms> {
  const agreement = await agreementInForce(tx, b.invitingOrgId, b.invitedOrgId, chinaDate(b.serviceAt));
  const covered = agreement?.services.some((s) => s.service === b.service);
  return termsOf(agreement, b.service, covered ? 0 : await schedulePrice(tx, b.service));
}

/**
 * The terms of a service under the agreement in force (or none): the agreement's price and split, else the
 * schedule's price, flagged, with shares of 0. Pure, for termsFor and the demo's past (billing/demo-billing.ts).
 */
export function termsOf(
  agreement: { id: string; services: { service: string; priceFen: number; splitKind: string; splitValue: number }[] } | null,
  service: FeeService,
  schedulePriceFen: number,
): Terms {
  const item = agreement?.services.find((s) => s.service === service);
  if (agreement && item) {
    return {
      agreementId: agreement.id,
      flag: null,
      priceFen: item.priceFen,
      ...splitFee(item.priceFen, { splitKind: item.splitKind as SplitKind, splitValue: item.splitValue }),
    };
  }
  return {
    agreementId: agreement?.id ?? null,
    flag: agreement ? 'NOT_COVERED' : 'NO_AGREEMENT',
    priceFen: schedulePriceFen,
    invitingShareFen: 0,
    invitedShareFen: 0,
  };
}

/**
 * The first month from `from` on that is not locked for the pair, with its entry count raised by `entries`. The
 * row is created if missing; the increment is a compare-and-set on "not LOCKED", which on PostgreSQL waits for a
 * concurrent lock of the row and then sees it (READ COMMITTED re-reads an updated row), and SQLite serialises.
 */
async function openMonth(tx: Tx, invitingOrgId: string, invitedOrgId: string, from: string, entries: number): Promise<string> {
  let month = from;
  for (let i = 0; i < 1200; i++) {
    await tx.$executeRaw`
      INSERT INTO "Settlement" ("id", "invitingOrgId", "invitedOrgId", "month") VALUES (${randomUUID()}, ${invitingOrgId}, ${invitedOrgId}, ${month})
      ON CONFLICT ("invitingOrgId", "invitedOrgId", "month") DO NOTHING`;
    const { count } = await tx.settlement.updateMany({
      where: { invitingOrgId, invitedOrgId, month, status: { not: 'LOCKED' } },
      data: { entryCount: { increment: entries } },
    });
    if (count === 1) return month;
    month = nextMonth(month);
  }
  throw new Error(`no open settlement month after ${from}`);
}

/** Makes sure the pair's month has its settlement row (a review of a month without entries). */
export async function ensureSettlementRow(tx: Tx, invitingOrgId: string, invitedOrgId: string, month: string): Promise<void> {
  await tx.$executeRaw`
    INSERT INTO "Settlement" ("id", "invitingOrgId", "invitedOrgId", "month") VALUES (${randomUUID()}, ${invitingOrgId}, ${invitedOrgId}, ${month})
    ON CONFLICT ("invitingOrgId", "invitedOrgId", "month") DO NOTHING`;
}

interface Posting {
  kind: FeeEntryKind;
  terms: Terms;
  month: string;
  chargeKey?: string;
  reportVersion?: number | null;
  correctsId?: string;
  reason?: string;
  actorId: string | null;
}

function writeEntry(tx: Tx, b: Billable, p: Posting) {
  return tx.feeEntry.create({
    data: {
      kind: p.kind,
      source: b.source,
      sourceId: b.sourceId,
      chargeKey: p.chargeKey ?? null,
      caseId: b.caseId,
      consultationId: b.consultationId,
      reportVersion: p.reportVersion ?? null,
      service: b.service,
      agreementId: p.terms.agreementId,
      flag: p.terms.flag,
      invitingOrgId: b.invitingOrgId,
      invitedOrgId: b.invitedOrgId,
      month: p.month,
      serviceAt: b.serviceAt,
      priceFen: p.terms.priceFen,
      invitingShareFen: p.terms.invitingShareFen,
      invitedShareFen: p.terms.invitedShareFen,
      correctsId: p.correctsId ?? null,
      reason: p.reason ?? null,
      createdById: p.actorId,
    },
  });
}

export const chargeKeyOf = (source: FeeSource, sourceId: string) => `${source}:${sourceId}`;

/** Writes the CHARGE of a billable unless it has one; returns whether it wrote. */
async function charge(tx: Tx, b: Billable, extra: { reportVersion?: number; actorId: string | null }): Promise<boolean> {
  const chargeKey = chargeKeyOf(b.source, b.sourceId);
  if (await tx.feeEntry.findUnique({ where: { chargeKey }, select: { id: true } })) return false;
  const terms = await termsFor(tx, b);
  const month = await openMonth(tx, b.invitingOrgId, b.invitedOrgId, chinaMonth(b.serviceAt), 1);
  const entry = await writeEntry(tx, b, {
    kind: 'CHARGE',
    terms,
    month,
    chargeKey,
    reportVersion: extra.reportVersion,
    actorId: extra.actorId,
  });
  await recordAudit(tx, {
    actorId: extra.actorId,
    action: 'billing.fee_charge',
    entityType: 'FeeEntry',
    entityId: entry.id,
    details: { source: b.source, sourceId: b.sourceId, service: b.service, month, ...terms },
  });
  return true;
}

async function reportBillable(tx: Tx, caseId: string, serviceAt: Date): Promise<Billable | null> {
  const kase = await tx.case.findUniqueOrThrow({
    where: { id: caseId },
    select: { examKind: true, originOrg: { select: { id: true, kind: true, parentId: true } }, centre: { select: { hospitalId: true } } },
  });
  if (!kase.centre) return null; // a signed case always has its centre
  return {
    source: 'REPORT',
    sourceId: caseId,
    caseId,
    consultationId: null,
    service: reportService(kase.examKind as ExamKind),
    invitingOrgId: invitingSide(kase.originOrg),
    invitedOrgId: kase.centre.hospitalId,
    serviceAt,
  };
}

/** A report was signed (its first signature): bill the diagnosis. Called inside the signature's transaction. */
export async function chargeReport(tx: Tx, r: { caseId: string; reportVersion: number; at: Date; actorId: string | null }): Promise<void> {
  const b = await reportBillable(tx, r.caseId, r.at);
  if (b) await charge(tx, b, { reportVersion: r.reportVersion, actorId: r.actorId });
}

/**
 * A signed report was amended (a new version): re-price it for its original service date against the agreements
 * as they are now. The same terms write nothing; other terms reverse the billed entry and bill the new terms, in
 * the first month from the original's that is not locked. A report signed before billing existed is charged now.
 */
export async function reviseReport(
  tx: Tx,
  r: { caseId: string; reportVersion: number; at: Date; actorId: string | null; reason: string },
): Promise<void> {
  const entries = await tx.feeEntry.findMany({ where: { source: 'REPORT', sourceId: r.caseId } });
  const first = entries.find((e) => e.kind === 'CHARGE');
  if (!first) {
    const signedAt = (await tx.case.findUniqueOrThrow({ where: { id: r.caseId }, select: { signedAt: true } })).signedAt;
    return chargeReport(tx, { ...r, at: signedAt ?? r.at });
  }
  const reversed = new Set(entries.filter((e) => e.kind === 'REVERSAL').map((e) => e.correctsId));
  const current = entries.find((e) => e.kind !== 'REVERSAL' && !reversed.has(e.id))!;
  const b: Billable = {
    source: 'REPORT',
    sourceId: r.caseId,
    caseId: r.caseId,
    consultationId: null,
    service: current.service as FeeService,
    invitingOrgId: current.invitingOrgId,
    invitedOrgId: current.invitedOrgId,
    serviceAt: first.serviceAt,
  };
  const terms = await termsFor(tx, b);
  const same =
    terms.agreementId === current.agreementId &&
    terms.flag === current.flag &&
    terms.priceFen === current.priceFen &&
    terms.invitingShareFen === current.invitingShareFen &&
    terms.invitedShareFen === current.invitedShareFen;
  if (same) return;
  const month = await openMonth(tx, b.invitingOrgId, b.invitedOrgId, first.month, 2);
  const reversal: Terms = {
    agreementId: current.agreementId,
    flag: current.flag as FeeFlag | null,
    priceFen: -current.priceFen,
    invitingShareFen: -current.invitingShareFen,
    invitedShareFen: -current.invitedShareFen,
  };
  const common = { month, reportVersion: r.reportVersion, correctsId: current.id, reason: r.reason, actorId: r.actorId };
  await writeEntry(tx, b, { kind: 'REVERSAL', terms: reversal, ...common });
  const rebill = await writeEntry(tx, b, { kind: 'REBILL', terms, ...common });
  await recordAudit(tx, {
    actorId: r.actorId,
    action: 'billing.fee_correct',
    entityType: 'FeeEntry',
    entityId: rebill.id,
    details: { caseId: r.caseId, corrects: current.id, month, from: reversal, to: terms, reason: r.reason },
  });
}

/**
 * Which teleconsultation it was, by what happened: urgent (asked for at once about a STAT case), joint (two or
 * more of the county's doctors took part), named-specialist (the township asked for one by name), else regular.
 */
export function consultationService(c: { urgent: boolean; countyParticipants: number; named: boolean }): FeeService {
  if (c.urgent) return 'CONSULT_URGENT';
  if (c.countyParticipants >= 2) return 'CONSULT_JOINT';
  if (c.named) return 'CONSULT_NAMED';
  return 'CONSULT_REGULAR';
}

/** A consultation ended: bill it. Called inside the transaction that ends it. */
export async function chargeConsultation(tx: Tx, r: { consultationId: string; at: Date; actorId: string | null }): Promise<void> {
  const c = await tx.consultation.findUniqueOrThrow({
    where: { id: r.consultationId },
    select: {
      caseId: true,
      scheduledAt: true,
      specialistNamed: true,
      requestingOrgId: true,
      requestingOrg: { select: { id: true, kind: true, parentId: true } },
      centre: { select: { hospitalId: true } },
      case: { select: { priority: true } },
      participants: { select: { user: { select: { id: true, organizationId: true } } } },
    },
  });
  const county = new Set(c.participants.filter((p) => p.user.organizationId !== c.requestingOrgId).map((p) => p.user.id));
  const b: Billable = {
    source: 'CONSULTATION',
    sourceId: r.consultationId,
    caseId: c.caseId,
    consultationId: r.consultationId,
    service: consultationService({
      urgent: c.scheduledAt === null && c.case?.priority === 'STAT',
      countyParticipants: county.size,
      named: c.specialistNamed,
    }),
    invitingOrgId: invitingSide(c.requestingOrg),
    invitedOrgId: c.centre.hospitalId,
    serviceAt: r.at,
  };
  await charge(tx, b, { actorId: r.actorId });
}
