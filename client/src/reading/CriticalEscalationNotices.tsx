// The escalation of a critical value (危急值) left unacknowledged, above whatever screen its receivers are on: the
// township's supervisors, the reading centre that read it, administrators (the server sends critical:escalated
// only to them). A notice goes when the township acknowledges the value, or when dismissed.
import { useState } from 'react';
import { useTranslation } from 'react-i18next';
import type { CaseSummaryDto } from '../../../shared/api.ts';
import { useCaseEvents, useCriticalEscalations } from '../realtime/useCaseEvents.ts';
import { Link, paths } from '../router.tsx';

export function CriticalEscalationNotices() {
  const { t } = useTranslation();
  const [cases, setCases] = useState<CaseSummaryDto[]>([]);
  useCriticalEscalations(({ case: kase }) => setCases((list) => [...list.filter((c) => c.id !== kase.id), kase]));
  useCaseEvents(({ case: kase }) => {
    if (kase.critical === null || kase.critical.acknowledgedAt !== null) setCases((list) => list.filter((c) => c.id !== kase.id));
  });

  return cases.map((c) => (
    <div key={c.id} className="notice notice-bad" role="alert" data-testid="critical-escalation-notice" data-case-id={c.id}>
      <span>⚠ {t('critical.escalationNotice', { patient: c.patient.name, origin: c.originOrg.name })}</span>
      <Link to={paths.case(c.id)}>{t('alerts.open')}</Link>
      <button type="button" className="button-quiet" onClick={() => setCases((list) => list.filter((x) => x.id !== c.id))}>
        {t('alerts.dismiss')}
      </button>
    </div>
  ));
}
