import { useTranslation } from 'react-i18next';
import type { OpenCriticalValue } from '../../../../shared/critical.ts';
import { api } from '../../api/teledx.ts';
import { useApi } from '../../api/useApi.ts';
import { ErrorMessage } from '../../components/ErrorMessage.tsx';
import { DateTime } from '../../components/format.tsx';
import { useCaseEvents, useCriticalEscalations, useResyncOnConnect } from '../../realtime/useCaseEvents.ts';
import { Link, paths } from '../../router.tsx';

/**
 * The critical values (危急值) not yet closed: a township's own, a reading centre's, or all (administrators), oldest
 * first, until the township acknowledges them. Kept current by the events that open, escalate and close them.
 */
export function CriticalValuesScreen() {
  const { t } = useTranslation();
  const open = useApi(() => api.openCriticalValues(), []);
  // a signature or amendment with a critical finding, an acknowledgement, an escalation: load the list again
  useCaseEvents(({ case: changed }) => {
    if (changed.critical !== null) open.reload();
  });
  useCriticalEscalations(() => open.reload());
  useResyncOnConnect(() => open.reload());

  return (
    <section>
      <div className="page-title">
        <h1>{t('critical.listTitle')}</h1>
      </div>
      <ErrorMessage error={open.error} />
      {!open.data && !open.error && <p className="muted">{t('common.loading')}</p>}
      {open.data &&
        (open.data.length === 0 ? (
          <p className="empty" data-testid="critical-list-empty">
            {t('critical.listEmpty')}
          </p>
        ) : (
          <table className="case-table" data-testid="critical-list">
            <thead>
              <tr>
                <th>{t('cases.col.patient')}</th>
                <th>{t('cases.col.examKind')}</th>
                <th>{t('critical.colImpression')}</th>
                <th>{t('critical.colFlagged')}</th>
                <th>{t('critical.colEscalation')}</th>
              </tr>
            </thead>
            <tbody>
              {open.data.map((value) => (
                <OpenCriticalRow key={value.case.id} value={value} />
              ))}
            </tbody>
          </table>
        ))}
    </section>
  );
}

function OpenCriticalRow({ value }: { value: OpenCriticalValue }) {
  const { t } = useTranslation();
  const kase = value.case;
  return (
    <tr
      className="case-row row-critical"
      data-testid="critical-row"
      data-case-id={kase.id}
      data-escalated={String(value.escalatedAt !== null)}
    >
      <td>
        <Link to={paths.case(kase.id)} className="patient-link">
          {kase.patient.name}
        </Link>
        <div className="muted">{kase.originOrg.name}</div>
      </td>
      <td>{t(`examKind.${kase.examKind}`)}</td>
      <td>
        {value.impression}
        {value.signedBy && <div className="muted">{value.signedBy.displayName}</div>}
      </td>
      <td>
        <DateTime iso={value.flaggedAt} />
      </td>
      <td>
        {value.escalatedAt ? (
          <>
            <span className="badge critical-badge">{t('critical.escalatedMark')}</span> <DateTime iso={value.escalatedAt} />
          </>
        ) : (
          <span className="muted">{t('critical.escalatesAt', { time: new Date(value.escalatesAt).toLocaleTimeString() })}</span>
        )}
      </td>
    </tr>
  );
}
