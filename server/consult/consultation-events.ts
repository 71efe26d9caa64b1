// consultation:changed: the consultation as the API sends it, to everyone who may see it (consult/access.ts): the
// requesting township, the centre, the two people, the invited specialists, administrators. consultation:invited:
// to the invitee alone, the moment they are invited.
import type { ConsultationChangedEvent } from '../../shared/events.ts';
import type { Db } from '../db/client.ts';
import type { RoomMessage } from '../realtime/socket-server.ts';
import { rooms } from '../realtime/rooms.ts';
import { consultationInclude, toConsultationDto } from './dto.ts';

export async function consultationChangedMessage(
  db: Db,
  consultationId: string,
  event: string,
): Promise<RoomMessage<'consultation:changed'> | null> {
  const row = await db.consultation.findUnique({ where: { id: consultationId }, include: consultationInclude });
  if (!row) return null;
  const targets = [rooms.all, rooms.user(row.requestedById), rooms.org(row.requestingOrgId), rooms.centre(row.centreId)];
  if (row.specialistId) targets.push(rooms.user(row.specialistId));
  for (const invitation of row.invitations) targets.push(rooms.user(invitation.userId));
  const payload = { consultation: toConsultationDto(row), event: event as ConsultationChangedEvent['event'], at: new Date().toISOString() };
  return { event: 'consultation:changed', payload, rooms: targets };
}

export async function consultationInvitedMessage(
  db: Db,
  consultationId: string,
  userId: string,
  invitedById: string,
): Promise<RoomMessage<'consultation:invited'> | null> {
  const row = await db.consultation.findUnique({ where: { id: consultationId }, include: consultationInclude });
  const invitation = row?.invitations.find((i) => i.userId === userId && i.invitedById === invitedById);
  if (!row || !invitation) return null;
  const payload = { consultation: toConsultationDto(row), invitedBy: invitation.invitedBy, at: invitation.createdAt.toISOString() };
  return { event: 'consultation:invited', payload, rooms: [rooms.user(userId)] };
}
