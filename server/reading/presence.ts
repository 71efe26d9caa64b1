// A reader's presence on the live queue, as their sockets tell it: what becomes of their claims when the last
// of their connections (on any instance) drops.
import type { Actor } from '../auth/actor.ts';
import { CENTRE_ROLES } from '../../shared/domain.ts';
import type { Config } from '../config.ts';
import type { Db } from '../db/client.ts';

/**
 * A reader whose last connection dropped keeps their claims only for the grace period: long enough to ride
 * out a Wi-Fi blip or a page reload, short enough that a closed laptop does not hold a STAT case for long.
 */
export async function shortenLeasesOfAbsentReader(ctx: { db: Db; config: Pick<Config, 'disconnectGraceMs'> }, actor: Actor): Promise<void> {
  if (!CENTRE_ROLES.includes(actor.role)) return;
  const graceEnds = new Date(Date.now() + ctx.config.disconnectGraceMs);
  await ctx.db.case.updateMany({
    where: { claimedById: actor.id, status: 'CLAIMED', leaseExpiresAt: { gt: graceEnds } },
    data: { leaseExpiresAt: graceEnds },
  });
}
