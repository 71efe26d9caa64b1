// The monthly settlement (结算) of each pair of institutions: the statement of the month's fee entries with their
// totals (sums of integer fen, computed by the database), reviewed and then locked by finance. The settlement is a
// small state machine moved by audit/state-move.ts (OPEN → REVIEWED → LOCKED, shared/billing.ts): a review records
// how many entries it saw, and the lock is a compare-and-set on that count, so a month is never locked with an
// entry its reviewer did not see. A locked month takes no entry (billing/fees.ts posts to the next open month).
import {
  chinaMonth,
  FEE_SERVICES,
  monthDays,
  SETTLEMENT_TRANSITIONS,
  type FeeEntryDto,
  type FeeEntryKind,
  type FeeFlag,
  type FeeService,
  type FeeSource,
  type FeeTotals,
  type SettlementEvent,
  type SettlementStatementDto,
  type SettlementStatus,
  type SettlementSummaryDto,
} from '../../shared/billing.ts';
import type { Actor } from '../auth/actor.ts';
import { move, type StateMachine } from '../audit/state-move.ts';
import type { Db, Tx } from '../db/client.ts';
import { HttpError, notFound } from '../http/errors.ts';
import { orgNames } from './agreements.ts';
import { ensureSettlementRow } from './fees.ts';

export interface Pair {
  invitingOrgId: string;
  invitedOrgId: string;
}

const emptyTotals = (): FeeTotals => ({
  entries: 0,
  priceFen: 0,
  invitingShareFen: 0,
  invitedShareFen: 0,
  flaggedEntries: 0,
  flaggedPriceFen: 0,
});

/** Adds one aggregate group (rows of one flag state) to totals. */
function addGroup(
  t: FeeTotals,
  g: {
    flag: string | null;
    _count: { _all: number };
    _sum: { priceFen: number | null; invitingShareFen: number | null; invitedShareFen: number | null };
  },
) {
  const price = g._sum.priceFen ?? 0;
  t.entries += g._count._all;
  t.priceFen += price;
  t.invitingShareFen += g._sum.invitingShareFen ?? 0;
  t.invitedShareFen += g._sum.invitedShareFen ?? 0;
  if (g.flag) {
    t.flaggedEntries += g._count._all;
    t.flaggedPriceFen += price;
  }
}

const SUMS = { priceFen: true, invitingShareFen: true, invitedShareFen: true } as const;
const pairKey = (p: Pair) => `${p.invitingOrgId}|${p.invitedOrgId}`;

/**
 * The month's settlements: every pair with an agreement in force during the month or entries in it, with totals
 * and status; ordered by the inviting institution's name.
 */
export async function listSettlements(db: Db, month: string): Promise<SettlementSummaryDto[]> {
  const { first, last } = monthDays(month);
  const [agreements, rows, groups] = await Promise.all([
    db.agreement.findMany({
      where: { validFrom: { lte: last }, OR: [{ validTo: null }, { validTo: { gte: first } }] },
      select: { invitingOrgId: true, invitedOrgId: true },
    }),
    db.settlement.findMany({ where: { month } }),
    db.feeEntry.groupBy({ by: ['invitingOrgId', 'invitedOrgId', 'flag'], where: { month }, _count: { _all: true }, _sum: SUMS }),
  ]);
  const pairs = new Map<string, Pair>();
  for (const p of [...agreements, ...rows, ...groups])
    pairs.set(pairKey(p), { invitingOrgId: p.invitingOrgId, invitedOrgId: p.invitedOrgId });
  const totals = new Map<string, FeeTotals>();
  for (const g of groups) {
    const t = totals.get(pairKey(g)) ?? emptyTotals();
    addGroup(t, g);
    totals.set(pairKey(g), t);
  }
  const names = await orgNames(
    db,
    [...pairs.values()].flatMap((p) => [p.invitingOrgId, p.invitedOrgId]),
  );
  const people = await peopleNames(
    db,
    rows.flatMap((r) => [r.reviewedById, r.lockedById]),
  );
  const summaries = [...pairs.entries()].map(([key, p]) =>
    summaryOf(month, p, rows.find((r) => pairKey(r) === key) ?? null, totals.get(key) ?? emptyTotals(), names, people),
  );
  return summaries.sort(
    (a, b) => a.inviting.name.localeCompare(b.inviting.name, 'zh-CN') || a.invited.name.localeCompare(b.invited.name, 'zh-CN'),
  );
}

type SettlementRow = Awaited<ReturnType<Db['settlement']['findUnique']>>;

function summaryOf(
  month: string,
  p: Pair,
  row: SettlementRow,
  totals: FeeTotals,
  names: Map<string, string>,
  people: Map<string, string>,
): SettlementSummaryDto {
  const person = (id: string | null | undefined) => (id ? { id, displayName: people.get(id) ?? '' } : null);
  return {
    month,
    inviting: { id: p.invitingOrgId, name: names.get(p.invitingOrgId) ?? '' },
    invited: { id: p.invitedOrgId, name: names.get(p.invitedOrgId) ?? '' },
    status: (row?.status ?? 'OPEN') as SettlementStatus,
    totals,
    reviewedBy: person(row?.reviewedById),
    reviewedAt: row?.reviewedAt?.toISOString() ?? null,
    lockedBy: person(row?.lockedById),
    lockedAt: row?.lockedAt?.toISOString() ?? null,
  };
}

async function peopleNames(db: Db, ids: (string | null)[]): Promise<Map<string, string>> {
  const wanted = [...new Set(ids.filter((id): id is string => id !== null))];
  if (!wanted.length) return new Map();
  const rows = await db.user.findMany({ where: { id: { in: wanted } }, select: { id: true, displayName: true } });
  return new Map(rows.map((u) => [u.id, u.displayName]));
}

