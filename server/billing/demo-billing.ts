// The demo consortium's price schedule and agreements: one cooperation agreement per township with the county
// hospital, from the first of January of last year to the last of December of next year, priced from the schedule.
// Prices are in fen, of the order of a county's published remote-service prices (远程影像诊断 DR 40 元 … 远程联合会诊
// 300 元); the invited county hospital takes 70 % of an imaging diagnosis, 60 % of an ECG diagnosis and a fixed amount
// of each consultation (the township keeps the rest for the exam and the patient's side of the call).
//
// demoFeeStep is the demo past's ledger (a step of consortium/demo-history.ts): the CHARGE of every signed case and
// held consultation of the generated year, priced as billing/fees.ts would have priced it at the time (termsOf, the
// agreement in force on the service's China date), in its service month; written in bulk with the months'
// settlement rows (OPEN, their entry counts), so that finance's settlement screen shows real months.
import { randomUUID } from 'node:crypto';
import { chinaDate, chinaMonth, reportService, type FeeService, type SplitKind } from '../../shared/billing.ts';
import type { DemoHistoryStep, HistoryCase } from '../consortium/demo-history.ts';
import { bulkInsert } from '../db/bulk-insert.ts';
import type { Db, Tx } from '../db/client.ts';
import { chargeKeyOf, consultationService, invitingSide, termsOf } from './fees.ts';

export const DEMO_PRICES: Record<FeeService, { priceFen: number; splitKind: SplitKind; splitValue: number }> = {
  IMAGING_DR: { priceFen: 4000, splitKind: 'PERCENT', splitValue: 7000 },
  IMAGING_CT: { priceFen: 8000, splitKind: 'PERCENT', splitValue: 7000 },
  IMAGING_MR: { priceFen: 12000, splitKind: 'PERCENT', splitValue: 7000 },
  IMAGING_US: { priceFen: 5000, splitKind: 'PERCENT', splitValue: 7000 },
  IMAGING_OTHER: { priceFen: 3000, splitKind: 'PERCENT', splitValue: 7000 },
  ECG: { priceFen: 2000, splitKind: 'PERCENT', splitValue: 6000 },
  CONSULT_REGULAR: { priceFen: 15000, splitKind: 'FIXED', splitValue: 12000 },
  CONSULT_JOINT: { priceFen: 30000, splitKind: 'FIXED', splitValue: 25000 },
  CONSULT_NAMED: { priceFen: 25000, splitKind: 'FIXED', splitValue: 21000 },
  CONSULT_URGENT: { priceFen: 20000, splitKind: 'FIXED', splitValue: 16000 },
};

/** the demo's townships (server/consortium/demo-seed.ts) and their names */
const TOWNSHIPS = { 'T-CHENGGUAN': '城关镇卫生院', 'T-SHIQIAO': '石桥镇卫生院', 'T-HEKOU': '河口镇卫生院' } as const;

export async function seedDemoBilling(tx: Tx, orgIds: Map<string, string>, now = new Date()): Promise<void> {
  for (const [service, { priceFen }] of Object.entries(DEMO_PRICES)) {
    await tx.priceScheduleItem.create({ data: { service, priceFen } });
  }
  const year = Number(chinaDate(now).slice(0, 4));
  for (const [code, name] of Object.entries(TOWNSHIPS)) {
    await tx.agreement.create({
      data: {
        title: `远程医疗合作协议（县人民医院—${name}）`,
        invitingOrgId: orgIds.get(code)!,
        invitedOrgId: orgIds.get('COUNTY')!,
        validFrom: `${year - 1}-01-01`,
        validTo: `${year + 1}-12-31`,
        services: { create: Object.entries(DEMO_PRICES).map(([service, terms]) => ({ service, ...terms })) },
      },
    });
  }
}

/** What one fee entry of the demo's past bills: a case's report or its consultation. */
interface PastBillable {
  source: 'REPORT' | 'CONSULTATION';
  sourceId: string;
  kase: HistoryCase;
  service: FeeService;
  serviceAt: Date;
  actorId: string;
}

function pastBillables(cases: readonly HistoryCase[]): PastBillable[] {
  return cases.flatMap((kase): PastBillable[] => [
    {
      source: 'REPORT',
      sourceId: kase.id,
      kase,
      service: reportService(kase.examKind),
      serviceAt: kase.signedAt,
      actorId: kase.signedById,
    },
    ...(kase.consultation
      ? [
          {
            source: 'CONSULTATION' as const,
            sourceId: kase.consultation.id,
            kase,
            // as chargeConsultation sees the history's rows: asked for at once (no scheduledAt), no participants recorded
            service: consultationService({ urgent: kase.priority === 'STAT', countyParticipants: 0, named: false }),
            serviceAt: kase.consultation.endedAt,
            actorId: kase.signedById,
          },
        ]
      : []),
  ]);
}

export const demoFeeStep: DemoHistoryStep = {
  name: 'fee entries',
  async run(db: Db, provider, _consortium, cases) {
    const [agreements, prices, orgs, centres] = await Promise.all([
      db.agreement.findMany({ include: { services: true } }),
      db.priceScheduleItem.findMany(),
      db.organization.findMany({ select: { id: true, kind: true, parentId: true } }),
      db.readingCentre.findMany({ select: { id: true, hospitalId: true } }),
    ]);
    const schedule = new Map(prices.map((p) => [p.service, p.priceFen]));
    const orgById = new Map(orgs.map((o) => [o.id, o]));
    const hospitalOf = new Map(centres.map((c) => [c.id, c.hospitalId]));
    const entries = [];
    const months = new Map<string, { invitingOrgId: string; invitedOrgId: string; month: string; entryCount: number }>();
    for (const b of pastBillables(cases)) {
      const invitingOrgId = invitingSide(orgById.get(b.kase.originOrgId)!);
      const invitedOrgId = hospitalOf.get(b.kase.centreId)!;
      const date = chinaDate(b.serviceAt);
      const agreement =
        agreements.find(
          (a) =>
            a.invitingOrgId === invitingOrgId &&
            a.invitedOrgId === invitedOrgId &&
            a.validFrom <= date &&
            (a.validTo === null || a.validTo >= date),
        ) ?? null;
      const terms = termsOf(agreement, b.service, schedule.get(b.service) ?? 0);
      const month = chinaMonth(b.serviceAt);
      entries.push({
        id: randomUUID(),
        kind: 'CHARGE',
        source: b.source,
        sourceId: b.sourceId,
        chargeKey: chargeKeyOf(b.source, b.sourceId),
        caseId: b.kase.id,
        consultationId: b.source === 'CONSULTATION' ? b.sourceId : null,
        reportVersion: b.source === 'REPORT' ? 1 : null,
        service: b.service,
        agreementId: terms.agreementId,
        flag: terms.flag,
        invitingOrgId,
        invitedOrgId,
        month,
        serviceAt: b.serviceAt,
        priceFen: terms.priceFen,
        invitingShareFen: terms.invitingShareFen,
        invitedShareFen: terms.invitedShareFen,
        createdById: b.actorId,
        createdAt: b.serviceAt,
      });
      const key = `${invitingOrgId}|${invitedOrgId}|${month}`;
      const row = months.get(key) ?? { invitingOrgId, invitedOrgId, month, entryCount: 0 };
      row.entryCount++;
      months.set(key, row);
    }
    await bulkInsert(db, provider, 'FeeEntry', entries);
    await bulkInsert(
      db,
      provider,
      'Settlement',
      [...months.values()].map((m) => ({ id: randomUUID(), ...m, status: 'OPEN' })),
    );
  },
};
