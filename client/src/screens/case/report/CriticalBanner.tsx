import { useState } from 'react';
import { useTranslation } from 'react-i18next';
import type { CaseDetailDto } from '../../../../../shared/api.ts';
import { api } from '../../../api/teledx.ts';
import { ErrorMessage } from '../../../components/ErrorMessage.tsx';
import { DateTime } from '../../../components/format.tsx';
import { useIsTownship, useMe } from '../../../session.ts';

/**
 * A signed report with a critical finding: red at the top of the page until the township confirms it has seen
 * it (only the township that sent the case confirms); afterwards, when that was.
 */
export function CriticalBanner({ kase, onChanged }: { kase: CaseDetailDto; onChanged: (kase: CaseDetailDto) => void }) {
  const { t } = useTranslation();
  const me = useMe();
  const isTownship = useIsTownship();
  const [pending, setPending] = useState(false);
  const [error, setError] = useState<unknown>();
  if (kase.status !== 'SIGNED' || !kase.critical) return null;
  const acknowledgedAt = kase.critical.acknowledgedAt;
  const mayAcknowledge = isTownship && me.organization.id === kase.originOrg.id;

  const acknowledge = async () => {
    setPending(true);
    setError(undefined);
    try {
      onChanged(await api.acknowledgeCritical(kase.id));
    } catch (e) {
      setError(e);
    } finally {
      setPending(false);
    }
  };

  return (
    <div
      className={`critical-banner${acknowledgedAt ? ' critical-banner-done' : ''}`}
      role="alert"
      data-testid="critical-banner"
      data-acknowledged={String(acknowledgedAt !== null)}
    >
      <strong>⚠ {t('critical.title')}</strong>
      {acknowledgedAt ? (
        <span data-testid="critical-acknowledged">
          {t('critical.acknowledged')}
          <DateTime iso={acknowledgedAt} />
        </span>
      ) : mayAcknowledge ? (
        <button
          type="button"
          className="button-primary critical-acknowledge"
          data-testid="acknowledge-critical"
          disabled={pending}
          onClick={() => void acknowledge()}
        >
          {pending ? t('critical.acknowledging') : t('critical.acknowledge')}
        </button>
      ) : (
        <span>{t('critical.pending')}</span>
      )}
      <ErrorMessage error={error} />
    </div>
  );
}
