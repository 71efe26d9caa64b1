// The consortium's referral rules (administrators): which department takes upward referrals from which township
// (or all), sends patients down to it, and receives the green channel for which exam kinds. List, add, edit,
// switch off; the referral service asks the active ones (server/referrals/rules.ts).
import { useState, type FormEvent } from 'react';
import { useTranslation } from 'react-i18next';
import { EXAM_KINDS } from '../../../../shared/domain.ts';
import { REFERRAL_DIRECTIONS, type DepartmentDto, type ReferralDirection, type ReferralRuleDto } from '../../../../shared/referrals.ts';
import type { Township } from '../../api/consortium.ts';
import { referralsApi } from '../../api/referrals.ts';
import type { ApiState } from '../../api/useApi.ts';
import { ChoiceSelect } from '../../components/ChoiceSelect.tsx';
import { ErrorMessage } from '../../components/ErrorMessage.tsx';
import { Field } from '../../components/Field.tsx';
import { checkRule, EMPTY_RULE, NOTE_MAX, ruleFormOf, ruleInputOf, ruleWithActive, type RuleForm, type RuleProblem } from './setup-form.ts';
import { SetupSection } from './SetupSection.tsx';

export function RuleSection({
  rules,
  departments,
  townships,
}: {
  rules: ApiState<ReferralRuleDto[]>;
  departments: DepartmentDto[];
  townships: Township[];
}) {
  const { t } = useTranslation();
  return (
    <SetupSection
      list={rules}
      textKey="referralSetup.rules"
      testIdPrefix="referral-rule"
      tableClassName="case-table rule-table"
      rowData={(r) => ({ 'data-rule-id': r.id })}
      columns={[
        { header: t('referralSetup.rules.col.department'), cell: (r) => r.department.name },
        { header: t('referralSetup.rules.col.direction'), cell: (r) => t(`referrals.direction.${r.direction}`) },
        {
          header: t('referralSetup.rules.col.township'),
          cell: (r) => r.township?.name ?? <span className="muted">{t('referralSetup.rules.allTownships')}</span>,
        },
        {
          header: t('referralSetup.rules.col.greenChannel'),
          cell: (r) =>
            r.greenChannel
              ? r.examKind
                ? t('referralSetup.rules.greenFor', { examKind: t(`examKind.${r.examKind}`) })
                : t('referralSetup.rules.greenAny')
              : '',
        },
        'active',
        { header: t('referralSetup.rules.col.note'), cell: (r) => r.note ?? '' },
      ]}
      onToggle={async (r) => {
        await referralsApi.updateRule(r.id, ruleWithActive(r, !r.active));
        rules.reload(); // the list is ordered by activity: reload rather than patch
      }}
      editor={(rule, done) => <RuleEditor rule={rule} departments={departments} townships={townships} {...done} />}
    />
  );
}

