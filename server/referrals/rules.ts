// The consortium's referral rules (转诊规则) and the county's departments: which department takes upward
// referrals from which township (UP), sends patients down to it (DOWN), and receives green-channel referrals for
// which exam kinds. Administrators edit them (audited); the referral service asks allowsReferral and
// greenChannelDepartment inside its transactions.
import {
  departmentInputSchema,
  referralRuleInputSchema,
  type DepartmentDto,
  type ReferralDirection,
  type ReferralRuleDto,
  type ReferralRuleInput,
} from '../../shared/referrals.ts';
import type { PersonRef } from '../../shared/consult.ts';
import { TOWNSHIP_ROLES, type ExamKind } from '../../shared/domain.ts';
import type { z } from 'zod';
import type { Actor } from '../auth/actor.ts';
import { recordAudit } from '../audit/audit.ts';
import { isUniqueViolation, type Db, type Prisma, type Tx } from '../db/client.ts';
import { HttpError, notFound } from '../http/errors.ts';

// ---- departments ----

const departmentInclude = {
  coordinators: { include: { user: { select: { id: true, displayName: true } } }, orderBy: { userId: 'asc' } },
} satisfies Prisma.DepartmentInclude;

function toDepartmentDto(row: Prisma.DepartmentGetPayload<{ include: typeof departmentInclude }>): DepartmentDto {
  return { id: row.id, code: row.code, name: row.name, active: row.active, coordinators: row.coordinators.map((c) => c.user) };
}

/**
 * The departments: active ones for everybody, inactive ones too for administrators. `referrable` (the township's
 * referral form): for township staff only those an active UP rule lets take referrals from their organization.
 */
export async function listDepartments(db: Db, actor: Actor, { referrable = false } = {}): Promise<DepartmentDto[]> {
  const township = referrable && TOWNSHIP_ROLES.includes(actor.role);
  const rows = await db.department.findMany({
    where: {
      ...(actor.role === 'ADMIN' ? {} : { active: true }),
      ...(township && {
        rules: { some: { direction: 'UP', active: true, OR: [{ townshipId: null }, { townshipId: actor.organizationId }] } },
      }),
    },
    include: departmentInclude,
    orderBy: [{ code: 'asc' }],
  });
  return rows.map(toDepartmentDto);
}

/** The users who may coordinate a department (the REFERRAL_COORDINATOR role), by name: the administrator's choice. */
export async function listCoordinators(db: Db): Promise<PersonRef[]> {
  return db.user.findMany({
    where: { role: 'REFERRAL_COORDINATOR' },
    select: { id: true, displayName: true },
    orderBy: [{ displayName: 'asc' }, { id: 'asc' }],
  });
}

type DepartmentInput = z.input<typeof departmentInputSchema>;

export async function saveDepartment(db: Db, actor: Actor, id: string | null, body: DepartmentInput, ip?: string): Promise<DepartmentDto> {
  const input = departmentInputSchema.parse(body);
  try {
    return await db.$transaction(async (tx) => {
      const coordinators = await tx.user.findMany({ where: { id: { in: input.coordinatorIds }, role: 'REFERRAL_COORDINATOR' } });
      if (coordinators.length !== new Set(input.coordinatorIds).size) {
        throw new HttpError(400, 'NOT_A_COORDINATOR', 'every coordinator must be a user with the REFERRAL_COORDINATOR role');
      }
      const county = await tx.organization.findFirst({ where: { kind: 'COUNTY_HOSPITAL' }, orderBy: { createdAt: 'asc' } });
      if (!county) throw new HttpError(409, 'NO_COUNTY_HOSPITAL', 'the consortium has no county hospital');
      const data = { code: input.code, name: input.name, active: input.active };
      let departmentId = id;
      if (id) {
        if (!(await tx.department.findUnique({ where: { id } }))) throw notFound('department');
        await tx.department.update({ where: { id }, data });
        await tx.departmentCoordinator.deleteMany({ where: { departmentId: id } });
      } else {
        departmentId = (await tx.department.create({ data: { ...data, organizationId: county.id } })).id;
      }
      await tx.departmentCoordinator.createMany({ data: coordinators.map((u) => ({ departmentId: departmentId!, userId: u.id })) });
      await recordAudit(tx, {
        actorId: actor.id,
        action: id ? 'referral.department_update' : 'referral.department_create',
        entityType: 'Department',
        entityId: departmentId!,
        ip,
        details: input,
      });
      return toDepartmentDto(await tx.department.findUniqueOrThrow({ where: { id: departmentId! }, include: departmentInclude }));
    });
  } catch (error) {
    if (isUniqueViolation(error)) throw new HttpError(409, 'DEPARTMENT_CODE_TAKEN', 'another department has this code');
    throw error;
  }
}

