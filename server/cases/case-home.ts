// The one home of every `/cases/:id…` route: the case is loaded once, within what the caller may read, before
// the route's own work. A case outside that scope answers 404 exactly like a missing one; what the caller may
// *do* with a visible case (claim it, sign it, upload into it) is the route's and the domain's to decide.
import type { Actor } from '../auth/actor.ts';
import type { Db } from '../db/client.ts';
import { notFound } from '../http/errors.ts';
import type { CaseRef } from '../http/route-spec.ts';
import { caseScope } from './access.ts';

export async function loadCaseFor(db: Db, actor: Actor, caseId: string): Promise<CaseRef> {
  const found = await db.case.findFirst({
    where: { AND: [{ id: caseId }, caseScope(actor)] },
    select: { id: true, status: true, originOrgId: true, centreId: true, examKind: true, patientId: true },
  });
  if (!found) throw notFound('case');
  return found;
}
