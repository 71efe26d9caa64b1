// What a user may do with a consultation, and how a list of them takes in a change. Pure functions: the server
// decides in the end (a refused action is a 403/409 the screen shows); these only choose the buttons offered.
import type { MeResponse } from '../../../../shared/api.ts';
import { CONSULTATION_TRANSITIONS, JOINABLE_STATUSES, type ConsultationDto, type ConsultationStatus } from '../../../../shared/consult.ts';
import { CENTRE_ROLES, TOWNSHIP_ROLES } from '../../../../shared/domain.ts';

type Me = Pick<MeResponse, 'id' | 'role' | 'centres' | 'organization'>;

/** Township staff ask for consultations. */
export const mayRequest = (me: Pick<MeResponse, 'role'>): boolean => TOWNSHIP_ROLES.includes(me.role);

/**
 * A reader or supervisor of the centre asked answers a request; one asked for by name answers it alone.
 */
export function mayAnswer(me: Me, c: ConsultationDto): boolean {
  if (!CONSULTATION_TRANSITIONS.accept.from.includes(c.status)) return false;
  if (!CENTRE_ROLES.includes(me.role) || !me.centres.some((centre) => centre.id === c.centre.id)) return false;
  return c.specialist === null || c.specialist.id === me.id;
}

/** The requesting township (the requester, or a colleague taking over) withdraws it until it has started. */
export const mayCancel = (me: Me, c: ConsultationDto): boolean =>
  TOWNSHIP_ROLES.includes(me.role) && c.requestingOrg.id === me.organization.id && CONSULTATION_TRANSITIONS.cancel.from.includes(c.status);

/** The requester, the specialist and the invited specialists enter the room once accepted, and while it is open. */
export const mayJoin = (me: Me, c: ConsultationDto): boolean =>
  JOINABLE_STATUSES.includes(c.status) &&
  (c.requestedBy.id === me.id || c.specialist?.id === me.id || c.invitees.some((i) => i.user.id === me.id));

/** The specialist, or a supervisor of the centre, invites further county specialists while the room is open. */
export const mayInvite = (me: Me, c: ConsultationDto): boolean =>
  JOINABLE_STATUSES.includes(c.status) &&
  (c.specialist?.id === me.id || (me.role === 'SUPERVISOR' && me.centres.some((centre) => centre.id === c.centre.id)));

/** A scheduled consultation's reminder shows from this long before its time... */
export const REMIND_BEFORE_MS = 10 * 60_000;
/** ...until this long after it, unless someone has started it by then. */
export const REMIND_AFTER_MS = 30 * 60_000;

/**
 * What a participant should be reminded of now: `due`, an accepted consultation whose set time is near or has
 * just passed; `waiting`, the other side is in the room and this user is not. Null for everything else (and for
 * anyone who does not take part in it).
 */
export function reminderFor(me: Me, c: ConsultationDto, now: number): 'due' | 'waiting' | null {
  if (!mayJoin(me, c)) return null;
  if (c.status === 'IN_PROGRESS') {
    const inRoom = c.participants.filter((p) => p.leftAt === null);
    return inRoom.length > 0 && !inRoom.some((p) => p.user.id === me.id) ? 'waiting' : null;
  }
  if (c.scheduledAt === null) return null;
  const at = Date.parse(c.scheduledAt);
  return now >= at - REMIND_BEFORE_MS && now <= at + REMIND_AFTER_MS ? 'due' : null;
}

/** The list's status filter. */
export type StatusFilter = 'all' | 'open' | 'closed';
export const STATUS_FILTERS: Record<StatusFilter, readonly ConsultationStatus[] | undefined> = {
  all: undefined,
  open: ['REQUESTED', 'ACCEPTED', 'IN_PROGRESS'],
  closed: ['DECLINED', 'CANCELLED', 'ENDED'],
};

export const inFilter = (filter: StatusFilter, status: ConsultationStatus): boolean => STATUS_FILTERS[filter]?.includes(status) ?? true;

/**
 * The list (newest first) with a consultation as it now is: replaced where it stands, or inserted in date order
 * when `admit`; dropped when it no longer belongs (`admit` false for one already listed).
 */
export function placeConsultation<T extends { id: string; createdAt: string }>(list: readonly T[], c: T, admit: boolean): T[] {
  if (list.some((x) => x.id === c.id)) return admit ? list.map((x) => (x.id === c.id ? c : x)) : list.filter((x) => x.id !== c.id);
  if (!admit) return [...list];
  const at = list.findIndex((x) => x.createdAt < c.createdAt);
  return at >= 0 ? [...list.slice(0, at), c, ...list.slice(at)] : [...list, c];
}

/**
 * The value of an `<input type="datetime-local">` ("2025-03-01T09:30", seconds optional) as an ISO date-time with
 * this computer's UTC offset ("2025-03-01T09:30:00+08:00"), as the API asks; null when it is not a date.
 */
export function localInputToIso(value: string): string | null {
  const match = /^(\d{4})-(\d{2})-(\d{2})T(\d{2}):(\d{2})(?::(\d{2}))?$/.exec(value);
  if (!match) return null;
  const [, y, mo, d, h, mi, s = '00'] = match;
  const date = new Date(Number(y), Number(mo) - 1, Number(d), Number(h), Number(mi), Number(s));
  if (Number.isNaN(date.getTime())) return null;
  const offset = -date.getTimezoneOffset();
  const sign = offset >= 0 ? '+' : '-';
  const abs = Math.abs(offset);
  const pad = (n: number) => String(n).padStart(2, '0');
  return `${y}-${mo}-${d}T${h}:${mi}:${s}${sign}${pad(Math.floor(abs / 60))}:${pad(abs % 60)}`;
}

/** A Date as a datetime-local input's value, to the minute, in this computer's time. */
export function toLocalInput(date: Date): string {
  const pad = (n: number) => String(n).padStart(2, '0');
  return `${date.getFullYear()}-${pad(date.getMonth() + 1)}-${pad(date.getDate())}T${pad(date.getHours())}:${pad(date.getMinutes())}`;
}

/** The next full hour from `now`: where a new appointment's time starts. */
export function nextFullHour(now: Date): Date {
  const next = new Date(now);
  next.setMinutes(0, 0, 0);
  next.setHours(next.getHours() + 1);
  return next;
}
