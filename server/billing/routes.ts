// /api/price-schedule, /api/agreements, /api/settlements: the consortium's finance office (FINANCE) and
// administrators keep the prices and agreements and read the monthly settlements; finance reviews and locks them.
import { z } from 'zod';
import {
  agreementDtoSchema,
  agreementInputSchema,
  feeServiceSchema,
  monthSchema,
  priceScheduleItemDtoSchema,
  priceUpdateSchema,
  settlementListQuerySchema,
  settlementStatementDtoSchema,
  settlementSummaryDtoSchema,
  type SettlementStatementDto,
} from '../../shared/billing.ts';
import type { Actor } from '../auth/actor.ts';
import { recordAudit } from '../audit/audit.ts';
import type { AppContext } from '../context.ts';
import { route } from '../http/route-spec.ts';
import { createAgreement, getAgreement, listAgreements, listPrices, updateAgreement, updatePrice } from './agreements.ts';
import { getStatement, listSettlements, moveSettlement, type Pair } from './settlements.ts';
import { statementPdf, statementXlsx } from './statement-export.ts';

const FINANCE_READERS = ['FINANCE', 'ADMIN'] as const;
const SETTLEMENT_PATH = '/settlements/:month/:invitingOrgId/:invitedOrgId';

/** The month and pair of a settlement path (a malformed month is 400 VALIDATION_FAILED). */
function settlementOf(params: Record<string, string>): { month: string; pair: Pair } {
  return { month: monthSchema.parse(params.month), pair: { invitingOrgId: params.invitingOrgId!, invitedOrgId: params.invitedOrgId! } };
}

const XLSX_TYPE = 'application/vnd.openxmlformats-officedocument.spreadsheetml.sheet';

async function exportStatement(
  ctx: AppContext,
  actor: Actor,
  params: Record<string, string>,
  format: 'xlsx' | 'pdf',
  ip: string | undefined,
): Promise<{ statement: SettlementStatementDto; bytes: Buffer }> {
  const { month, pair } = settlementOf(params);
  const statement = await getStatement(ctx.db, month, pair);
  const bytes = format === 'xlsx' ? await statementXlsx(statement) : await statementPdf(statement);
  await recordAudit(ctx.db, {
    actorId: actor.id,
    action: 'billing.statement_export',
    entityType: 'Settlement',
    entityId: null,
    ip,
    details: { month, ...pair, format, entries: statement.entries.length },
  });
  return { statement, bytes };
}

