// The county hospital's departments that take referrals (administrators): list, add, edit (name, coordinators),
// switch off. A switched-off department takes no new referral; its referrals stay as they are.
import { useState, type FormEvent } from 'react';
import { useTranslation } from 'react-i18next';
import type { PersonRef } from '../../../../shared/consult.ts';
import type { DepartmentDto } from '../../../../shared/referrals.ts';
import { referralsApi } from '../../api/referrals.ts';
import type { ApiState } from '../../api/useApi.ts';
import { CheckboxChoices } from '../../components/CheckboxChoices.tsx';
import { ErrorMessage } from '../../components/ErrorMessage.tsx';
import { Field } from '../../components/Field.tsx';
import {
  checkDepartment,
  departmentFormOf,
  departmentInputOf,
  departmentWithActive,
  EMPTY_DEPARTMENT,
  NAME_MAX,
  type DepartmentForm,
  type DepartmentProblem,
} from './setup-form.ts';
import { SetupSection } from './SetupSection.tsx';

export function DepartmentSection({ departments, coordinators }: { departments: ApiState<DepartmentDto[]>; coordinators: PersonRef[] }) {
  const { t } = useTranslation();
  return (
    <SetupSection
      list={departments}
      textKey="referralSetup.departments"
      testIdPrefix="department"
      rowData={(d) => ({ 'data-code': d.code })}
      columns={[
        { header: t('referralSetup.departments.col.code'), cell: (d) => <span className="mono">{d.code}</span> },
        { header: t('referralSetup.departments.col.name'), cell: (d) => d.name },
        {
          header: t('referralSetup.departments.col.coordinators'),
          cell: (d) =>
            d.coordinators.length > 0 ? (
              d.coordinators.map((c) => c.displayName).join(t('common.listSeparator'))
            ) : (
              <span className="muted">{t('referralSetup.departments.noCoordinator')}</span>
            ),
        },
        'active',
      ]}
      onToggle={async (d) => {
        const saved = await referralsApi.updateDepartment(d.id, departmentWithActive(d, !d.active));
        departments.setData((list) => list?.map((x) => (x.id === saved.id ? saved : x)));
      }}
      editor={(department, done) => <DepartmentEditor department={department} coordinators={coordinators} {...done} />}
    />
  );
}

function DepartmentEditor({
  department,
  coordinators,
  onSaved,
  onCancel,
}: {
  department: DepartmentDto | null;
  coordinators: PersonRef[];
  onSaved: (d: DepartmentDto) => void;
  onCancel: () => void;
}) {
  const { t } = useTranslation();
  const [form, setForm] = useState<DepartmentForm>(department ? departmentFormOf(department) : EMPTY_DEPARTMENT);
  const [problem, setProblem] = useState<DepartmentProblem>(null);
  const [busy, setBusy] = useState(false);
  const [serverError, setServerError] = useState<unknown>();
  const set = <K extends keyof DepartmentForm>(field: K, value: DepartmentForm[K]) => {
    setForm((f) => ({ ...f, [field]: value }));
    setProblem(null);
  };
  // a coordinator named on the department stays offered even if no longer listed
  const people = [...coordinators, ...(department?.coordinators.filter((c) => !coordinators.some((p) => p.id === c.id)) ?? [])];
  const nameOf = new Map(people.map((p) => [p.id, p.displayName]));

  const submit = async (e: FormEvent) => {
    e.preventDefault();
    setServerError(undefined);
    const found = checkDepartment(form);
    setProblem(found);
    if (found) return;
    setBusy(true);
    try {
      const body = departmentInputOf(form);
      onSaved(department ? await referralsApi.updateDepartment(department.id, body) : await referralsApi.createDepartment(body));
    } catch (err) {
      setServerError(err);
      setBusy(false);
    }
  };

  return (
    <form className="card rule-form" data-testid="department-form" onSubmit={(e) => void submit(e)} noValidate>
      <h3>{department ? t('referralSetup.departments.editTitle') : t('referralSetup.departments.addTitle')}</h3>
      <div className="form-grid">
        <Field
          id="department-code"
          label={t('referralSetup.departments.col.code')}
          required
          hint={t('referralSetup.departments.codeHint')}
          error={problem === 'code' ? t('referralSetup.departments.codeInvalid') : undefined}
        >
          <input
            id="department-code"
            data-testid="department-code"
            className="mono"
            maxLength={32}
            value={form.code}
            aria-invalid={problem === 'code' ? true : undefined}
            onChange={(e) => set('code', e.target.value.toUpperCase())}
          />
        </Field>
        <Field
          id="department-name"
          label={t('referralSetup.departments.col.name')}
          required
          error={problem === 'name' ? t('referralSetup.departments.nameRequired', { max: NAME_MAX }) : undefined}
        >
          <input
            id="department-name"
            data-testid="department-name"
            maxLength={NAME_MAX}
            value={form.name}
            aria-invalid={problem === 'name' ? true : undefined}
            onChange={(e) => set('name', e.target.value)}
          />
        </Field>
        <fieldset className="field field-wide">
          <legend>{t('referralSetup.departments.col.coordinators')}</legend>
          {people.length === 0 ? (
            <p className="muted small">{t('referralSetup.departments.noCoordinators')}</p>
          ) : (
            <CheckboxChoices
              choices={people.map((p) => p.id)}
              chosen={form.coordinatorIds}
              labelOf={(id) => nameOf.get(id) ?? id}
              testIdPrefix="department-coordinator-"
              onChange={(ids) => set('coordinatorIds', ids)}
            />
          )}
        </fieldset>
        <label className="checkbox-field">
          <input type="checkbox" data-testid="department-active" checked={form.active} onChange={(e) => set('active', e.target.checked)} />
          {t('referralSetup.departments.activeLabel')}
        </label>
      </div>
      <ErrorMessage error={serverError} />
      <div className="form-actions">
        <button type="button" data-testid="department-cancel" onClick={onCancel}>
          {t('referralSetup.cancel')}
        </button>
        <button type="submit" className="button-primary" data-testid="department-save" disabled={busy}>
          {busy ? t('referralSetup.saving') : t('referralSetup.save')}
        </button>
      </div>
    </form>
  );
}
