// Reports: drafts written by the claiming reader, signing (password re-entered; the fee is charged in the same
// transaction, billing/fees.ts), amendments as new signed
// versions (a critical finding flagged on the case: critical-values.ts), and returning a case for a retake. Two-level
// reporting (书写 → 审核): the writer hands a preliminary report in, a second reader allowed to sign reviews it (edits,
// signs, or returns it to the writer with a note). Status changes go through the case state machine; a report row
// is never changed once signed.
import type { CaseReportDto, EcgReportFields, ReportDto } from '../../shared/reports.ts';
import {
  amendReportSchema,
  ecgReportFieldsSchema,
  qualityReturnSchema,
  reportDraftSchema,
  returnToWriterSchema,
  signReportSchema,
} from '../../shared/reports.ts';
import { HELD_STATUSES, reviewRequired, type CaseStatus } from '../../shared/case-status.ts';
import { TOWNSHIP_ROLES } from '../../shared/domain.ts';
import type { Actor } from '../auth/actor.ts';
import { recordAudit } from '../audit/audit.ts';
import { verifyPassword } from '../auth/passwords.ts';
import { caseScope, townshipWriteScope } from '../cases/access.ts';
import { transitionCase, type CaseMover, type CurrentCase } from '../cases/lifecycle.ts';
import type { Config } from '../config.ts';
import { leaseFor } from '../reading/claims.ts';
import type { Db, Prisma, Provider, Tx } from '../db/client.ts';
import { rollUpCriticalAdded, rollUpSignature } from '../dashboard/rollup.ts';
import type { SlaPolicy } from '../reading/sla.ts';
import { forbidden, HttpError, notFound } from '../http/errors.ts';
import { centreScope } from '../cases/access.ts';
import { assertReadyToSend, routeCase } from '../routing/service.ts';
import { queueHisDelivery, type HisOutboxConfig } from '../fhir/outbox-queue.ts';
import { chargeReport, reviseReport } from '../billing/fees.ts';
import { criticalValueSelect, newCriticalFlag, toCriticalValue } from './critical-values.ts';

/**
 * Signing and amending move the case and, in the same transaction, queue the report for the HIS when one is
 * configured and count the signature in the dashboard's rollup (on time by the SLA in force).
 */
export type ReportMover = CaseMover & HisOutboxConfig & { provider: Provider; config: { sla: SlaPolicy } };

const include = {
  author: { select: { id: true, displayName: true } },
  signedBy: { select: { id: true, displayName: true } },
} satisfies Prisma.ReportInclude;
type ReportRow = Prisma.ReportGetPayload<{ include: typeof include }>;

export async function getCaseReport(db: Db, actor: Actor, caseId: string): Promise<CaseReportDto> {
  const kase = await db.case.findFirst({
    where: { AND: [{ id: caseId }, caseScope(actor)] },
    select: criticalValueSelect,
  });
  if (!kase) throw notFound('case');
  // the township sees what was signed, never a reader's draft
  const visible: Prisma.ReportWhereInput = TOWNSHIP_ROLES.includes(actor.role) ? { status: { not: 'DRAFT' } } : {};
  const rows = await db.report.findMany({ where: { caseId, ...visible }, include, orderBy: { version: 'desc' } });
  const current = rows.find((r) => r.status !== 'SUPERSEDED') ?? null;
  return {
    current: current ? toDto(current) : null,
    history: rows.filter((r) => r.status === 'SUPERSEDED').map(toDto),
    critical: toCriticalValue(kase),
  };
}

/** Saves the claiming reader's draft (autosave): creates it on first save, updates it afterwards. */
export async function saveDraft(db: Db, actor: Actor, caseId: string, body: unknown): Promise<ReportDto> {
  const input = reportDraftSchema.parse(body);
  return db.$transaction(async (tx) => {
    const status = await holdingCase(tx, actor, caseId);
    await checkKeyImages(tx, caseId, input.keyImageIds);
    const data = storedReportBody(input);
    const draft = await tx.report.findFirst({ where: { caseId, status: 'DRAFT' } });
    // a reviewer's corrections leave the report its writer's (书写医师); they sign it as 审核医师
    const author = status === 'REVIEWING' ? {} : { authorId: actor.id };
    const row = draft
      ? await tx.report.update({ where: { id: draft.id }, data: { ...data, ...author }, include })
      : await tx.report.create({
          data: { ...data, caseId, version: await nextVersion(tx, caseId), status: 'DRAFT', authorId: actor.id },
          include,
        });
    return toDto(row);
  });
}

