// referral:changed: the referral as the API sends it, to everyone who may see it (referrals/access.ts): the
// township's staff, the department's coordinators, the requester, administrators.
import type { ReferralChangedEvent } from '../../shared/referrals.ts';
import type { Db } from '../db/client.ts';
import type { RoomMessage } from '../realtime/socket-server.ts';
import { rooms } from '../realtime/rooms.ts';
import { referralInclude, toReferralDto } from './dto.ts';

export async function referralChangedMessage(db: Db, referralId: string, event: string): Promise<RoomMessage<'referral:changed'> | null> {
  const row = await db.referral.findUnique({ where: { id: referralId }, include: referralInclude });
  if (!row) return null;
  const targets = new Set([rooms.all, rooms.org(row.townshipId), rooms.user(row.requestedById)]);
  for (const c of row.department.coordinators) targets.add(rooms.user(c.userId));
  const payload = { referral: toReferralDto(row), event: event as ReferralChangedEvent['event'], at: new Date().toISOString() };
  return { event: 'referral:changed', payload, rooms: [...targets] };
}
