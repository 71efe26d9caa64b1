// Two-level reporting per reading centre (书写 → 审核): for which exam kinds a centre's reports need a second reader.
// On the quality screen, where the centre's supervisors (their own centres) and administrators (every centre) look
// after how the centre reads; PUT /api/centres/:id/review-exam-kinds, audited.
import { useState } from 'react';
import { useTranslation } from 'react-i18next';
import type { ConsortiumDto } from '../../../../shared/api.ts';
import { EXAM_KINDS, type ExamKind } from '../../../../shared/domain.ts';
import { api } from '../../api/teledx.ts';
import { useApi } from '../../api/useApi.ts';
import { CheckboxChoices } from '../../components/CheckboxChoices.tsx';
import { ErrorMessage } from '../../components/ErrorMessage.tsx';
import { useMe } from '../../session.ts';

type Centre = ConsortiumDto['centres'][number];

export function ReviewSettings() {
  const { t } = useTranslation();
  const me = useMe();
  const consortium = useApi(() => api.consortium(), []);
  const managed = (consortium.data?.centres ?? []).filter((c) => me.role === 'ADMIN' || me.centres.some((m) => m.id === c.id));
  return (
    <section className="card" data-testid="review-settings">
      <h2>{t('quality.review.title')}</h2>
      <p className="small muted">{t('quality.review.hint')}</p>
      <ErrorMessage error={consortium.error} />
      {!consortium.data && !consortium.error && <p className="muted">{t('common.loading')}</p>}
      {managed.map((centre) => (
        <CentreReviewKinds key={centre.id} centre={centre} />
      ))}
    </section>
  );
}

/** One centre's exam kinds as checkboxes; saved together, the answer (the centre as stored) shown back. */
function CentreReviewKinds({ centre }: { centre: Centre }) {
  const { t } = useTranslation();
  const [saved, setSaved] = useState<readonly ExamKind[]>(centre.reviewExamKinds);
  const [chosen, setChosen] = useState<readonly ExamKind[]>(centre.reviewExamKinds);
  const [busy, setBusy] = useState(false);
  const [error, setError] = useState<unknown>();
  const [done, setDone] = useState(false);
  // the kinds the centre reads, in the vocabulary's order
  const kinds = EXAM_KINDS.filter((k) => centre.examKinds.includes(k));
  const changed = kinds.some((k) => saved.includes(k) !== chosen.includes(k));

  const save = async () => {
    setBusy(true);
    setError(undefined);
    try {
      const answer = await api.setReviewExamKinds(centre.id, [...chosen]);
      setSaved(answer.reviewExamKinds);
      setChosen(answer.reviewExamKinds);
      setDone(true);
    } catch (e) {
      setError(e);
    } finally {
      setBusy(false);
    }
  };
  return (
    <fieldset className="review-kinds" data-testid="review-centre" data-centre={centre.code}>
      <legend>{centre.name}</legend>
      <CheckboxChoices
        choices={kinds}
        chosen={chosen}
        labelOf={(kind) => t(`examKind.${kind}`)}
        testIdPrefix="review-kind-"
        onChange={(next) => {
          setDone(false);
          setChosen(next);
        }}
      />
      <button type="button" data-testid="review-save" disabled={busy || !changed} onClick={() => void save()}>
        {busy ? t('quality.review.saving') : t('quality.review.save')}
      </button>
      {done && !changed && (
        <span className="muted small" role="status" data-testid="review-saved">
          {t('quality.review.saved')}
        </span>
      )}
      <ErrorMessage error={error} data-testid="review-error" />
    </fieldset>
  );
}
