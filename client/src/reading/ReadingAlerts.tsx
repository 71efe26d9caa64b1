// Alerts for the reading centre, shown above whatever screen the reader is on: a STAT case must not wait
// because its reader happened to be reading another case.
import { useEffect, useState } from 'react';
import { useTranslation } from 'react-i18next';
import type { CaseSummaryDto } from '../../../shared/api.ts';
import { QUEUED_STATUSES } from '../../../shared/case-status.ts';
import { CENTRE_ROLES } from '../../../shared/domain.ts';
import { useCaseEvents } from '../realtime/useCaseEvents.ts';
import { Link, paths } from '../router.tsx';
import { useMe } from '../session.ts';
import { playStatChime, prepareAlertSound } from './alert-sound.ts';

export function ReadingAlerts() {
  const me = useMe();
  if (!CENTRE_ROLES.includes(me.role)) return null;
  return (
    <>
      <StatAlert />
      {me.role === 'SUPERVISOR' && <OverdueNotices />}
    </>
  );
}

/** Keeps each case at its latest state; a case not yet listed is added only when `admit` says so. */
function upsert(list: CaseSummaryDto[], kase: CaseSummaryDto, admit: boolean): CaseSummaryDto[] {
  if (list.some((c) => c.id === kase.id)) return list.map((c) => (c.id === kase.id ? kase : c));
  return admit ? [...list, kase] : list;
}

/**
 * A new STAT case: a banner and a chime. The banner stays until dismissed; a case someone has since claimed
 * stays on it, marked as taken, so the alert does not vanish before it is read.
 */
function StatAlert() {
  const { t } = useTranslation();
  const [cases, setCases] = useState<CaseSummaryDto[]>([]);
  const [heard, setHeard] = useState(true);
  useEffect(() => prepareAlertSound(), []);
  useCaseEvents(({ case: kase, event }) => {
    // submitted as STAT, or raised to STAT in the queue (an ECG's critical values found after a late analysis)
    const isNewStat = (event === 'submit' || event === 'escalate') && kase.priority === 'STAT' && kase.status === 'SUBMITTED';
    setCases((list) => upsert(list, kase, isNewStat));
    if (isNewStat) setHeard(playStatChime());
  });

  if (cases.length === 0) return null;
  return (
    <div className="stat-alert" role="alert" data-testid="stat-alert" data-sound={heard ? 'played' : 'blocked'}>
      <div className="stat-alert-head">
        <strong>⚠ {t('alerts.statTitle', { count: cases.length })}</strong>
        <button type="button" className="stat-alert-dismiss" data-testid="stat-alert-dismiss" onClick={() => setCases([])}>
          {t('alerts.dismiss')}
        </button>
      </div>
      <ul>
        {cases.map((c) => (
          <li key={c.id} data-case-id={c.id}>
            <Link to={paths.case(c.id)}>{c.patient.name}</Link> · {t(`examKind.${c.examKind}`)}
            {c.bodyPart ? ` ${c.bodyPart}` : ''} · {c.originOrg.name}
            {c.claimedBy && <span className="stat-alert-taken"> · {t('alerts.statTaken', { name: c.claimedBy.displayName })}</span>}
          </li>
        ))}
      </ul>
      {!heard && <p className="stat-alert-sound">{t('alerts.soundBlocked')}</p>}
    </div>
  );
}

/** The server's `overdue` events, for supervisors: a case past its SLA that still waits or is still being read. */
function OverdueNotices() {
  const { t } = useTranslation();
  const [cases, setCases] = useState<CaseSummaryDto[]>([]);
  useCaseEvents(({ case: kase, event }) => {
    const queued = QUEUED_STATUSES.includes(kase.status);
    // a case that has left the queue needs no one's attention any more
    setCases((list) => (queued ? upsert(list, kase, event === 'overdue') : list.filter((c) => c.id !== kase.id)));
  });

  return cases.map((c) => (
    <div key={c.id} className="notice notice-bad" role="status" data-testid="overdue-notice" data-case-id={c.id}>
      <span>
        ⚠ {t('alerts.overdue', { patient: c.patient.name, exam: t(`examKind.${c.examKind}`), origin: c.originOrg.name })}
        {c.claimedBy ? ` · ${t('alerts.overdueReader', { name: c.claimedBy.displayName })}` : ` · ${t('alerts.overdueUnclaimed')}`}
      </span>
      <Link to={paths.case(c.id)}>{t('alerts.open')}</Link>
      <button type="button" className="button-quiet" onClick={() => setCases((list) => list.filter((x) => x.id !== c.id))}>
        {t('alerts.dismiss')}
      </button>
    </div>
  ));
}
