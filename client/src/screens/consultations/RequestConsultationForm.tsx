// 申请远程会诊: the township asks a reading centre, or one of its specialists by name, to meet now or at a time,
// on a case (from the case page) or on its own (from the consultations screen).
import { useState, type FormEvent } from 'react';
import { useTranslation } from 'react-i18next';
import type { ConsultationDto, PersonRef } from '../../../../shared/consult.ts';
import { consultationsApi } from '../../api/consultations.ts';
import { api } from '../../api/teledx.ts';
import { useApi } from '../../api/useApi.ts';
import { ConsultErrorMessage } from './ConsultErrorMessage.tsx';
import { ConsultationsUnavailableNotice } from './ConsultationBits.tsx';
import { Field } from '../../components/Field.tsx';
import { localInputToIso, nextFullHour, toLocalInput } from './consultation-model.ts';

/** The case the consultation is about, when asked from its page. */
export interface ConsultationCaseRef {
  id: string;
  patientName: string;
  examLabel: string;
  /** the centre the case went to: the first choice */
  centreId: string | null;
}

type When = 'now' | 'scheduled';
type Problem = 'centre' | 'scheduledAt' | 'topic';

/** Refused only for minutes already gone: a clock a little behind the server's should not block "in 5 minutes". */
const PAST_SLACK_MS = 60_000;

