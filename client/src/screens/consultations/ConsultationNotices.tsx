// Notices above whatever screen the user is on: a consultation asked of their centre (or of them by name), or
// their own request accepted, declined, or withdrawn by the other side. Each links to the consultations list
// and stays until dismissed; a request someone has since answered needs no one's attention any more.
import { useState } from 'react';
import { useTranslation } from 'react-i18next';
import type { MeResponse } from '../../../../shared/api.ts';
import type { ConsultationDto } from '../../../../shared/consult.ts';
import { CENTRE_ROLES } from '../../../../shared/domain.ts';
import { useConsultationEvents, type ConsultationChangedEvent } from '../../realtime/useConsultationEvents.ts';
import { Link, paths } from '../../router.tsx';
import { SCREEN_ROLES, useMe } from '../../session.ts';

type NoticeKind = 'request' | 'accept' | 'decline' | 'cancel';

interface Notice {
  kind: NoticeKind;
  consultation: ConsultationDto;
}

/** Which notice, if any, an event is for this user. */
function noticeFor(me: MeResponse, { consultation: c, event }: ConsultationChangedEvent): NoticeKind | null {
  const mine = c.requestedBy.id === me.id;
  if (event === 'request') {
    const ofMyCentre = CENTRE_ROLES.includes(me.role) && me.centres.some((centre) => centre.id === c.centre.id);
    return ofMyCentre && (c.specialist === null || c.specialist.id === me.id) ? 'request' : null;
  }
  if ((event === 'accept' || event === 'decline') && mine) return event;
  if (event === 'cancel' && !mine && c.specialist?.id === me.id) return 'cancel';
  return null;
}

export function ConsultationNotices() {
  const me = useMe();
  if (!SCREEN_ROLES.consultations.includes(me.role)) return null;
  return <Notices me={me} />;
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

  const dismiss = (id: string) => setNotices((list) => list.filter((n) => n.consultation.id !== id));
  return notices.map(({ kind, consultation: c }) => (
    <div
      key={c.id}
      className={`consult-notice consult-notice-${kind}`}
      role="status"
      data-testid="consultation-notice"
      data-id={c.id}
      data-event={kind}
    >
      <span>
        {kind === 'request' && t('consultations.notice.request', { org: c.requestingOrg.name, name: c.requestedBy.displayName, topic: c.topic })}
        {kind === 'accept' && t('consultations.notice.accept', { name: c.specialist?.displayName ?? c.centre.name, topic: c.topic })}
        {kind === 'decline' && t('consultations.notice.decline', { centre: c.specialist?.displayName ?? c.centre.name, reason: c.declineReason ?? '' })}
        {kind === 'cancel' && t('consultations.notice.cancel', { name: c.requestedBy.displayName, topic: c.topic })}
      </span>
      <Link to={paths.consultations()} data-testid="consultation-notice-open">
        {t('consultations.notice.open')}
      </Link>
      <button type="button" className="button-quiet" data-testid="consultation-notice-dismiss" onClick={() => dismiss(c.id)}>
        {t('consultations.notice.dismiss')}
      </button>
    </div>
  ));
}
