import { useTranslation } from 'react-i18next';
import type { DemographicsMismatch, StudyDto } from '../../../../shared/api.ts';
import { SEXES } from '../../../../shared/domain.ts';

/**
 * The DICOM header names a different patient than the one registered: the classic wrong-patient upload.
 * Shown above everything else so that it is seen before the case is submitted.
 */
export function MismatchWarning({ studies }: { studies: readonly StudyDto[] }) {
  const { t } = useTranslation();
  // sex arrives as a code (M/F); names and dates read as they are
  const sexLabel = (value: string) => {
    const sex = SEXES.find((s) => s === value);
    return sex ? t(`sex.${sex}`) : value;
  };
  const shown = (m: DemographicsMismatch, value: string) => (m.field === 'sex' ? sexLabel(value) : value);
  const mismatches = studies.flatMap((s) => s.demographicsMismatch.map((m) => ({ ...m, studyId: s.id })));
  if (mismatches.length === 0) return null;
  return (
    <div className="mismatch-warning" role="alert" data-testid="mismatch-warning">
      <strong>⚠ {t('case.mismatchTitle')}</strong>
      <ul>
        {mismatches.map((m) => (
          <li key={`${m.studyId}-${m.field}`}>
            {t('case.mismatchLine', {
              field: t(`mismatchField.${m.field}`),
              caseValue: shown(m, m.caseValue),
              dicomValue: shown(m, m.dicomValue),
            })}
          </li>
        ))}
      </ul>
    </div>
  );
}
