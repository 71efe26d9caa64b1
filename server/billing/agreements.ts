// Cooperation agreements (远程医疗合作协议) and the local price schedule (收费标准). An agreement is between an
// inviting institution (a township health centre: it examines) and an invited one (the county hospital: it
// diagnoses), valid between two China calendar dates (both inclusive; no end date: open-ended), covering services
// each with its price in fen and the invited side's share. Two agreements of one pair never overlap, so at any
// moment at most one is in force (agreementInForce). Finance and administrators edit them; every change is audited.
import {
  agreementInputSchema,
  FEE_SERVICES,
  priceUpdateSchema,
  splitFee,
  type AgreementDto,
  type AgreementInput,
  type FeeService,
  type PriceScheduleItemDto,
  type SplitKind,
} from '../../shared/billing.ts';
import type { Actor } from '../auth/actor.ts';
import { recordAudit } from '../audit/audit.ts';
import type { Db, Prisma, Tx } from '../db/client.ts';
import { HttpError, notFound } from '../http/errors.ts';

// ---- the price schedule ----

/** Every service, with its scheduled price (0 and no date for a service the schedule does not price yet). */
export async function listPrices(db: Db | Tx): Promise<PriceScheduleItemDto[]> {
  const rows = await db.priceScheduleItem.findMany();
  const byService = new Map(rows.map((r) => [r.service, r]));
  return FEE_SERVICES.map((service) => {
    const row = byService.get(service);
    return { service, priceFen: row?.priceFen ?? 0, updatedAt: row?.updatedAt.toISOString() ?? null };
  });
}

export async function schedulePrice(tx: Tx, service: FeeService): Promise<number> {
  return (await tx.priceScheduleItem.findUnique({ where: { service } }))?.priceFen ?? 0;
}

export async function updatePrice(db: Db, actor: Actor, service: FeeService, body: unknown, ip?: string): Promise<PriceScheduleItemDto[]> {
  const { priceFen } = priceUpdateSchema.parse(body);
  await db.$transaction(async (tx) => {
    const before = await tx.priceScheduleItem.findUnique({ where: { service } });
    await tx.priceScheduleItem.upsert({
      where: { service },
      create: { service, priceFen, updatedById: actor.id },
      update: { priceFen, updatedById: actor.id },
    });
    await recordAudit(tx, {
      actorId: actor.id,
      action: 'billing.price_update',
      entityType: 'PriceScheduleItem',
      entityId: service,
      ip,
      details: { service, from: before?.priceFen ?? null, to: priceFen },
    });
  });
  return listPrices(db);
}

// ---- agreements ----

const include = { services: true } satisfies Prisma.AgreementInclude;
type AgreementRow = Prisma.AgreementGetPayload<{ include: typeof include }>;

export async function listAgreements(db: Db): Promise<AgreementDto[]> {
  const rows = await db.agreement.findMany({ include, orderBy: [{ validFrom: 'desc' }, { createdAt: 'desc' }] });
  return toDtos(db, rows);
}

export async function getAgreement(db: Db, id: string): Promise<AgreementDto> {
  const row = await db.agreement.findUnique({ where: { id }, include });
  if (!row) throw notFound('agreement');
  return (await toDtos(db, [row]))[0]!;
}

export async function createAgreement(db: Db, actor: Actor, body: AgreementInput, ip?: string): Promise<AgreementDto> {
  const input = agreementInputSchema.parse(body);
  const id = await db.$transaction(async (tx) => {
    await checkParties(tx, input);
    await assertNoOverlap(tx, input, null);
    const row = await tx.agreement.create({
      data: { ...agreementColumns(input), createdById: actor.id, services: { create: input.services } },
    });
    await recordAudit(tx, {
      actorId: actor.id,
      action: 'billing.agreement_create',
      entityType: 'Agreement',
      entityId: row.id,
      ip,
      details: input,
    });
    return row.id;
  });
  return getAgreement(db, id);
}

/**
 * Changes an agreement (its dates, services, prices, splits). Entries already written keep what they were billed;
 * a later correction of their source (an amendment) bills the difference against the agreement as it is then
 * (billing/fees.ts), in the first month not locked.
 */
export async function updateAgreement(db: Db, actor: Actor, id: string, body: AgreementInput, ip?: string): Promise<AgreementDto> {
  const input = agreementInputSchema.parse(body);
  await db.$transaction(async (tx) => {
    const before = await tx.agreement.findUnique({ where: { id }, include });
    if (!before) throw notFound('agreement');
    await checkParties(tx, input);
    await assertNoOverlap(tx, input, id);
    await tx.agreementService.deleteMany({ where: { agreementId: id } });
    await tx.agreement.update({ where: { id }, data: { ...agreementColumns(input), services: { create: input.services } } });
    await recordAudit(tx, {
      actorId: actor.id,
      action: 'billing.agreement_update',
      entityType: 'Agreement',
      entityId: id,
      ip,
      details: { before: { ...agreementColumns(before), services: before.services.map(serviceColumns) }, after: input },
    });
  });
  return getAgreement(db, id);
}

