import { useTranslation } from 'react-i18next';
import { api } from '../../api/teledx.ts';
import { useApi } from '../../api/useApi.ts';
import { ErrorMessage } from '../../components/ErrorMessage.tsx';

/** One line on the signed reports waiting for the HIS (administrators), and the failing ones with their last error. */
export function HisOutbox() {
  const { t } = useTranslation();
  const outbox = useApi(() => api.hisDeliveries(), []);
  if (outbox.error) return <ErrorMessage error={outbox.error} />;
  if (!outbox.data) return null;
  const { configured, pending } = outbox.data;
  const failing = pending.filter((d) => d.attempts > 0);
  return (
    <div className="card" data-testid="his-outbox">
      <h2>{t('devices.his.title')}</h2>
      <p className="small">
        {configured ? t('devices.his.summary', { pending: pending.length, failing: failing.length }) : t('devices.his.off')}
      </p>
      {failing.length > 0 && (
        <ul className="small">
          {failing.map((d) => (
            <li key={d.id}>
              {d.accessionNumber} · {t('devices.his.attempts', { count: d.attempts })} · {d.lastError ?? ''}
            </li>
          ))}
        </ul>
      )}
    </div>
  );
}
