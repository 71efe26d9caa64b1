// A reader's presence on the live queue, as their sockets tell it: what becomes of their claims when the last
// of their connections (on any instance) drops.
import { HELD_STATUSES } from '../../shared/case-status.ts';
import { CENTRE_ROLES } from '../../shared/domain.ts';
import type { Config } from '../config.ts';
import type { Db } from '../db/client.ts';
import type { Presence } from '../realtime/socket-server.ts';

/**
 * A reader whose last connection dropped keeps their claims only for the grace period: long enough to ride
 * out a Wi-Fi blip or a page reload, short enough that a closed laptop does not hold a STAT case for long.
 */
export function readerPresence(ctx: { db: Db; config: Pick<Config, 'disconnectGraceMs'> }): Presence {
  return {
    tracks: (actor) => CENTRE_ROLES.includes(actor.role),
    async wentAway(actor) {
      const graceEnds = new Date(Date.now() + ctx.config.disconnectGraceMs);
      await ctx.db.case.updateMany({
        where: { claimedById: actor.id, status: { in: [...HELD_STATUSES] }, leaseExpiresAt: { gt: graceEnds } },
        data: { leaseExpiresAt: graceEnds },
      });
    },
  };
}
