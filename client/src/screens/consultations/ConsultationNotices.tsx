// Notices above whatever screen the user is on: a consultation asked of their centre (or of them by name), their
// own request accepted, declined, or withdrawn by the other side, or an invitation into a joint consultation. Each links to the consultations list
// and stays until dismissed; a request someone has since answered needs no one's attention any more.
// Reminders, from the open consultations as loaded and kept current: one's scheduled time is near, or the other
// side is waiting in the room; each links to the room, and goes once the consultation moves on or is dismissed.
import { useState } from 'react';
import { useTranslation } from 'react-i18next';
import type { MeResponse } from '../../../../shared/api.ts';
import type { ConsultationDto } from '../../../../shared/consult.ts';
import { CENTRE_ROLES } from '../../../../shared/domain.ts';
import { useTicking } from '../../clock.ts';
import { formatDateTime } from '../../i18n/format.ts';
import { useConsultationEvents, useConsultationInvitations, type ConsultationChangedEvent } from '../../realtime/useConsultationEvents.ts';
import { Link, paths, useLocation } from '../../router.tsx';
import { SCREEN_ROLES, useMe } from '../../session.ts';
import { reminderFor } from './consultation-model.ts';
import { useLiveConsultations } from './useLiveConsultations.ts';

type NoticeKind = 'request' | 'accept' | 'decline' | 'cancel' | 'invite';
/** a refusal reads as bad news, an acceptance as good; a request (or an invitation) in the app's own colour */
const NOTICE_TONE: Record<NoticeKind, string> = {
  request: '',
  accept: ' notice-ok',
  decline: ' notice-bad',
  cancel: ' notice-bad',
  invite: '',
};

interface Notice {
  kind: NoticeKind;
  consultation: ConsultationDto;
  /** who invited this user (an invitation) */
  by?: string;
}

/** Which notice, if any, an event is for this user. */
function noticeFor(me: MeResponse, { consultation: c, event }: ConsultationChangedEvent): NoticeKind | null {
  const mine = c.requestedBy.id === me.id;
  if (event === 'request') {
    const ofMyCentre = CENTRE_ROLES.includes(me.role) && me.centres.some((centre) => centre.id === c.centre.id);
    return ofMyCentre && (c.specialist === null || c.specialist.id === me.id) ? 'request' : null;
  }
  if ((event === 'accept' || event === 'decline') && mine) return event;
  const countySide = c.specialist?.id === me.id || c.invitees.some((i) => i.user.id === me.id);
  if (event === 'cancel' && !mine && countySide) return 'cancel';
  return null;
}

export function ConsultationNotices() {
  const me = useMe();
  if (!SCREEN_ROLES.consultRoom.includes(me.role)) return null;
  return (
    <>
      <Notices me={me} />
      <Reminders me={me} />
    </>
  );
}

