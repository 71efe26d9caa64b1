// The whole audit trail for administrators: every recorded act (logins and failed logins with their address,
// case moves, failed signatures, uploads, consultations, routing rule changes), newest first, a page at a time,
// narrowed by area of acts ("session", "case", …: the first part of the verb), by China-time days, by the acting
// user and by free text; and the same selection as a CSV file for Excel (audit-csv.ts).
import type { AuditEntryDto, AuditFilter } from '../../shared/api.ts';
import type { Db, Prisma } from '../db/client.ts';
import { actorsOf, detailsOf } from './people.ts';

/** China Standard Time (no daylight saving): the days an administrator picks are the county's days. */
const CHINA_OFFSET = '+08:00';
const DAY_MS = 24 * 60 * 60 * 1000;
/** the exams a free-text search may name (their acts are then found by id): a bound, not a page */
const MAX_MATCHED_CASES = 500;

export async function auditLog(db: Db, query: AuditFilter & { before?: string; limit: number }): Promise<AuditEntryDto[]> {
  const events = await db.auditEvent.findMany({
    where: await auditWhere(db, query),
    orderBy: [{ at: 'desc' }, { id: 'desc' }],
    // a page after the last entry shown (its id: the order is by time, then id, so the cursor is exact)
    ...(query.before ? { cursor: { id: query.before }, skip: 1 } : {}),
    take: query.limit,
  });
  const [actors, exams] = await Promise.all([actorsOf(db, events), examsOf(db, events)]);
  return events.map((e) => ({
    id: e.id,
    at: e.at.toISOString(),
    action: e.action,
    entityType: e.entityType,
    entityId: e.entityId,
    actor: (e.actorId && actors.get(e.actorId)) || null,
    ip: e.ip,
    details: detailsOf(e.details),
    exam: (e.entityId && exams.get(e.entityId)) || null,
  }));
}

async function auditWhere(db: Db, filter: AuditFilter): Promise<Prisma.AuditEventWhereInput> {
  const conditions: Prisma.AuditEventWhereInput[] = [];
  if (filter.area) conditions.push({ action: { startsWith: `${filter.area}.` } });
  if (filter.from) conditions.push({ at: { gte: chinaDayStart(filter.from) } });
  if (filter.to) conditions.push({ at: { lt: new Date(chinaDayStart(filter.to).getTime() + DAY_MS) } });
  if (filter.userId) conditions.push({ actorId: filter.userId });
  if (filter.q) conditions.push(await textCondition(db, filter.q));
  return { AND: conditions };
}

const chinaDayStart = (day: string) => new Date(`${day}T00:00:00${CHINA_OFFSET}`);

/** The words in the act itself, or an exam whose number or patient's name holds them (its acts, its consultations'). */
async function textCondition(db: Db, q: string): Promise<Prisma.AuditEventWhereInput> {
  const cases = await db.case.findMany({
    where: { OR: [{ accessionNumber: { contains: q } }, { patient: { name: { contains: q } } }] },
    select: { id: true, consultations: { select: { id: true } } },
    orderBy: { createdAt: 'desc' },
    take: MAX_MATCHED_CASES,
  });
  const caseIds = cases.map((c) => c.id);
  const consultationIds = cases.flatMap((c) => c.consultations.map((k) => k.id));
  return {
    OR: [
      { action: { contains: q } },
      { details: { contains: q } },
      { ip: { contains: q } },
      { entityId: q },
      { entityType: 'Case', entityId: { in: caseIds } },
      { entityType: 'Consultation', entityId: { in: consultationIds } },
    ],
  };
}

type AuditExam = NonNullable<AuditEntryDto['exam']>;

/** The exam each act was about, by the act's entity id: a case's, or a consultation's case (none for the others). */
async function examsOf(db: Db, events: readonly { entityType: string; entityId: string | null }[]): Promise<Map<string, AuditExam>> {
  const idsOf = (type: string) => [...new Set(events.flatMap((e) => (e.entityType === type && e.entityId ? [e.entityId] : [])))];
  const examSelect = { id: true, accessionNumber: true, patient: { select: { name: true } } } as const;
  const [cases, consultations] = await Promise.all([
    db.case.findMany({ where: { id: { in: idsOf('Case') } }, select: examSelect }),
    db.consultation.findMany({ where: { id: { in: idsOf('Consultation') } }, select: { id: true, case: { select: examSelect } } }),
  ]);
  const exam = (c: (typeof cases)[number]): AuditExam => ({
    caseId: c.id,
    accessionNumber: c.accessionNumber,
    patientName: c.patient.name,
  });
  return new Map([
    ...cases.map((c) => [c.id, exam(c)] as const),
    ...consultations.flatMap((k) => (k.case ? [[k.id, exam(k.case)] as const] : [])),
  ]);
}
