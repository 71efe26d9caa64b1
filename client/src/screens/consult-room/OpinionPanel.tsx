// The consultation's opinion (会诊意见): the specialist writes and saves it (again and again, during the
// consultation and after it); the others read what was saved, as it is saved.
import { useState } from 'react';
import { useTranslation } from 'react-i18next';
import type { ConsultationDto } from '../../../../shared/consult.ts';
import { DateTime } from '../../components/format.tsx';
import { ConsultErrorMessage } from '../consultations/ConsultErrorMessage.tsx';
import { consultationsApi } from '../../api/consultations.ts';

export function OpinionPanel({
  consultation,
  isSpecialist,
  onSaved,
}: {
  consultation: ConsultationDto;
  isSpecialist: boolean;
  onSaved: (dto: ConsultationDto) => void;
}) {
  const { t } = useTranslation();
  /** null: untouched, the saved opinion is what the box shows */
  const [draft, setDraft] = useState<string | null>(null);
  const [saving, setSaving] = useState(false);
  const [error, setError] = useState<unknown>();
  const saved = consultation.opinion;
  if (!isSpecialist && !saved) {
    return (
      <section className="card consult-opinion">
        <h2>{t('consultRoom.opinionTitle')}</h2>
        <p className="muted" data-testid="opinion-none">
          {t('consultRoom.opinionNone')}
        </p>
      </section>
    );
  }
  const text = draft ?? saved ?? '';
  const dirty = draft !== null && draft.trim() !== (saved ?? '');

  const save = async () => {
    setSaving(true);
    setError(undefined);
    try {
      const dto = await consultationsApi.saveOpinion(consultation.id, text);
      onSaved(dto);
      setDraft(null);
    } catch (e) {
      setError(e);
    } finally {
      setSaving(false);
    }
  };

  return (
    <section className="card consult-opinion">
      <h2>{t('consultRoom.opinionTitle')}</h2>
      {isSpecialist && (
        <form
          onSubmit={(e) => {
            e.preventDefault();
            void save();
          }}
        >
          <textarea
            data-testid="opinion-text"
            rows={6}
            maxLength={20_000}
            value={text}
            placeholder={t('consultRoom.opinionPlaceholder')}
            onChange={(e) => setDraft(e.target.value)}
          />
          <div className="consult-opinion-actions">
            <button type="submit" className="button-primary" data-testid="opinion-save" disabled={saving || !dirty || text.trim() === ''}>
              {saving ? t('consultRoom.opinionSaving') : t('consultRoom.opinionSave')}
            </button>
            {dirty && <span className="muted">{t('consultRoom.opinionUnsaved')}</span>}
          </div>
          <ConsultErrorMessage error={error} />
        </form>
      )}
      {saved && (
        <div className="consult-opinion-saved">
          <p className="muted">
            {t('consultRoom.opinionSaved')} ·{' '}
            {consultation.opinionBy && t('consultRoom.opinionBy', { name: consultation.opinionBy.displayName })}{' '}
            <DateTime iso={consultation.opinionAt} />
          </p>
          <p data-testid="opinion-saved" className="consult-opinion-text">
            {saved}
          </p>
        </div>
      )}
    </section>
  );
}
