// The case's two-way referrals (双向转诊): the township refers the case's patient up from here (转诊), or, for a
// case with a critical value, through the green channel (绿色通道) in one step; the case lists its referrals, live,
// with their moves and the slip to print.
import { useState } from 'react';
import { useTranslation } from 'react-i18next';
import type { CaseDetailDto } from '../../../../shared/api.ts';
import { OPEN_REFERRAL_STATUSES, type ReferralDto } from '../../../../shared/referrals.ts';
import { referralsApi } from '../../api/referrals.ts';
import { ConfirmDialog } from '../../components/ConfirmDialog.tsx';
import { ErrorMessage } from '../../components/ErrorMessage.tsx';
import { useIsTownship } from '../../session.ts';
import { ReferralDialog } from '../referrals/ReferralForm.tsx';
import { ReferralTable } from '../referrals/ReferralsScreen.tsx';
import { useLiveReferrals } from '../referrals/useLiveReferrals.ts';

/** A critical value on the case: its signed report flagged one, or its ECG's automatic analysis did. */
export const hasCriticalValue = (kase: CaseDetailDto) =>
  kase.critical !== null || kase.ecg.some((a) => (a.measurements?.critical.length ?? 0) > 0);

export function CaseReferrals({ kase }: { kase: CaseDetailDto }) {
  const { t } = useTranslation();
  const isTownship = useIsTownship();
  const referrals = useLiveReferrals('all', kase.id);
  const [dialog, setDialog] = useState<'refer' | 'green' | null>(null);
  const rows = referrals.rows ?? [];
  const made = (r: ReferralDto) => {
    setDialog(null);
    referrals.apply(r);
  };
  if (!isTownship && rows.length === 0) return null;
  return (
    <section className="card case-referrals" data-testid="case-referrals">
      <div className="case-consultations-head">
        <h2>{t('referrals.caseTitle')}</h2>
        {isTownship && kase.status !== 'CANCELLED' && (
          <>
            {hasCriticalValue(kase) && !rows.some((r) => r.greenChannel && OPEN_REFERRAL_STATUSES.includes(r.status)) && (
              <button type="button" className="button-danger" data-testid="green-channel" onClick={() => setDialog('green')}>
                {t('referrals.greenChannelButton')}
              </button>
            )}
            <button type="button" data-testid="refer-case" onClick={() => setDialog('refer')}>
              {t('referrals.referButton')}
            </button>
          </>
        )}
      </div>
      <ErrorMessage error={referrals.error} />
      {rows.length > 0 && <ReferralTable rows={rows} onCasePage onChanged={referrals.apply} onStale={referrals.reload} />}
      {dialog === 'refer' && <ReferralDialog caseId={kase.id} onCreated={made} onCancel={() => setDialog(null)} />}
      {dialog === 'green' && (
        <ConfirmDialog
          title={t('referrals.greenChannelTitle')}
          canConfirm
          onConfirm={async () => made(await referralsApi.greenChannel(kase.id))}
          onCancel={() => setDialog(null)}
          labels={{ cancel: t('referrals.back'), confirm: t('referrals.greenChannelConfirm'), pending: t('referrals.saving') }}
          testIds={{ form: 'green-channel-form', confirm: 'green-channel-confirm' }}
          renderError={(error) => <ErrorMessage error={error} />}
        >
          <p>{t('referrals.greenChannelExplain')}</p>
        </ConfirmDialog>
      )}
    </section>
  );
}
