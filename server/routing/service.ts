// Routing rules: list and edit them (administrators), and route a case on submission.
import type { RoutingRuleDto } from '../../shared/api.ts';
import { routingRuleInputSchema, type RoutingRuleInput } from '../../shared/api.ts';
import type { ExamKind } from '../../shared/domain.ts';
import type { Actor } from '../auth/actor.ts';
import { recordAudit } from '../audit/audit.ts';
import type { Db, Prisma, Tx } from '../db/client.ts';
import { HttpError, notFound } from '../http/errors.ts';
import { assertIdentityResolved } from '../cases/identity.ts';
import { pickRule } from './rules.ts';

const include = { centre: true, originOrg: true, _count: { select: { cases: true } } } satisfies Prisma.RoutingRuleInclude;

export async function listRules(db: Db): Promise<RoutingRuleDto[]> {
  const rows = await db.routingRule.findMany({ include, orderBy: [{ active: 'desc' }, { createdAt: 'asc' }] });
  return rows.map(toDto);
}

export async function createRule(db: Db, actor: Actor, body: RoutingRuleInput, ip?: string): Promise<RoutingRuleDto> {
  const input = routingRuleInputSchema.parse(body);
  return db.$transaction(async (tx) => {
    await checkReferences(tx, input);
    const row = await tx.routingRule.create({ data: input, include });
    await recordAudit(tx, {
      actorId: actor.id,
      action: 'routing.rule_create',
      entityType: 'RoutingRule',
      entityId: row.id,
      ip,
      details: input,
    });
    return toDto(row);
  });
}

export async function updateRule(db: Db, actor: Actor, id: string, body: RoutingRuleInput, ip?: string): Promise<RoutingRuleDto> {
  const input = routingRuleInputSchema.parse(body);
  return db.$transaction(async (tx) => {
    const before = await tx.routingRule.findUnique({ where: { id } });
    if (!before) throw notFound('routing rule');
    await checkReferences(tx, input);
    const row = await tx.routingRule.update({ where: { id }, data: input, include });
    await recordAudit(tx, {
      actorId: actor.id,
      action: 'routing.rule_update',
      entityType: 'RoutingRule',
      entityId: id,
      ip,
      details: { before, after: input },
    });
    return toDto(row);
  });
}

/** The centre must read the exam kind the rule routes, and the township must exist. */
async function checkReferences(tx: Tx, input: ReturnType<typeof routingRuleInputSchema.parse>): Promise<void> {
  const centre = await tx.readingCentre.findUnique({ where: { id: input.centreId } });
  if (!centre) throw new HttpError(400, 'UNKNOWN_CENTRE', 'no such reading centre');
  if (input.examKind && !centre.examKinds.split(',').includes(input.examKind)) {
    throw new HttpError(400, 'CENTRE_DOES_NOT_READ_EXAM_KIND', `${centre.name} does not read ${input.examKind} exams`, {
      centre: centre.name,
      examKind: input.examKind,
    });
  }
  if (input.originOrgId && !(await tx.organization.findUnique({ where: { id: input.originOrgId } }))) {
    throw new HttpError(400, 'UNKNOWN_ORGANIZATION', 'no such organization');
  }
}

/** The centre and rule for a case about to be submitted, or 409 when no active rule matches. */
/**
 * What a submission checks and sets, whoever submits (the township's staff, or a device's MPPS "completed" where
 * the township wants that): at least one file, then the routed centre and rule.
 */
export async function prepareSubmission(tx: Tx, caseId: string): Promise<{ centreId: string; routingRuleId: string }> {
  await assertReadyToSend(tx, caseId);
  return routeCase(tx, caseId);
}

/**
 * What a submission and a resubmission (after a return, whose files may have been removed) both need: files, and
 * none of another patient that the technician has not confirmed (IDENTITY_MISMATCH).
 */
export async function assertReadyToSend(tx: Tx, caseId: string): Promise<void> {
  const c = await tx.case.findUniqueOrThrow({
    where: { id: caseId },
    select: { _count: { select: { studies: true, attachments: true } } },
  });
  if (c._count.studies + c._count.attachments === 0) {
    throw new HttpError(409, 'NO_FILES', 'upload at least one file before submitting');
  }
  await assertIdentityResolved(tx, caseId);
}

export async function routeCase(tx: Tx, caseId: string): Promise<{ centreId: string; routingRuleId: string }> {
  const kase = await tx.case.findUniqueOrThrow({
    where: { id: caseId },
    select: { examKind: true, originOrgId: true, studies: { select: { series: { select: { modality: true } } } } },
  });
  const modalities = kase.studies.flatMap((s) => s.series.map((se) => se.modality).filter((m): m is string => !!m));
  const rules = await tx.routingRule.findMany({ where: { active: true } });
  const rule = pickRule(rules, { examKind: kase.examKind as ExamKind, originOrgId: kase.originOrgId, modalities });
  if (!rule) throw new HttpError(409, 'NO_ROUTE', `no routing rule sends ${kase.examKind} exams to a reading centre`);
  return { centreId: rule.centreId, routingRuleId: rule.id };
}

function toDto(row: Prisma.RoutingRuleGetPayload<{ include: typeof include }>): RoutingRuleDto {
  return {
    id: row.id,
    examKind: row.examKind as ExamKind | null,
    modality: row.modality,
    originOrg: row.originOrg ? { id: row.originOrg.id, name: row.originOrg.name } : null,
    centre: { id: row.centre.id, name: row.centre.name },
    active: row.active,
    note: row.note,
    caseCount: row._count.cases,
  };
}