export async function signReport(mover: ReportMover, actor: Actor, caseId: string, body: unknown, ip?: string): Promise<void> {
  const { password } = signReportSchema.parse(body);
  await checkSigner(mover.db, actor, password, { caseId, event: 'sign', ip });
  const now = new Date();
  await transitionCase(mover, {
    caseId,
    event: 'sign',
    actor,
    scope: centreScope(actor),
    ip,
    expect: { claimedById: actor.id },
    prepare: async (tx, current) => {
      if (current.claimedById !== actor.id) throw forbidden('only the reader holding the case signs its report');
      if (current.status === 'CLAIMED' && reviewRequired(current.reviewExamKinds, current.examKind))
        throw new HttpError(409, 'SECOND_READER_REQUIRED', 'this centre has these reports reviewed: submit it for review');
      const draft = await writtenDraft(tx, caseId);
      await tx.report.update({ where: { id: draft.id }, data: { status: 'SIGNED', signedById: actor.id, signedAt: now } });
      await queueHisDelivery(tx, mover, { caseId, reportId: draft.id, event: 'sign' });
      await chargeReport(tx, { caseId, reportVersion: draft.version, at: now, actorId: actor.id });
      return {
        signedAt: now,
        leaseExpiresAt: null,
        ...(draft.criticalFinding ? newCriticalFlag(now) : {}),
      };
    },
    // the first signature (sign moves only to SIGNED, once; an amendment keeps this signedAt)
    after: (tx) => rollUpSignature(tx, mover.provider, mover.config.sla, caseId),
  });
}

/** The writer hands the draft in for review: the case leaves their hands and waits in the centre's review queue. */
export async function submitPreliminary(mover: CaseMover, actor: Actor, caseId: string, ip?: string): Promise<void> {
  await transitionCase(mover, {
    caseId,
    event: 'submitPreliminary',
    actor,
    scope: centreScope(actor),
    ip,
    expect: { claimedById: actor.id },
    prepare: async (tx, current) => {
      if (current.claimedById !== actor.id) throw forbidden('only the reader holding the case submits its report');
      const draft = await writtenDraft(tx, caseId);
      await tx.report.update({ where: { id: draft.id }, data: { authorId: actor.id } });
      // writtenAt is the first hand-in: the review step of the turnaround runs from it, returns included
      return {
        writtenById: actor.id,
        writtenAt: current.writtenAt ?? new Date(),
        claimedById: null,
        claimedAt: null,
        leaseExpiresAt: null,
      };
    },
  });
}

/** The reviewer sends the preliminary report back to its writer, with a note; the writer holds the case again. */
export async function returnToWriter(
  mover: CaseMover & { config: Pick<Config, 'leaseMs'> },
  actor: Actor,
  caseId: string,
  body: unknown,
  ip?: string,
): Promise<void> {
  const { note } = returnToWriterSchema.parse(body);
  await transitionCase(mover, {
    caseId,
    event: 'returnToWriter',
    actor,
    scope: centreScope(actor),
    ip,
    expect: { claimedById: actor.id },
    details: { note },
    prepare: async (_tx, current: CurrentCase) => {
      if (current.claimedById !== actor.id) throw forbidden('only the reviewer holding the case returns it');
      return { ...leaseFor(mover.config, current.writtenById!), reviewNote: note };
    },
  });
}

/**
 * A signed report is amended by the doctor who signed it, or by a supervisor of the case's centre (its reading is
 * their responsibility: a signer who has left, a correction found in review); the audit line says which. Other
 * readers of the centre may not (403), and anyone outside it does not find the case (404).
 */
