// Notices above whatever screen the user is on: a referral made to their side (a green-channel referral with the
// STAT chime, at once), or their own referral answered by the other side. Each links to the referral and stays
// until dismissed; a request someone has since answered needs no one's attention any more.
import { useEffect, useState } from 'react';
import { useTranslation } from 'react-i18next';
import type { MeResponse } from '../../../../shared/api.ts';
import type { ReferralDto } from '../../../../shared/referrals.ts';
import { playStatChime, prepareAlertSound } from '../../reading/alert-sound.ts';
import { useReferralEvents, type ReferralChangedEvent } from '../../realtime/useReferralEvents.ts';
import { Link, paths } from '../../router.tsx';
import { SCREEN_ROLES, useMe } from '../../session.ts';
import { sideOf } from './referral-model.ts';

type NoticeKind = 'request' | 'green-channel' | 'accept' | 'decline';
const NOTICE_TONE: Record<NoticeKind, string> = {
  request: '',
  'green-channel': ' notice-bad',
  accept: ' notice-ok',
  decline: ' notice-bad',
};

/** Which notice, if any, an event is for this user: made to their side, or answered to it. */
function noticeFor(me: MeResponse, { referral: r, event }: ReferralChangedEvent): NoticeKind | null {
  const side = sideOf(me, r);
  if (!side) return null;
  const sender = r.direction === 'UP' ? 'township' : 'department';
  if ((event === 'request' || event === 'green-channel') && side !== sender) return event;
  if ((event === 'accept' || event === 'decline') && side === sender) return event;
  return null;
}

export function ReferralNotices() {
  const me = useMe();
  if (!SCREEN_ROLES.referrals.includes(me.role) || me.role === 'ADMIN') return null;
  return <Notices me={me} />;
}

function Notices({ me }: { me: MeResponse }) {
  const { t } = useTranslation();
  const [notices, setNotices] = useState<{ kind: NoticeKind; referral: ReferralDto }[]>([]);
  useEffect(() => prepareAlertSound(), []);
  useReferralEvents((event) => {
    const kind = noticeFor(me, event);
    const r = event.referral;
    if (kind === 'green-channel') playStatChime();
    setNotices((list) => {
      const current = list
        .map((n) => (n.referral.id === r.id ? { ...n, referral: r } : n))
        .filter((n) => (n.kind !== 'request' && n.kind !== 'green-channel') || n.referral.status === 'REQUESTED');
      if (!kind) return current;
      return [...current.filter((n) => n.referral.id !== r.id), { kind, referral: r }];
    });
  });
  const dismiss = (id: string) => setNotices((list) => list.filter((n) => n.referral.id !== id));
  return notices.map(({ kind, referral: r }) => (
    <div key={r.id} className={`notice${NOTICE_TONE[kind]}`} role="status" data-testid="referral-notice" data-id={r.id} data-event={kind}>
      <span>
        {t(`referrals.notice.${kind === 'green-channel' ? 'greenChannel' : kind}`, {
          township: r.township.name,
          department: r.department.name,
          patient: r.patient.name,
          reason: r.declineReason ?? r.reason,
        })}
      </span>
      <Link to={paths.referral(r.id)} data-testid="referral-notice-open">
        {t('referrals.notice.open')}
      </Link>
      <button type="button" className="button-quiet" data-testid="referral-notice-dismiss" onClick={() => dismiss(r.id)}>
        {t('referrals.notice.dismiss')}
      </button>
    </div>
  ));
}