function RuleEditor({
  rule,
  departments,
  townships,
  onSaved,
  onCancel,
}: {
  rule: ReferralRuleDto | null;
  departments: DepartmentDto[];
  townships: Township[];
  onSaved: (r: ReferralRuleDto) => void;
  onCancel: () => void;
}) {
  const { t } = useTranslation();
  const [form, setForm] = useState<RuleForm>(rule ? ruleFormOf(rule) : EMPTY_RULE);
  const [problem, setProblem] = useState<RuleProblem>(null);
  const [busy, setBusy] = useState(false);
  const [serverError, setServerError] = useState<unknown>();
  const set = <K extends keyof RuleForm>(field: K, value: RuleForm[K]) => {
    setForm((f) => ({ ...f, [field]: value }));
    setProblem(null);
  };

  const submit = async (e: FormEvent) => {
    e.preventDefault();
    setServerError(undefined);
    const found = checkRule(form);
    setProblem(found);
    if (found) return;
    setBusy(true);
    try {
      const body = ruleInputOf(form);
      onSaved(rule ? await referralsApi.updateRule(rule.id, body) : await referralsApi.createRule(body));
    } catch (err) {
      setServerError(err);
      setBusy(false);
    }
  };

  return (
    <form className="card rule-form" data-testid="referral-rule-form" onSubmit={(e) => void submit(e)} noValidate>
      <h3>{rule ? t('referralSetup.rules.editTitle') : t('referralSetup.rules.addTitle')}</h3>
      <div className="form-grid">
        <Field
          id="referral-rule-department"
          label={t('referralSetup.rules.col.department')}
          required
          error={problem === 'department' ? t('referralSetup.rules.departmentRequired') : undefined}
        >
          <select
            id="referral-rule-department"
            data-testid="referral-rule-department"
            value={form.departmentId}
            aria-invalid={problem === 'department' ? true : undefined}
            onChange={(e) => set('departmentId', e.target.value)}
          >
            <option value="">{t('referralSetup.rules.chooseDepartment')}</option>
            {departments.map((d) => (
              <option key={d.id} value={d.id}>
                {d.active ? d.name : t('referralSetup.rules.inactiveDepartment', { name: d.name })}
              </option>
            ))}
          </select>
        </Field>
        <Field id="referral-rule-direction" label={t('referralSetup.rules.col.direction')} hint={t('referralSetup.rules.directionHint')}>
          <select
            id="referral-rule-direction"
            data-testid="referral-rule-direction"
            value={form.direction}
            onChange={(e) => {
              const direction = e.target.value as ReferralDirection;
              setForm((f) => ({ ...f, direction, greenChannel: direction === 'UP' && f.greenChannel }));
            }}
          >
            {REFERRAL_DIRECTIONS.map((d) => (
              <option key={d} value={d}>
                {t(`referrals.direction.${d}`)}
              </option>
            ))}
          </select>
        </Field>
        <Field id="referral-rule-township" label={t('referralSetup.rules.col.township')}>
          <select
            id="referral-rule-township"
            data-testid="referral-rule-township"
            value={form.townshipId}
            onChange={(e) => set('townshipId', e.target.value)}
          >
            <option value="">{t('referralSetup.rules.allTownships')}</option>
            {townships.map((o) => (
              <option key={o.id} value={o.id}>
                {o.name}
              </option>
            ))}
          </select>
        </Field>
        {form.direction === 'UP' && (
          <label className="checkbox-field">
            <input
              type="checkbox"
              data-testid="referral-rule-green"
              checked={form.greenChannel}
              onChange={(e) => set('greenChannel', e.target.checked)}
            />
            {t('referralSetup.rules.greenLabel')}
          </label>
        )}
        {form.direction === 'UP' && form.greenChannel && (
          <Field id="referral-rule-exam-kind" label={t('referralSetup.rules.examKind')} hint={t('referralSetup.rules.examKindHint')}>
            <ChoiceSelect
              id="referral-rule-exam-kind"
              testId="referral-rule-exam-kind"
              value={form.examKind}
              choices={EXAM_KINDS}
              unsetLabel={t('referralSetup.rules.anyExamKind')}
              labelOf={(k) => t(`examKind.${k}`)}
              onChange={(examKind) => set('examKind', examKind)}
            />
          </Field>
        )}
        <Field
          id="referral-rule-note"
          label={t('referralSetup.rules.col.note')}
          error={problem === 'note' ? t('referralSetup.rules.noteTooLong', { max: NOTE_MAX }) : undefined}
          wide
        >
          <input
            id="referral-rule-note"
            data-testid="referral-rule-note"
            maxLength={NOTE_MAX}
            value={form.note}
            onChange={(e) => set('note', e.target.value)}
          />
        </Field>
        <label className="checkbox-field">
          <input
            type="checkbox"
            data-testid="referral-rule-active"
            checked={form.active}
            onChange={(e) => set('active', e.target.checked)}
          />
          {t('referralSetup.rules.activeLabel')}
        </label>
      </div>
      <ErrorMessage error={serverError} />
      <div className="form-actions">
        <button type="button" data-testid="referral-rule-cancel" onClick={onCancel}>
          {t('referralSetup.cancel')}
        </button>
        <button type="submit" className="button-primary" data-testid="referral-rule-save" disabled={busy}>
          {busy ? t('referralSetup.saving') : t('referralSetup.save')}
        </button>
      </div>
    </form>
  );
}
