import { useState, type FormEvent } from 'react';
import { useTranslation } from 'react-i18next';
import type { ConsortiumDto, RoutingRuleDto } from '../../../../shared/api.ts';
import { EXAM_KINDS } from '../../../../shared/domain.ts';
import { ApiError } from '../../api/client.ts';
import { townshipsOf } from '../../api/consortium.ts';
import { api } from '../../api/teledx.ts';
import { ChoiceSelect } from '../../components/ChoiceSelect.tsx';
import { ErrorMessage } from '../../components/ErrorMessage.tsx';
import { Field } from '../../components/Field.tsx';
import { checkRule, EMPTY_RULE, formOf, inputOf, modalityChoices, NOTE_MAX, type RuleForm, type RuleProblem } from './rule-form.ts';

/** Adds a rule (`rule` null) or edits one. */
export function RuleEditor({
  rule,
  consortium,
  onSaved,
  onCancel,
}: {
  rule: RoutingRuleDto | null;
  consortium: ConsortiumDto;
  onSaved: (rule: RoutingRuleDto) => void;
  onCancel: () => void;
}) {
  const { t } = useTranslation();
  const [form, setForm] = useState<RuleForm>(rule ? formOf(rule) : EMPTY_RULE);
  const [problem, setProblem] = useState<RuleProblem | null>(null);
  const [busy, setBusy] = useState(false);
  const [serverError, setServerError] = useState<unknown>();

  const set = <K extends keyof RuleForm>(field: K, value: RuleForm[K]) => {
    setForm((f) => ({ ...f, [field]: value }));
    setProblem(null);
  };

  const submit = async (e: FormEvent) => {
    e.preventDefault();
    setServerError(undefined);
    const found = checkRule(form, consortium);
    setProblem(found);
    if (found) return;
    setBusy(true);
    try {
      const body = inputOf(form);
      onSaved(rule ? await api.updateRoutingRule(rule.id, body) : await api.createRoutingRule(body));
    } catch (err) {
      setServerError(err);
      setBusy(false);
    }
  };

  const problemText = (field: RuleProblem['field']) => {
    if (problem?.field !== field) return undefined;
    if (problem.kind === 'doesNotRead')
      return t('rules.error.doesNotRead', { centre: problem.centre, examKind: form.examKind && t(`examKind.${form.examKind}`) });
    return t(`rules.error.${problem.kind}`, { max: NOTE_MAX });
  };
  const invalid = (field: RuleProblem['field']) => ({
    'aria-invalid': problem?.field === field ? true : undefined,
    'aria-describedby': problem?.field === field ? `rule-${field}-error` : undefined,
  });

  return (
    <form className="card rule-form" data-testid="routing-rule-form" onSubmit={(e) => void submit(e)} noValidate>
      <h2>{rule ? t('rules.editTitle') : t('rules.addTitle')}</h2>
      <div className="form-grid">
        <Field id="rule-examKind" label={t('rules.col.examKind')}>
          <ChoiceSelect
            id="rule-examKind"
            testId="rule-exam-kind"
            value={form.examKind}
            choices={EXAM_KINDS}
            unsetLabel={t('rules.anyExamKind')}
            labelOf={(k) => t(`examKind.${k}`)}
            onChange={(examKind) => set('examKind', examKind)}
          />
        </Field>
        <Field id="rule-modality" label={t('rules.col.modality')} hint={t('rules.modalityHint')}>
          <select id="rule-modality" data-testid="rule-modality" value={form.modality} onChange={(e) => set('modality', e.target.value)}>
            <option value="">{t('rules.anyModality')}</option>
            {modalityChoices(form.examKind, form.modality).map((m) => (
              <option key={m} value={m}>
                {m}
              </option>
            ))}
          </select>
        </Field>
        <Field id="rule-originOrgId" label={t('rules.col.township')} hint={t('rules.townshipHint')}>
          <select
            id="rule-originOrgId"
            data-testid="rule-township"
            value={form.originOrgId}
            onChange={(e) => set('originOrgId', e.target.value)}
          >
            <option value="">{t('rules.allTownships')}</option>
            {townshipsOf(consortium).map((o) => (
              <option key={o.id} value={o.id}>
                {o.name}
              </option>
            ))}
          </select>
        </Field>
        <Field id="rule-centreId" label={t('rules.col.centre')} required error={problemText('centreId')}>
          <select
            id="rule-centreId"
            data-testid="rule-centre"
            value={form.centreId}
            onChange={(e) => set('centreId', e.target.value)}
            {...invalid('centreId')}
          >
            <option value="">{t('rules.chooseCentre')}</option>
            {consortium.centres.map((c) => (
              <option key={c.id} value={c.id}>
                {c.name}
              </option>
            ))}
          </select>
        </Field>
        <Field id="rule-note" label={t('rules.col.note')} error={problemText('note')} wide>
          <input
            id="rule-note"
            data-testid="rule-note"
            maxLength={NOTE_MAX}
            value={form.note}
            onChange={(e) => set('note', e.target.value)}
            {...invalid('note')}
          />
        </Field>
        <label className="checkbox-field">
          <input type="checkbox" data-testid="rule-active" checked={form.active} onChange={(e) => set('active', e.target.checked)} />
          {t('rules.activeLabel')}
        </label>
      </div>
      <RuleServerError error={serverError} />
      <div className="form-actions">
        <button type="button" data-testid="rule-cancel" onClick={onCancel}>
          {t('rules.cancel')}
        </button>
        <button type="submit" className="button-primary" data-testid="rule-save" disabled={busy}>
          {busy ? t('rules.saving') : t('rules.save')}
        </button>
      </div>
    </form>
  );
}

/** A refused rule: the translated reason, and for a 400 the server's own words, which say what is wrong. */
function RuleServerError({ error }: { error: unknown }) {
  if (!error) return null;
  const detail = error instanceof ApiError && error.status === 400 && error.code === 'BAD_REQUEST' ? error.message : null;
  return (
    <div data-testid="rule-error">
      <ErrorMessage error={error} />
      {detail && <p className="muted small mono">{detail}</p>}
    </div>
  );
}
