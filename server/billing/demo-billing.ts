// The demo consortium's price schedule and agreements: one cooperation agreement per township with the county
// hospital, from the first of January of last year to the last of December of next year, priced from the schedule.
// Prices are in fen, of the order of a county's published remote-service prices (远程影像诊断 DR 40 元 … 远程联合会诊
// 300 元); the invited county hospital takes 70 % of an imaging diagnosis, 60 % of an ECG diagnosis and a fixed amount
// of each consultation (the township keeps the rest for the exam and the patient's side of the call).
import { chinaDate, type FeeService, type SplitKind } from '../../shared/billing.ts';
import type { Tx } from '../db/client.ts';

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
