// Who sees which figures: administrators the whole consortium; a reading centre's supervisor the cases (and
// consultations) of their own centres. The same rule as the quality screen (cases/access.ts centreScope).
import type { Actor } from '../auth/actor.ts';
import { Prisma } from '../db/client.ts';
import { column } from './sql.ts';

/** A SQL condition on a table's centre column ("AND …"), empty for administrators. */
export function centreCondition(actor: Actor, centreColumn: string | null): Prisma.Sql {
  if (actor.role === 'ADMIN') return Prisma.empty;
  // a source without a centre (none yet) or a supervisor of no centre: nothing
  if (!centreColumn || actor.centreIds.length === 0) return Prisma.sql` AND 1 = 0`;
  return Prisma.sql` AND ${column(centreColumn)} IN (${Prisma.join(actor.centreIds)})`;
}