// ---- rules ----

const ruleInclude = {
  department: { select: { id: true, name: true } },
  township: { select: { id: true, name: true } },
} satisfies Prisma.ReferralRuleInclude;

function toRuleDto(row: Prisma.ReferralRuleGetPayload<{ include: typeof ruleInclude }>): ReferralRuleDto {
  return {
    id: row.id,
    department: row.department,
    direction: row.direction as ReferralDirection,
    township: row.township,
    examKind: row.examKind as ExamKind | null,
    greenChannel: row.greenChannel,
    active: row.active,
    note: row.note,
  };
}

export async function listReferralRules(db: Db): Promise<ReferralRuleDto[]> {
  const rows = await db.referralRule.findMany({ include: ruleInclude, orderBy: [{ active: 'desc' }, { createdAt: 'asc' }, { id: 'asc' }] });
  return rows.map(toRuleDto);
}

export async function saveReferralRule(
  db: Db,
  actor: Actor,
  id: string | null,
  body: ReferralRuleInput,
  ip?: string,
): Promise<ReferralRuleDto> {
  const input = referralRuleInputSchema.parse(body);
  return db.$transaction(async (tx) => {
    if (!(await tx.department.findUnique({ where: { id: input.departmentId } }))) {
      throw new HttpError(400, 'UNKNOWN_DEPARTMENT', 'no such department');
    }
    if (input.townshipId) {
      const township = await tx.organization.findUnique({ where: { id: input.townshipId } });
      if (!township || township.kind === 'COUNTY_HOSPITAL') throw new HttpError(400, 'UNKNOWN_TOWNSHIP', 'no such township');
    }
    if (input.greenChannel && input.direction !== 'UP') {
      throw new HttpError(400, 'GREEN_CHANNEL_IS_UPWARD', 'the green channel refers patients up');
    }
    const before = id ? await tx.referralRule.findUnique({ where: { id } }) : null;
    if (id && !before) throw notFound('referral rule');
    const row = id
      ? await tx.referralRule.update({ where: { id }, data: input, include: ruleInclude })
      : await tx.referralRule.create({ data: input, include: ruleInclude });
    await recordAudit(tx, {
      actorId: actor.id,
      action: id ? 'referral.rule_update' : 'referral.rule_create',
      entityType: 'ReferralRule',
      entityId: row.id,
      ip,
      details: id ? { before, after: input } : input,
    });
    return toRuleDto(row);
  });
}

/** An active rule lets this department exchange referrals of this direction with this township. */
export async function allowsReferral(
  tx: Tx,
  { departmentId, direction, townshipId }: { departmentId: string; direction: ReferralDirection; townshipId: string },
): Promise<boolean> {
  const rule = await tx.referralRule.findFirst({
    where: {
      departmentId,
      direction,
      active: true,
      department: { active: true },
      OR: [{ townshipId: null }, { townshipId }],
    },
    select: { id: true },
  });
  return rule !== null;
}

/**
 * The department a green-channel referral of this township's exam goes to: the most specific active green-channel
 * rule (the township's own over all townships', then the exam kind's over any kind's; ties: the older rule).
 */
export async function greenChannelDepartment(tx: Tx, townshipId: string, examKind: string): Promise<string> {
  const rules = await tx.referralRule.findMany({
    where: {
      direction: 'UP',
      greenChannel: true,
      active: true,
      department: { active: true },
      AND: [{ OR: [{ townshipId: null }, { townshipId }] }, { OR: [{ examKind: null }, { examKind }] }],
    },
    orderBy: [{ createdAt: 'asc' }, { id: 'asc' }],
    select: { departmentId: true, townshipId: true, examKind: true },
  });
  const score = (r: (typeof rules)[number]) => (r.townshipId ? 2 : 0) + (r.examKind ? 1 : 0);
  const best = rules.reduce<(typeof rules)[number] | null>((b, r) => (!b || score(r) > score(b) ? r : b), null);
  if (!best) {
    throw new HttpError(409, 'NO_GREEN_CHANNEL_DEPARTMENT', `no department receives green-channel referrals of ${examKind} exams`);
  }
  return best.departmentId;
}
