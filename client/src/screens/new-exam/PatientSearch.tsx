// The new-exam form's search box: a returning patient is found among the township's own records (GET
// /api/patients, by the beginning of the ID number or the name) and chosen, which fills the patient fields and
// links the exam to that record, instead of typing the person in again.
import { useEffect, useState } from 'react';
import { useTranslation } from 'react-i18next';
import type { PatientMatchDto } from '../../../../shared/api.ts';
import { api } from '../../api/teledx.ts';
import { ErrorMessage } from '../../components/ErrorMessage.tsx';
import { DateTime } from '../../components/format.tsx';

/** typing pauses this long before the search is sent (a search per keystroke is wasted on a slow uplink) */
const DEBOUNCE_MS = 250;

export function PatientSearch({
  onChoose,
  label,
  hint,
}: {
  onChoose: (patient: PatientMatchDto) => void;
  /** the new-exam form's words unless given (the referral form's differ) */
  label?: string;
  hint?: string;
}) {
  const { t } = useTranslation();
  const [text, setText] = useState('');
  const [matches, setMatches] = useState<PatientMatchDto[] | null>(null);
  const [error, setError] = useState<unknown>();

  useEffect(() => {
    const q = text.trim();
    if (!q) {
      setMatches(null);
      return;
    }
    let current = true;
    const timer = setTimeout(() => {
      api.searchPatients(q).then(
        (found) => current && (setMatches(found), setError(undefined)),
        (e: unknown) => current && setError(e),
      );
    }, DEBOUNCE_MS);
    return () => {
      current = false;
      clearTimeout(timer);
    };
  }, [text]);

  return (
    <div className="field field-wide patient-search">
      <label htmlFor="patient-search">{label ?? t('requisition.findPatient')}</label>
      <input
        id="patient-search"
        type="search"
        data-testid="patient-search"
        autoComplete="off"
        maxLength={64}
        placeholder={t('requisition.findPatientPlaceholder')}
        value={text}
        onChange={(e) => setText(e.target.value)}
      />
      <p className="field-hint">{hint ?? t('requisition.findPatientHint')}</p>
      <ErrorMessage error={error} />
      {matches && matches.length === 0 && <p className="muted">{t('requisition.noMatch')}</p>}
      {matches && matches.length > 0 && (
        <ul className="patient-matches">
          {matches.map((p) => (
            <li key={p.id}>
              <button type="button" data-testid="patient-match" onClick={() => onChoose(p)}>
                <strong>{p.name}</strong> {t(`sex.${p.sex}`)} {p.birthDate ?? ''} <span className="mono">{p.nationalId ?? ''}</span>{' '}
                <span className="muted">
                  {p.lastExamAt ? (
                    <>
                      {t('requisition.lastExam')} <DateTime iso={p.lastExamAt} />
                    </>
                  ) : (
                    t('requisition.neverExamined')
                  )}
                </span>
              </button>
            </li>
          ))}
        </ul>
      )}
    </div>
  );
}