function Notices({ me }: { me: MeResponse }) {
  const { t } = useTranslation();
  const [notices, setNotices] = useState<Notice[]>([]);
  useConsultationEvents((event) => {
    const kind = noticeFor(me, event);
    const c = event.consultation;
    setNotices((list) => {
      // keep what is shown current; a request answered by anyone is no longer news
      const current = list
        .map((n) => (n.consultation.id === c.id ? { ...n, consultation: c } : n))
        .filter((n) => n.kind !== 'request' || n.consultation.status === 'REQUESTED');
      if (!kind) return current;
      return [...current.filter((n) => n.consultation.id !== c.id), { kind, consultation: c }];
    });
  });
  useConsultationInvitations(({ consultation: c, invitedBy }) =>
    setNotices((list) => [
      ...list.filter((n) => n.consultation.id !== c.id),
      { kind: 'invite', consultation: c, by: invitedBy.displayName },
    ]),
  );

  const location = useLocation();
  const dismiss = (id: string) => setNotices((list) => list.filter((n) => n.consultation.id !== id));
  // an invitation's way in is the room: once there, it needs no notice
  const shown = notices.filter((n) => n.kind !== 'invite' || location.split('?')[0] !== paths.consultRoom(n.consultation.id));
  return shown.map(({ kind, consultation: c, by }) => (
    <div
      key={c.id}
      className={`notice${NOTICE_TONE[kind]}`}
      role="status"
      data-testid="consultation-notice"
      data-id={c.id}
      data-event={kind}
    >
      <span>
        {kind === 'request' &&
          t('consultations.notice.request', { org: c.requestingOrg.name, name: c.requestedBy.displayName, topic: c.topic })}
        {kind === 'accept' && t('consultations.notice.accept', { name: c.specialist?.displayName ?? c.centre.name, topic: c.topic })}
        {kind === 'decline' &&
          t('consultations.notice.decline', { centre: c.specialist?.displayName ?? c.centre.name, reason: c.declineReason ?? '' })}
        {kind === 'cancel' && t('consultations.notice.cancel', { name: c.requestedBy.displayName, topic: c.topic })}
        {kind === 'invite' && t('consultations.notice.invite', { name: by ?? '', topic: c.topic })}
      </span>
      {kind === 'invite' ? (
        <Link to={paths.consultRoom(c.id)} data-testid="consultation-notice-open">
          {t('consultations.join')}
        </Link>
      ) : (
        <Link to={paths.consultations()} data-testid="consultation-notice-open">
          {t('consultations.notice.open')}
        </Link>
      )}
      <button type="button" className="button-quiet" data-testid="consultation-notice-dismiss" onClick={() => dismiss(c.id)}>
        {t('consultations.notice.dismiss')}
      </button>
    </div>
  ));
}

function Reminders({ me }: { me: MeResponse }) {
  const { t, i18n } = useTranslation();
  const open = useLiveConsultations('open');
  const location = useLocation();
  const [dismissed, setDismissed] = useState<ReadonlySet<string>>(new Set());
  // "id:kind" of each reminder due, recomputed every second; the list re-renders only when that changes
  const due = useTicking((now) =>
    (open.rows ?? [])
      .flatMap((c) => {
        const kind = reminderFor(me, c, now);
        return kind ? [`${c.id}:${kind}`] : [];
      })
      .join(' '),
  );
  const shown = due
    .split(' ')
    .filter((key) => key && !dismissed.has(key))
    .map((key) => {
      const [id, kind] = key.split(':') as [string, 'due' | 'waiting'];
      return { key, kind, consultation: open.rows!.find((c) => c.id === id)! };
    })
    // the room itself needs no reminder to enter it
    .filter(({ consultation: c }) => location.split('?')[0] !== paths.consultRoom(c.id));

  return shown.map(({ key, kind, consultation: c }) => (
    <div key={key} className="notice notice-warn" role="status" data-testid="consultation-reminder" data-id={c.id} data-event={kind}>
      <span>
        {kind === 'due'
          ? t('consultations.notice.due', { topic: c.topic, time: formatDateTime(c.scheduledAt!, i18n.language), with: otherSide(me, c) })
          : t('consultations.notice.waiting', { name: inRoom(c).join(t('common.listSeparator')), topic: c.topic })}
      </span>
      <Link to={paths.consultRoom(c.id)} data-testid="consultation-reminder-join">
        {t('consultations.join')}
      </Link>
      <button
        type="button"
        className="button-quiet"
        data-testid="consultation-notice-dismiss"
        onClick={() => setDismissed((keys) => new Set(keys).add(key))}
      >
        {t('consultations.notice.dismiss')}
      </button>
    </div>
  ));
}

/** Whom the user meets: the specialist (or the centre, before one is named) for the requester, else the requester. */
function otherSide(me: MeResponse, c: ConsultationDto): string {
  if (c.requestedBy.id !== me.id) return `${c.requestingOrg.name} ${c.requestedBy.displayName}`;
  return c.specialist?.displayName ?? c.centre.name;
}

const inRoom = (c: ConsultationDto): string[] => [
  ...new Set(c.participants.filter((p) => p.leftAt === null).map((p) => p.user.displayName)),
];