export async function amendReport(mover: ReportMover, actor: Actor, caseId: string, body: unknown, ip?: string): Promise<void> {
  const { password, reason, ...input } = amendReportSchema.parse(body);
  await checkSigner(mover.db, actor, password, { caseId, event: 'amend', ip });
  const now = new Date();
  // completed by prepare, which reads the signed version inside the move's transaction; transitionCase writes
  // the audit line after prepare
  const details: { reason: string; amendedBy?: 'signer' | 'supervisor' } = { reason };
  // the case's first critical value, flagged by this amendment: counted once in the dashboard's rollup, with a
  // compare-and-set on the flag still being unset (of two racing amendments flagging it, one is 409)
  const expect: Prisma.CaseWhereInput = {};
  let firstCritical = false;
  await transitionCase(mover, {
    caseId,
    event: 'amend',
    actor,
    scope: centreScope(actor),
    ip,
    details,
    expect,
    after: async (tx) => {
      if (firstCritical) await rollUpCriticalAdded(tx, mover.provider, caseId);
    },
    prepare: async (tx) => {
      await checkKeyImages(tx, caseId, input.keyImageIds);
      const signed = await tx.report.findFirstOrThrow({ where: { caseId, status: 'SIGNED' } });
      details.amendedBy = amenderStanding(actor, signed.signedById);
      await tx.report.update({ where: { id: signed.id }, data: { status: 'SUPERSEDED' } });
      const amended = await tx.report.create({
        data: {
          ...storedReportBody(input),
          caseId,
          version: await nextVersion(tx, caseId),
          status: 'SIGNED',
          authorId: actor.id,
          signedById: actor.id,
          signedAt: now,
          amendmentReason: reason,
        },
      });
      await queueHisDelivery(tx, mover, { caseId, reportId: amended.id, event: 'amend' });
      // no second bill: the fee is corrected only if the agreements now price the original signature otherwise
      await reviseReport(tx, { caseId, reportVersion: amended.version, at: now, actorId: actor.id, reason });
      // a critical finding added by an amendment must be acknowledged again
      if (!input.criticalFinding || signed.criticalFinding) return {};
      const { criticalFlaggedAt } = await tx.case.findUniqueOrThrow({ where: { id: caseId }, select: { criticalFlaggedAt: true } });
      if (criticalFlaggedAt === null) [firstCritical, expect.criticalFlaggedAt] = [true, null];
      return newCriticalFlag(now);
    },
  });
}

function amenderStanding(actor: Actor, signedById: string | null): 'signer' | 'supervisor' {
  if (signedById === actor.id) return 'signer';
  // centreScope has already kept the case to the actor's centres
  if (actor.role === 'SUPERVISOR') return 'supervisor';
  throw new HttpError(403, 'NOT_THE_SIGNER', 'only the doctor who signed the report or a supervisor of the centre amends it');
}

/** Images insufficient: the case goes back to the township for a retake, with reason codes (counted per township). */
export async function returnForQuality(mover: CaseMover, actor: Actor, caseId: string, body: unknown, ip?: string): Promise<void> {
  const { codes, note } = qualityReturnSchema.parse(body);
  await transitionCase(mover, {
    caseId,
    event: 'returnForQuality',
    actor,
    scope: centreScope(actor),
    ip,
    expect: { claimedById: actor.id },
    details: { codes, note },
    prepare: async (tx, current) => {
      if (current.claimedById !== actor.id) throw forbidden('only the reader holding the case returns it');
      await tx.report.deleteMany({ where: { caseId, status: 'DRAFT' } }); // a draft about insufficient images is moot
      return {
        returnCount: { increment: 1 },
        returnedAt: new Date(),
        returnCodes: JSON.stringify(codes),
        returnNote: note,
        claimedById: null,
        claimedAt: null,
        leaseExpiresAt: null,
      };
    },
  });
}

/** The township sends a returned case again, after removing and uploading the retaken images; it is routed anew. */
export async function resubmit(mover: CaseMover, actor: Actor, caseId: string, ip?: string): Promise<void> {
  const scope = townshipWriteScope(actor);
  if (!scope) throw notFound('case');
  await transitionCase(mover, {
    caseId,
    event: 'resubmit',
    actor,
    scope,
    ip,
    // a new submission: the SLA clock starts again
    prepare: async (tx) => {
      await assertReadyToSend(tx, caseId);
      return { ...(await routeCase(tx, caseId)), submittedAt: new Date(), overdueNotifiedAt: null };
    },
  });
}