/** 404 unless both institutions exist. */
async function pairNames(db: Db | Tx, p: Pair): Promise<Map<string, string>> {
  const names = await orgNames(db, [p.invitingOrgId, p.invitedOrgId]);
  if (!names.has(p.invitingOrgId) || !names.has(p.invitedOrgId)) throw notFound('settlement');
  return names;
}

/** One pair's statement for a month: every entry (in service order), totals per service and in all. */
export async function getStatement(db: Db, month: string, p: Pair): Promise<SettlementStatementDto> {
  const names = await pairNames(db, p);
  const where = { month, invitingOrgId: p.invitingOrgId, invitedOrgId: p.invitedOrgId };
  const [row, groups, entries] = await Promise.all([
    db.settlement.findUnique({ where: { invitingOrgId_invitedOrgId_month: where } }),
    db.feeEntry.groupBy({ by: ['service', 'flag'], where, _count: { _all: true }, _sum: SUMS }),
    db.feeEntry.findMany({ where, orderBy: [{ serviceAt: 'asc' }, { createdAt: 'asc' }, { id: 'asc' }] }),
  ]);
  const totals = emptyTotals();
  const byService = new Map<string, FeeTotals>();
  for (const g of groups) {
    addGroup(totals, g);
    const t = byService.get(g.service) ?? emptyTotals();
    addGroup(t, g);
    byService.set(g.service, t);
  }
  const caseIds = [...new Set(entries.map((e) => e.caseId).filter((id): id is string => id !== null))];
  const agreementIds = [...new Set(entries.map((e) => e.agreementId).filter((id): id is string => id !== null))];
  const [cases, agreements, people] = await Promise.all([
    db.case.findMany({ where: { id: { in: caseIds } }, select: { id: true, accessionNumber: true } }),
    db.agreement.findMany({ where: { id: { in: agreementIds } }, select: { id: true, title: true } }),
    peopleNames(db, [row?.reviewedById ?? null, row?.lockedById ?? null]),
  ]);
  const accession = new Map(cases.map((c) => [c.id, c.accessionNumber]));
  const titles = new Map(agreements.map((a) => [a.id, a.title]));
  return {
    summary: summaryOf(month, p, row, totals, names, people),
    byService: FEE_SERVICES.filter((s) => byService.has(s)).map((service) => ({ service, totals: byService.get(service)! })),
    entries: entries.map((e): FeeEntryDto => ({
      id: e.id,
      kind: e.kind as FeeEntryKind,
      source: e.source as FeeSource,
      service: e.service as FeeService,
      serviceAt: e.serviceAt.toISOString(),
      accessionNumber: e.caseId ? (accession.get(e.caseId) ?? null) : null,
      caseId: e.caseId,
      consultationId: e.consultationId,
      reportVersion: e.reportVersion,
      agreementTitle: e.agreementId ? (titles.get(e.agreementId) ?? null) : null,
      flag: e.flag as FeeFlag | null,
      priceFen: e.priceFen,
      invitingShareFen: e.invitingShareFen,
      invitedShareFen: e.invitedShareFen,
      correctsId: e.correctsId,
      reason: e.reason,
      createdAt: e.createdAt.toISOString(),
    })),
  };
}

const SETTLEMENT_MACHINE: StateMachine<SettlementStatus, SettlementEvent> = {
  entity: 'Settlement',
  transitions: SETTLEMENT_TRANSITIONS,
  update: async (tx, id, from, to, columns, expect) =>
    (await tx.settlement.updateMany({ where: { id, status: from, ...expect }, data: { ...columns, status: to } })).count,
};

/**
 * Review (审核) or lock (锁定) a pair's month. A review records the entries it saw; a lock needs them unchanged
 * (409 REVIEW_STALE: review again) and a month that has begun (409 MONTH_NOT_STARTED). Locking the running month
 * is allowed: what it bills afterwards counts in the next month.
 */
export async function moveSettlement(
  db: Db,
  actor: Actor,
  event: SettlementEvent,
  month: string,
  p: Pair,
  ip?: string,
): Promise<SettlementStatementDto> {
  await db.$transaction(async (tx) => {
    await pairNames(tx, p);
    if (event === 'lock' && month > chinaMonth(new Date())) {
      throw new HttpError(409, 'MONTH_NOT_STARTED', 'a month is locked once it has begun');
    }
    await ensureSettlementRow(tx, p.invitingOrgId, p.invitedOrgId, month);
    const row = await tx.settlement.findUniqueOrThrow({ where: { invitingOrgId_invitedOrgId_month: { ...p, month } } });
    const from = row.status as SettlementStatus;
    if (from === 'LOCKED') throw new HttpError(409, 'SETTLEMENT_LOCKED', `the settlement of ${month} is locked`);
    if (event === 'lock' && from === 'REVIEWED' && row.reviewedEntryCount !== row.entryCount) {
      throw new HttpError(409, 'REVIEW_STALE', 'entries arrived since the review: review the statement again', {
        reviewed: row.reviewedEntryCount,
        now: row.entryCount,
      });
    }
    const now = new Date();
    const columns =
      event === 'review'
        ? { reviewedEntryCount: row.entryCount, reviewedById: actor.id, reviewedAt: now }
        : { lockedById: actor.id, lockedAt: now };
    await move(tx, SETTLEMENT_MACHINE, {
      id: row.id,
      from,
      event,
      actor,
      ip,
      columns,
      expect: { entryCount: row.entryCount },
      details: { month, ...p, entries: row.entryCount },
    });
  });
  return getStatement(db, month, p);
}
