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

export function DepartmentSection({ departments, coordinators }: { departments: ApiState<DepartmentDto[]>; coordinators: PersonRef[] }) {
  const { t } = useTranslation();
  /** undefined: no form open; null: adding one */
  const [editing, setEditing] = useState<DepartmentDto | null>();
  const [toggling, setToggling] = useState<string | null>(null);
  const [toggleError, setToggleError] = useState<unknown>();

  const toggle = async (d: DepartmentDto) => {
    setToggling(d.id);
    setToggleError(undefined);
    try {
      const saved = await referralsApi.updateDepartment(d.id, departmentWithActive(d, !d.active));
      departments.setData((list) => list?.map((x) => (x.id === saved.id ? saved : x)));
    } catch (e) {
      setToggleError(e);
    } finally {
      setToggling(null);
    }
  };

  return (
    <section className="card" data-testid="department-section">
      <div className="page-title">
        <h2>{t('referralSetup.departments.title')}</h2>
        {editing === undefined && (
          <button type="button" className="button-primary" data-testid="department-add" onClick={() => setEditing(null)}>
            {t('referralSetup.departments.add')}
          </button>
        )}
      </div>
      <p className="muted small">{t('referralSetup.departments.explain')}</p>
      {editing !== undefined && (
        <DepartmentEditor
          key={editing?.id ?? 'new'}
          department={editing}
          coordinators={coordinators}
          onCancel={() => setEditing(undefined)}
          onSaved={() => {
            setEditing(undefined);
            departments.reload();
          }}
        />
      )}
      <ErrorMessage error={departments.error ?? toggleError} />
      {!departments.data && !departments.error && <p className="muted">{t('common.loading')}</p>}
      {departments.data &&
        (departments.data.length === 0 ? (
          <p className="empty">{t('referralSetup.departments.empty')}</p>
        ) : (
          <table className="case-table">
            <thead>
              <tr>
                <th>{t('referralSetup.departments.col.code')}</th>
                <th>{t('referralSetup.departments.col.name')}</th>
                <th>{t('referralSetup.departments.col.coordinators')}</th>
                <th>{t('referralSetup.col.active')}</th>
                <th />
              </tr>
            </thead>
            <tbody>
              {departments.data.map((d) => (
                <tr
                  key={d.id}
                  className={d.active ? undefined : 'rule-inactive'}
                  data-testid="department-row"
                  data-code={d.code}
                  data-active={String(d.active)}
                >
                  <td className="mono">{d.code}</td>
                  <td>{d.name}</td>
                  <td>
                    {d.coordinators.length > 0 ? (
                      d.coordinators.map((c) => c.displayName).join(t('common.listSeparator'))
                    ) : (
                      <span className="muted">{t('referralSetup.departments.noCoordinator')}</span>
                    )}
                  </td>
                  <td>
                    <ActiveSwitch active={d.active} busy={toggling === d.id} testId="department-toggle" onToggle={() => void toggle(d)} />
                  </td>
                  <td>
                    <button type="button" className="button-quiet" data-testid="department-edit" onClick={() => setEditing(d)}>
                      {t('referralSetup.edit')}
                    </button>
                  </td>
                </tr>
              ))}
            </tbody>
          </table>
        ))}
    </section>
  );
}

/** The on/off switch of a row (as on the routing rules' screen). */
export function ActiveSwitch({ active, busy, testId, onToggle }: { active: boolean; busy: boolean; testId: string; onToggle: () => void }) {
  const { t } = useTranslation();
  return (
    <button
      type="button"
      role="switch"
      aria-checked={active}
      className={`switch${active ? ' switch-on' : ''}`}
      data-testid={testId}
      disabled={busy}
      onClick={onToggle}
    >
      <span className="switch-knob" aria-hidden="true" />
      {active ? t('referralSetup.active') : t('referralSetup.inactive')}
    </button>
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
