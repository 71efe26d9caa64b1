import { useTranslation } from 'react-i18next';
import type { CaseDetailDto } from '../../../../shared/api.ts';
import { DateTime } from '../../components/format.tsx';
import { useDurationText } from '../../reading/timers.tsx';

/** How long each step took: submitted → first claimed → signed → (critical finding) acknowledged. */
export function Turnaround({ kase }: { kase: CaseDetailDto }) {
  const { t } = useTranslation();
  const duration = useDurationText();
  const { submittedAt, firstClaimedAt, signedAt, acknowledgedAt } = kase.turnaround;
  if (!submittedAt) return null;
  const between = (from: string | null, to: string | null) => (from && to ? duration(Date.parse(to) - Date.parse(from)) : null);
  type Step = {
    key: 'submitted' | 'firstClaimed' | 'signed' | 'acknowledged';
    at: string | null;
    took?: { label: 'toClaim' | 'toSign' | 'toAcknowledge'; text: string | null };
  };
  const steps: Step[] = [
    { key: 'submitted', at: submittedAt },
    { key: 'firstClaimed', at: firstClaimedAt, took: { label: 'toClaim', text: between(submittedAt, firstClaimedAt) } },
    { key: 'signed', at: signedAt, took: { label: 'toSign', text: between(firstClaimedAt, signedAt) } },
  ];
  if (kase.critical)
    steps.push({ key: 'acknowledged', at: acknowledgedAt, took: { label: 'toAcknowledge', text: between(signedAt, acknowledgedAt) } });
  const total = between(submittedAt, signedAt);
  return (
    <section className="card turnaround" data-testid="turnaround">
      <h2>{t('turnaround.title')}</h2>
      <ol className="turnaround-steps">
        {steps.map((step) => (
          <li key={step.key} data-step={step.key} className={step.at ? 'done' : ''}>
            <span className="turnaround-label">{t(`turnaround.${step.key}`)}</span>
            <DateTime iso={step.at} />
            {step.took?.text && (
              <span className="muted small">
                {t(`turnaround.${step.took.label}`)} {step.took.text}
              </span>
            )}
          </li>
        ))}
      </ol>
      {total && (
        <p className="small">
          {t('turnaround.total')}
          {t('common.colon')}
          <strong data-testid="turnaround-total">{total}</strong>
        </p>
      )}
    </section>
  );
}
