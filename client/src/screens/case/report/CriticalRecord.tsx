import { useTranslation } from 'react-i18next';
import type { CriticalValueDto } from '../../../../../shared/critical.ts';
import { DateTime } from '../../../components/format.tsx';

/** The critical value's loop as recorded, under the signed report: escalated when, acknowledged by whom, how. */
export function CriticalRecord({ critical }: { critical: CriticalValueDto }) {
  const { t } = useTranslation();
  const ack = critical.acknowledgement;
  if (!ack && !critical.escalatedAt) return null;
  return (
    <section className="critical-record" data-testid="critical-record">
      <h3 className="critical-record-title">{t('critical.record')}</h3>
      <dl>
        {critical.escalatedAt && (
          <>
            <dt>{t('critical.recordEscalated')}</dt>
            <dd>
              <DateTime iso={critical.escalatedAt} />
            </dd>
          </>
        )}
        {ack && (
          <>
            <dt>{t('critical.recordBy')}</dt>
            <dd data-testid="critical-record-by">
              {ack.by?.displayName ?? t('history.system')} · <DateTime iso={ack.at} />
            </dd>
            {ack.receivedBy && (
              <>
                <dt>{t('critical.recordReceivedBy')}</dt>
                <dd data-testid="critical-record-received-by">{ack.receivedBy}</dd>
              </>
            )}
            <dt>{t('critical.recordReadBack')}</dt>
            <dd data-testid="critical-record-read-back">{ack.readBack}</dd>
            <dt>{t('critical.recordAction')}</dt>
            <dd data-testid="critical-record-action">
              {ack.action && t(`critical.actions.${ack.action}`)}
              {ack.note && ` — ${ack.note}`}
            </dd>
          </>
        )}
      </dl>
    </section>
  );
}