export function RequestConsultationForm({
  kase,
  onCreated,
  onCancel,
}: {
  kase?: ConsultationCaseRef;
  onCreated: (consultation: ConsultationDto) => void;
  onCancel: () => void;
}) {
  const { t } = useTranslation();
  const consortium = useApi(() => api.consortium(), []);
  const centres = consortium.data?.centres ?? [];
  const [centreId, setCentreId] = useState(kase?.centreId ?? '');
  const [specialistId, setSpecialistId] = useState('');
  const [when, setWhen] = useState<When>('now');
  const [scheduledAt, setScheduledAt] = useState('');
  const [topic, setTopic] = useState('');
  const [problems, setProblems] = useState<Partial<Record<Problem, string>>>({});
  const [pending, setPending] = useState(false);
  const [error, setError] = useState<unknown>();
  const specialists = useApi<PersonRef[]>(() => (centreId ? consultationsApi.specialists(centreId) : Promise.resolve([])), [centreId]);
  // the case's centre is the first choice, if it is one of the consortium's
  const chosenCentre = centres.some((c) => c.id === centreId) ? centreId : '';

  const chooseCentre = (id: string) => {
    setCentreId(id);
    setSpecialistId('');
    setProblems((p) => ({ ...p, centre: undefined }));
  };

  const chooseWhen = (next: When) => {
    setWhen(next);
    if (next === 'scheduled' && !scheduledAt) setScheduledAt(toLocalInput(nextFullHour(new Date())));
  };

  const check = (): { problems: Partial<Record<Problem, string>>; scheduledIso?: string } => {
    const found: Partial<Record<Problem, string>> = {};
    if (!chosenCentre) found.centre = t('consultations.form.centreRequired');
    if (!topic.trim()) found.topic = t('consultations.form.topicRequired');
    let scheduledIso: string | undefined;
    if (when === 'scheduled') {
      const iso = localInputToIso(scheduledAt);
      if (!iso) found.scheduledAt = t('consultations.form.scheduledRequired');
      else if (Date.parse(iso) < Date.now() - PAST_SLACK_MS) found.scheduledAt = t('consultations.form.scheduledPast');
      else scheduledIso = iso;
    }
    return { problems: found, scheduledIso };
  };

  const submit = async (e: FormEvent) => {
    e.preventDefault();
    if (pending) return;
    const checked = check();
    setProblems(checked.problems);
    if (Object.keys(checked.problems).length > 0) return;
    setPending(true);
    setError(undefined);
    try {
      const created = await consultationsApi.create({
        ...(kase ? { caseId: kase.id } : {}),
        centreId: chosenCentre,
        ...(specialistId ? { specialistId } : {}),
        ...(checked.scheduledIso ? { scheduledAt: checked.scheduledIso } : {}),
        topic: topic.trim(),
      });
      onCreated(created);
    } catch (err) {
      setError(err);
      setPending(false);
    }
  };

  return (
    <form
      className="consult-request-form"
      data-testid="consultation-request-form"
      noValidate
      onSubmit={(e) => void submit(e)}
      onKeyDown={(e) => e.key === 'Escape' && !pending && onCancel()}
    >
      <h2>{t('consultations.form.title')}</h2>
      <ConsultationsUnavailableNotice />
      {kase && <p className="muted">{t('consultations.form.caseLine', { patient: kase.patientName, exam: kase.examLabel })}</p>}
      <ConsultErrorMessage error={consortium.error} />
      <Field id="consult-centre" label={t('consultations.form.centre')} required error={problems.centre}>
        <select
          id="consult-centre"
          name="centreId"
          data-testid="consultation-centre"
          value={chosenCentre}
          disabled={!consortium.data}
          onChange={(e) => chooseCentre(e.target.value)}
        >
          <option value="">{consortium.data ? t('consultations.form.centreUnset') : t('common.loading')}</option>
          {centres.map((c) => (
            <option key={c.id} value={c.id}>
              {c.name}
            </option>
          ))}
        </select>
      </Field>
      <Field id="consult-specialist" label={t('consultations.form.specialist')} hint={t('consultations.form.specialistHint')}>
        <select
          id="consult-specialist"
          name="specialistId"
          data-testid="consultation-specialist"
          value={specialistId}
          disabled={!chosenCentre || !specialists.data}
          onChange={(e) => setSpecialistId(e.target.value)}
        >
          <option value="">{t('consultations.anySpecialist')}</option>
          {(specialists.data ?? []).map((s) => (
            <option key={s.id} value={s.id}>
              {s.displayName}
            </option>
          ))}
        </select>
      </Field>
      <ConsultErrorMessage error={specialists.error} />
      <fieldset className="consult-when">
        <legend>{t('consultations.form.when')}</legend>
        <label className="checkbox-field">
          <input
            type="radio"
            name="when"
            value="now"
            data-testid="consultation-when-now"
            checked={when === 'now'}
            onChange={() => chooseWhen('now')}
          />
          {t('consultations.form.now')}
        </label>
        <label className="checkbox-field">
          <input
            type="radio"
            name="when"
            value="scheduled"
            data-testid="consultation-when-scheduled"
            checked={when === 'scheduled'}
            onChange={() => chooseWhen('scheduled')}
          />
          {t('consultations.form.scheduled')}
        </label>
        {when === 'scheduled' && (
          <Field id="consult-scheduled-at" label={t('consultations.form.scheduledAt')} required error={problems.scheduledAt}>
            <input
              id="consult-scheduled-at"
              type="datetime-local"
              name="scheduledAt"
              data-testid="consultation-scheduled-at"
              value={scheduledAt}
              min={toLocalInput(new Date())}
              onChange={(e) => setScheduledAt(e.target.value)}
            />
          </Field>
        )}
      </fieldset>
      <Field id="consult-topic" label={t('consultations.form.topic')} required wide error={problems.topic}>
        <textarea
          id="consult-topic"
          name="topic"
          data-testid="consultation-topic"
          rows={4}
          maxLength={2000}
          value={topic}
          placeholder={t('consultations.form.topicPlaceholder')}
          onChange={(e) => setTopic(e.target.value)}
        />
      </Field>
      <ConsultErrorMessage error={error} data-testid="consultation-request-error" />
      <div className="form-actions">
        <button type="button" disabled={pending} onClick={onCancel}>
          {t('consultations.form.cancel')}
        </button>
        <button type="submit" className="button-primary" disabled={pending} data-testid="consultation-request-submit">
          {pending ? t('consultations.form.submitting') : t('consultations.form.submit')}
        </button>
      </div>
    </form>
  );
}

/** The form in a dialog over the page. */
export function RequestConsultationDialog(props: Parameters<typeof RequestConsultationForm>[0]) {
  const { t } = useTranslation();
  return (
    <div className="modal-backdrop">
      <div className="modal card consult-request-dialog" role="dialog" aria-modal="true" aria-label={t('consultations.form.title')}>
        <RequestConsultationForm {...props} />
      </div>
    </div>
  );
}
