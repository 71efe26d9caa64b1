import { useState } from 'react';
import { useTranslation } from 'react-i18next';
import type { CaseDetailDto } from '../../../../../shared/api.ts';
import { DateTime } from '../../../components/format.tsx';
import { useIsTownship, useMe } from '../../../session.ts';
import { AcknowledgeCriticalDialog } from './AcknowledgeCriticalDialog.tsx';

/**
 * A signed report with a critical finding (危急值): red at the top of the page until the township acknowledges it
 * with the read-back and the action taken (only the township that sent the case does); afterwards, when that was
 * (the record itself is with the signed report). Escalated for being left open too long: it says so.
 */
export function CriticalBanner({ kase, onChanged }: { kase: CaseDetailDto; onChanged: (kase: CaseDetailDto) => void }) {
  const { t } = useTranslation();
  const me = useMe();
  const isTownship = useIsTownship();
  const [acknowledging, setAcknowledging] = useState(false);
  if (kase.status !== 'SIGNED' || !kase.critical) return null;
  const acknowledgedAt = kase.critical.acknowledgedAt;
  const mayAcknowledge = isTownship && me.organization.id === kase.originOrg.id;

  return (
    <>
      <div
        className={`critical-banner${acknowledgedAt ? ' critical-banner-done' : ''}`}
        role="alert"
        data-testid="critical-banner"
        data-acknowledged={String(acknowledgedAt !== null)}
        data-escalated={String(kase.critical.escalatedAt !== null)}
      >
        <strong>⚠ {t('critical.title')}</strong>
        {!acknowledgedAt && kase.critical.escalatedAt && (
          <span className="badge critical-escalated" data-testid="critical-escalated">
            {t('critical.escalatedMark')}
          </span>
        )}
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
            onClick={() => setAcknowledging(true)}
          >
            {t('critical.acknowledge')}
          </button>
        ) : (
          <span>{t('critical.pending')}</span>
        )}
      </div>
      {/* outside the banner: the dialog must not inherit the alert's colours and role */}
      {acknowledging && (
        <AcknowledgeCriticalDialog
          caseId={kase.id}
          onDone={(changed) => {
            setAcknowledging(false);
            onChanged(changed);
          }}
          onCancel={() => setAcknowledging(false)}
        />
      )}
    </>
  );
}
