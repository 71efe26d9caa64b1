// The analysis' per-lead signal quality in words: for the reader beside the paper, and for the township technician
// right after the upload, with the advice to record again while the patient is still there.
import { useTranslation } from 'react-i18next';
import type { LeadQuality } from '../../../shared/ecg/types.ts';

/** "muscle noise, baseline wander" for one lead, in the screen's language. */
export function useQualityText(): (quality: LeadQuality) => string {
  const { t } = useTranslation();
  return (quality) => quality.problems.map((p) => t(`ecg.quality.problem.${p}`)).join(t('common.listSeparator'));
}

export function SignalQualityNotice({ quality, forTechnician }: { quality: readonly LeadQuality[]; forTechnician: boolean }) {
  const { t } = useTranslation();
  const problemText = useQualityText();
  const poor = quality.filter((q) => q.grade !== 'GOOD');
  if (poor.length === 0) {
    return (
      <p className="muted small" data-testid="ecg-quality" data-grade="GOOD">
        {t('ecg.quality.title')}: {t('ecg.quality.allGood')}
      </p>
    );
  }
  const unusable = poor.some((q) => q.grade === 'UNUSABLE');
  return (
    <div className="ecg-quality-notice" role="status" data-testid="ecg-quality" data-grade={unusable ? 'UNUSABLE' : 'NOISY'}>
      <strong>{t('ecg.quality.title')}</strong>
      {forTechnician && <p data-testid="ecg-quality-retake">{t('ecg.quality.retake')}</p>}
      <ul>
        {poor.map((q) => (
          <li key={q.lead} data-testid="ecg-quality-lead" data-lead={q.lead} data-grade={q.grade}>
            {t('ecg.quality.lead', {
              lead: q.lead,
              problems: problemText(q),
              grade: t(`ecg.quality.grade${q.grade === 'UNUSABLE' ? 'UNUSABLE' : 'NOISY'}`),
            })}
          </li>
        ))}
      </ul>
      {unusable && <p className="small">{t('ecg.quality.unusableForBeats')}</p>}
    </div>
  );
}