function agreementColumns(a: Pick<AgreementInput, 'title' | 'invitingOrgId' | 'invitedOrgId' | 'validFrom' | 'validTo'>) {
  return { title: a.title, invitingOrgId: a.invitingOrgId, invitedOrgId: a.invitedOrgId, validFrom: a.validFrom, validTo: a.validTo };
}

function serviceColumns(s: { service: string; priceFen: number; splitKind: string; splitValue: number }) {
  return { service: s.service, priceFen: s.priceFen, splitKind: s.splitKind, splitValue: s.splitValue };
}

/** The inviting side examines (a township health centre), the invited side diagnoses (the county hospital). */
async function checkParties(tx: Tx, input: AgreementInput): Promise<void> {
  const orgs = await tx.organization.findMany({ where: { id: { in: [input.invitingOrgId, input.invitedOrgId] } } });
  const inviting = orgs.find((o) => o.id === input.invitingOrgId);
  const invited = orgs.find((o) => o.id === input.invitedOrgId);
  if (!inviting || !invited) throw new HttpError(400, 'UNKNOWN_ORGANIZATION', 'no such institution');
  // a village clinic's exams are billed through its township (billing/fees.ts), so it signs no agreement of its own
  if (inviting.kind !== 'TOWNSHIP_CENTRE' || invited.kind !== 'COUNTY_HOSPITAL') {
    throw new HttpError(400, 'WRONG_PARTIES', 'the inviting side is a township health centre, the invited side the county hospital');
  }
}

async function assertNoOverlap(tx: Tx, input: AgreementInput, exceptId: string | null): Promise<void> {
  const clash = await tx.agreement.findFirst({
    where: {
      invitingOrgId: input.invitingOrgId,
      invitedOrgId: input.invitedOrgId,
      ...(exceptId ? { id: { not: exceptId } } : {}),
      // [a.from, a.to] and [input.from, input.to] overlap (a null end runs on)
      ...(input.validTo ? { validFrom: { lte: input.validTo } } : {}),
      OR: [{ validTo: null }, { validTo: { gte: input.validFrom } }],
    },
  });
  if (clash) {
    throw new HttpError(
      409,
      'AGREEMENT_OVERLAP',
      `the two institutions already have an agreement for part of that period (${clash.title})`,
      {
        agreementId: clash.id,
      },
    );
  }
}

/** The pair's agreement in force on a China calendar date (YYYY-MM-DD), with its services; null if none. */
export function agreementInForce(tx: Tx, invitingOrgId: string, invitedOrgId: string, date: string) {
  return tx.agreement.findFirst({
    where: { invitingOrgId, invitedOrgId, validFrom: { lte: date }, OR: [{ validTo: null }, { validTo: { gte: date } }] },
    include,
  });
}

async function toDtos(db: Db, rows: AgreementRow[]): Promise<AgreementDto[]> {
  const names = await orgNames(
    db,
    rows.flatMap((r) => [r.invitingOrgId, r.invitedOrgId]),
  );
  return rows.map((r) => ({
    id: r.id,
    title: r.title,
    inviting: { id: r.invitingOrgId, name: names.get(r.invitingOrgId) ?? '' },
    invited: { id: r.invitedOrgId, name: names.get(r.invitedOrgId) ?? '' },
    validFrom: r.validFrom,
    validTo: r.validTo,
    services: [...r.services]
      .sort((a, b) => FEE_SERVICES.indexOf(a.service as FeeService) - FEE_SERVICES.indexOf(b.service as FeeService))
      .map((s) => ({
        service: s.service as FeeService,
        priceFen: s.priceFen,
        splitKind: s.splitKind as SplitKind,
        splitValue: s.splitValue,
        ...splitFee(s.priceFen, { splitKind: s.splitKind as SplitKind, splitValue: s.splitValue }),
      })),
    createdAt: r.createdAt.toISOString(),
    updatedAt: r.updatedAt.toISOString(),
  }));
}

export async function orgNames(db: Db | Tx, ids: string[]): Promise<Map<string, string>> {
  const rows = await db.organization.findMany({ where: { id: { in: [...new Set(ids)] } }, select: { id: true, name: true } });
  return new Map(rows.map((o) => [o.id, o.name]));
}