/** Returns for a retake, per sending organization (quality control): a supervisor's centres' cases, or all (admin). */
export async function qualityReturns(db: Db, actor: Actor): Promise<{ organization: { id: string; name: string }; returns: number }[]> {
  const groups = await db.case.groupBy({
    by: ['originOrgId'],
    where: { AND: [centreScope(actor), { returnCount: { gt: 0 } }] },
    _sum: { returnCount: true },
  });
  const orgs = await db.organization.findMany({ where: { id: { in: groups.map((g) => g.originOrgId) } } });
  return groups
    .map((g) => ({
      organization: { id: g.originOrgId, name: orgs.find((o) => o.id === g.originOrgId)?.name ?? '' },
      returns: g._sum.returnCount ?? 0,
    }))
    .sort((x, y) => y.returns - x.returns);
}

/** The case's status, when the actor holds it (to write, or to review); else 409. */
async function holdingCase(tx: Tx, actor: Actor, caseId: string): Promise<CaseStatus> {
  const kase = await tx.case.findFirst({
    where: { AND: [{ id: caseId }, centreScope(actor)] },
    select: { status: true, claimedById: true },
  });
  if (!kase) throw notFound('case');
  const status = kase.status as CaseStatus;
  if (!HELD_STATUSES.includes(status) || kase.claimedById !== actor.id)
    throw new HttpError(409, 'NOT_CLAIMED_BY_YOU', 'claim the case before writing its report');
  return status;
}

/** The draft, with at least an impression: what is signed or handed in for review. */
async function writtenDraft(tx: Tx, caseId: string) {
  const draft = await tx.report.findFirst({ where: { caseId, status: 'DRAFT' } });
  if (!draft || !draft.impression.trim()) throw new HttpError(409, 'NO_REPORT', 'write the report (at least an impression) first');
  return draft;
}

/**
 * Signing needs the right to sign and the password typed again (someone else at an unlocked screen cannot). A wrong
 * password is audited (`case.sign_failed`, `case.amend_failed`): an administrator looks for someone trying a
 * colleague's signature, which the guessing limit (auth/throttle.ts) only slows down.
 */
async function checkSigner(
  db: Db,
  actor: Actor,
  password: string,
  attempt: { caseId: string; event: 'sign' | 'amend'; ip?: string },
): Promise<void> {
  if (!actor.canSign) throw forbidden('you may not sign reports');
  const user = await db.user.findUniqueOrThrow({ where: { id: actor.id }, select: { passwordHash: true } });
  if (await verifyPassword(password, user.passwordHash)) return;
  await recordAudit(db, {
    actorId: actor.id,
    action: `case.${attempt.event}_failed`,
    entityType: 'Case',
    entityId: attempt.caseId,
    ip: attempt.ip,
    details: { code: 'BAD_CREDENTIALS' },
  });
  throw new HttpError(401, 'BAD_CREDENTIALS', 'wrong password');
}

async function checkKeyImages(tx: Tx, caseId: string, ids: string[]): Promise<void> {
  if (ids.length === 0) return;
  const found = await tx.instance.count({ where: { id: { in: ids }, caseId } });
  if (found !== new Set(ids).size) throw new HttpError(400, 'UNKNOWN_KEY_IMAGE', 'a key image is not an image of this case');
}

async function nextVersion(tx: Tx, caseId: string): Promise<number> {
  const last = await tx.report.findFirst({ where: { caseId }, orderBy: { version: 'desc' }, select: { version: true } });
  return (last?.version ?? 0) + 1;
}

/** The report body's columns: the lists and the ECG fields are JSON text (the SQLite schema has no JSON type). */
function storedReportBody<T extends { keyImageIds: string[]; ecgFields: EcgReportFields | null }>(input: T) {
  return { ...input, keyImageIds: JSON.stringify(input.keyImageIds), ecgFields: input.ecgFields ? JSON.stringify(input.ecgFields) : null };
}

export function parseEcgFields(stored: string | null): EcgReportFields | null {
  return stored ? ecgReportFieldsSchema.parse(JSON.parse(stored)) : null;
}

function toDto(row: ReportRow): ReportDto {
  return {
    id: row.id,
    version: row.version,
    status: row.status as ReportDto['status'],
    templateId: row.templateId,
    findings: row.findings,
    impression: row.impression,
    criticalFinding: row.criticalFinding,
    keyImageIds: JSON.parse(row.keyImageIds) as string[],
    ecgFields: parseEcgFields(row.ecgFields),
    author: row.author,
    signedBy: row.signedBy,
    signedAt: row.signedAt?.toISOString() ?? null,
    amendmentReason: row.amendmentReason,
    updatedAt: row.updatedAt.toISOString(),
  };
}
