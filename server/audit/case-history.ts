// A case's audit trail as its readers see it: every act recorded on the case (created, files, moves through the
// state machine, escalations, priors viewed, acknowledgements) and on the consultations about it that the reader
// may see, oldest first, with who did it; repeated looks folded into one entry. The trail itself is written by the modules that act (recordAudit).
import type { CaseHistoryEntryDto } from '../../shared/api.ts';
import type { Actor } from '../auth/actor.ts';
import { caseScope } from '../cases/access.ts';
import { consultationScope } from '../consult/access.ts';
import type { Db } from '../db/client.ts';
import { notFound } from '../http/errors.ts';
import { PRIOR_FILES_VIEWED, PRIORS_LISTED } from '../cases/priors.ts';
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
  return foldRepeatedLooks(
    events.map((e) => ({
      at: e.at.toISOString(),
      action: e.action,
      actor: (e.actorId && actors.get(e.actorId)) || null,
      details: detailsOf(e.details),
      repeated: null,
    })),
  );
}

/** Acts that only look (a reader opening the priors again and again): folded, so that the acts that change stand out. */
const LOOKS: ReadonlySet<string> = new Set([PRIORS_LISTED, PRIOR_FILES_VIEWED]);

/**
 * "Viewed 5 times, 09:10–09:40" instead of five lines: a look by someone who already looked in the same way since
 * the last act that changed the case joins the first such entry (its count and last time); the entry keeps the
 * first look's details. Any other act closes the open runs, so the trail still reads in order.
 */
export function foldRepeatedLooks(entries: CaseHistoryEntryDto[]): CaseHistoryEntryDto[] {
  const out: CaseHistoryEntryDto[] = [];
  let open = new Map<string, CaseHistoryEntryDto>();
  for (const entry of entries) {
    if (!LOOKS.has(entry.action)) {
      open = new Map();
      out.push(entry);
      continue;
    }
    const key = `${entry.action} ${entry.actor?.id ?? ''}`;
    const first = open.get(key);
    if (first) {
      first.repeated = { count: (first.repeated?.count ?? 1) + 1, lastAt: entry.at };
    } else {
      open.set(key, entry);
      out.push(entry);
    }
  }
  return out;
}
