// A case's audit trail as its readers see it: every act recorded on the case (created, files, moves through the
// state machine, escalations, priors viewed, acknowledgements) and on the consultations about it that the reader
// may see, oldest first, with who did it. The trail itself is written by the modules that act (recordAudit).
import type { CaseHistoryEntryDto } from '../../shared/api.ts';
import type { Actor } from '../auth/actor.ts';
import { caseScope } from '../cases/access.ts';
import { consultationScope } from '../consult/access.ts';
import type { Db } from '../db/client.ts';
import { notFound } from '../http/errors.ts';
import { actorsOf, detailsOf } from './people.ts';

/** more than any case gathers in its life; a bound on a request's size, not a page */
const MAX_ENTRIES = 2000;

export async function caseHistory(db: Db, actor: Actor, caseId: string): Promise<CaseHistoryEntryDto[]> {
  const kase = await db.case.findFirst({
    where: { AND: [{ id: caseId }, caseScope(actor)] },
    select: { consultations: { where: consultationScope(actor), select: { id: true } } },
  });
  if (!kase) throw notFound('case');
  const consultationIds = kase.consultations.map((c) => c.id);
  const events = await db.auditEvent.findMany({
    where: {
      OR: [
        { entityType: 'Case', entityId: caseId },
        ...(consultationIds.length > 0 ? [{ entityType: 'Consultation', entityId: { in: consultationIds } }] : []),
      ],
    },
    // the latest ones, should there ever be more than the bound (every opening that lists priors adds one)
    orderBy: [{ at: 'desc' }, { id: 'desc' }],
    take: MAX_ENTRIES,
    select: { at: true, action: true, actorId: true, details: true },
  });
  events.reverse();
  const actors = await actorsOf(db, events);
  return events.map((e) => ({
    at: e.at.toISOString(),
    action: e.action,
    actor: (e.actorId && actors.get(e.actorId)) || null,
    details: detailsOf(e.details),
  }));
}