export const billingRoutes = [
  route({
    method: 'get',
    path: '/price-schedule',
    summary: 'The local price schedule: one price per service, in fen (finance, administrators)',
    access: [...FINANCE_READERS],
    ok: { status: 200, description: 'every service with its price', schema: z.array(priceScheduleItemDtoSchema) },
    handle: ({ ctx }) => listPrices(ctx.db),
  }),
  route({
    method: 'put',
    path: '/price-schedule/:service',
    summary: "Set a service's scheduled price in fen (finance, administrators)",
    access: [...FINANCE_READERS],
    body: priceUpdateSchema,
    ok: { status: 200, description: 'the whole schedule', schema: z.array(priceScheduleItemDtoSchema) },
    handle: ({ ctx, actor, params, body, ip }) => updatePrice(ctx.db, actor, feeServiceSchema.parse(params.service), body, ip),
  }),
  route({
    method: 'get',
    path: '/agreements',
    summary: 'Cooperation agreements between townships and the county hospital (finance, administrators)',
    access: [...FINANCE_READERS],
    ok: { status: 200, description: 'the agreements, the latest start first', schema: z.array(agreementDtoSchema) },
    handle: ({ ctx }) => listAgreements(ctx.db),
  }),
  route({
    method: 'post',
    path: '/agreements',
    summary: 'Add an agreement: parties, validity, services with price and split (finance, administrators)',
    access: [...FINANCE_READERS],
    body: agreementInputSchema,
    ok: { status: 201, description: 'the agreement', schema: agreementDtoSchema },
    errors: [409],
    handle: ({ ctx, actor, body, ip }) => createAgreement(ctx.db, actor, body, ip),
  }),
  route({
    method: 'get',
    path: '/agreements/:id',
    summary: 'One agreement (finance, administrators)',
    access: [...FINANCE_READERS],
    ok: { status: 200, description: 'the agreement', schema: agreementDtoSchema },
    handle: ({ ctx, params }) => getAgreement(ctx.db, params.id!),
  }),
  route({
    method: 'put',
    path: '/agreements/:id',
    summary: 'Change an agreement (finance, administrators); billed entries keep their terms',
    access: [...FINANCE_READERS],
    body: agreementInputSchema,
    ok: { status: 200, description: 'the agreement', schema: agreementDtoSchema },
    errors: [409],
    handle: ({ ctx, actor, params, body, ip }) => updateAgreement(ctx.db, actor, params.id!, body, ip),
  }),
  route({
    method: 'get',
    path: '/settlements',
    summary: "A month's settlements (?month=YYYY-MM): each pair of institutions with its totals in fen and status",
    access: [...FINANCE_READERS],
    query: settlementListQuerySchema,
    ok: { status: 200, description: 'the settlements of the month', schema: z.array(settlementSummaryDtoSchema) },
    handle: ({ ctx, query }) => listSettlements(ctx.db, query.month),
  }),
  route({
    method: 'get',
    path: SETTLEMENT_PATH,
    summary: "One pair's statement of a month: its entries and totals per service (finance, administrators)",
    access: [...FINANCE_READERS],
    ok: { status: 200, description: 'the statement', schema: settlementStatementDtoSchema },
    handle: ({ ctx, params }) => {
      const { month, pair } = settlementOf(params);
      return getStatement(ctx.db, month, pair);
    },
  }),
  route({
    method: 'post',
    path: `${SETTLEMENT_PATH}/review`,
    summary: 'Finance: mark the statement reviewed (审核) as it stands',
    access: ['FINANCE'],
    ok: { status: 200, description: 'the statement', schema: settlementStatementDtoSchema },
    errors: [409],
    handle: ({ ctx, actor, params, ip }) => {
      const { month, pair } = settlementOf(params);
      return moveSettlement(ctx.db, actor, 'review', month, pair, ip);
    },
  }),
  route({
    method: 'post',
    path: `${SETTLEMENT_PATH}/lock`,
    summary: 'Finance: lock (锁定) the reviewed month; later corrections count in the next open month',
    access: ['FINANCE'],
    ok: { status: 200, description: 'the statement', schema: settlementStatementDtoSchema },
    errors: [409],
    handle: ({ ctx, actor, params, ip }) => {
      const { month, pair } = settlementOf(params);
      return moveSettlement(ctx.db, actor, 'lock', month, pair, ip);
    },
  }),
  route({
    method: 'get',
    path: `${SETTLEMENT_PATH}/statement.xlsx`,
    summary: 'The statement as an XLSX workbook (finance, administrators)',
    access: [...FINANCE_READERS],
    ok: { status: 200, description: 'the workbook', contentType: XLSX_TYPE },
    handle: async ({ ctx, actor, params, res, ip }) => {
      const { statement, bytes } = await exportStatement(ctx, actor, params, 'xlsx', ip);
      sendFile(res, XLSX_TYPE, `settlement-${statement.summary.month}.xlsx`, bytes);
    },
  }),
  route({
    method: 'get',
    path: `${SETTLEMENT_PATH}/statement.pdf`,
    summary: 'The statement as a PDF, in Chinese (finance, administrators)',
    access: [...FINANCE_READERS],
    ok: { status: 200, description: 'the statement to print', contentType: 'application/pdf' },
    handle: async ({ ctx, actor, params, res, ip }) => {
      const { statement, bytes } = await exportStatement(ctx, actor, params, 'pdf', ip);
      sendFile(res, 'application/pdf', `settlement-${statement.summary.month}.pdf`, bytes);
    },
  }),
];

function sendFile(res: import('express').Response, type: string, name: string, bytes: Buffer): void {
  res.setHeader('Content-Type', type);
  res.setHeader('Content-Disposition', `attachment; filename="${name}"`);
  res.setHeader('Cache-Control', 'private, no-cache');
  res.end(bytes);
}
