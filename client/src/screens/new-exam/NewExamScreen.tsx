import { useState, type FormEvent } from 'react';
import { useTranslation } from 'react-i18next';
import { LATERALITIES, VISIT_KINDS, type PatientMatchDto } from '../../../../shared/api.ts';
import { EXAM_KINDS, PRIORITIES, SEXES } from '../../../../shared/domain.ts';
import { parseNationalId } from '../../../../shared/national-id.ts';
import { api } from '../../api/teledx.ts';
import { ErrorMessage } from '../../components/ErrorMessage.tsx';
import { Field } from '../../components/Field.tsx';
import { Link, navigate, paths } from '../../router.tsx';
import { EMPTY_FORM, patientFields, validateForm, type ExamForm, type FieldErrors, type FieldName } from './exam-form.ts';
import { PatientSearch } from './PatientSearch.tsx';

/** Routine first: it is the usual choice and the default. */
const PRIORITY_ORDER = [...PRIORITIES].reverse();

export function NewExamScreen() {
  const { t } = useTranslation();
  const [form, setForm] = useState<ExamForm>(EMPTY_FORM);
  const [errors, setErrors] = useState<FieldErrors>({});
  const [filledFromId, setFilledFromId] = useState(false);
  /** the township's record the patient fields come from: the exam is linked to it, its fields are not edited */
  const [chosen, setChosen] = useState<PatientMatchDto | null>(null);
  const [busy, setBusy] = useState(false);
  const [serverError, setServerError] = useState<unknown>();

  const set = (field: FieldName, value: string) => {
    setForm((f) => ({ ...f, [field]: value }));
    setErrors(({ [field]: _fixed, ...rest }) => rest);
  };

  const setNationalId = (value: string) => {
    const facts = parseNationalId(value);
    setForm((f) => (facts ? { ...f, nationalId: value, birthDate: facts.birthDate, sex: facts.sex } : { ...f, nationalId: value }));
    setFilledFromId(facts !== null);
    // say so as soon as all 18 characters are typed, not only on submit
    setErrors(({ nationalId: _old, birthDate: _b, sex: _s, ...rest }) =>
      value.trim().length >= 18 && !facts ? { ...rest, nationalId: true } : rest,
    );
  };

  const choosePatient = (patient: PatientMatchDto | null) => {
    setChosen(patient);
    setFilledFromId(false);
    setForm((f) => ({ ...f, ...patientFields(patient) }));
    setErrors(({ name: _n, nationalId: _i, sex: _s, birthDate: _b, phone: _p, ...rest }) => rest);
  };

  const submit = async (e: FormEvent) => {
    e.preventDefault();
    const checked = validateForm(form, chosen?.id);
    setServerError(undefined);
    if (checked.errors) {
      setErrors(checked.errors);
      return;
    }
    setBusy(true);
    try {
      const created = await api.createCase(checked.request);
      navigate(paths.case(created.id), { replace: true });
    } catch (err) {
      setServerError(err);
      setBusy(false);
    }
  };

  const fieldProps = (field: FieldName) => ({
    id: `exam-${field}`,
    error: errors[field] ? t(`newExam.fieldError.${field}`) : undefined,
  });
  const controlProps = (field: FieldName) => ({
    id: `exam-${field}`,
    // a chosen record's fields are its own: choosing another person means undoing the choice
    disabled: chosen !== null && field in patientFields(null) ? true : undefined,
    'aria-invalid': errors[field] ? true : undefined,
    'aria-describedby': errors[field] ? `exam-${field}-error` : undefined,
  });
  const hasErrors = Object.keys(errors).length > 0;

  return (
    <form className="card exam-form" onSubmit={(e) => void submit(e)} noValidate>
      <h1>{t('newExam.title')}</h1>

      <fieldset>
        <legend>{t('newExam.patientSection')}</legend>
        {chosen ? (
          <p className="patient-chosen" data-testid="patient-chosen">
            {t('requisition.chosen', { name: chosen.name })}{' '}
            <button type="button" data-testid="patient-clear" onClick={() => choosePatient(null)}>
              {t('requisition.clearPatient')}
            </button>
          </p>
        ) : (
          <PatientSearch onChoose={choosePatient} />
        )}
        <div className="form-grid">
          <Field {...fieldProps('name')} label={t('newExam.name')} required>
            <input
              {...controlProps('name')}
              data-testid="patient-name"
              maxLength={64}
              value={form.name}
              onChange={(e) => set('name', e.target.value)}
            />
          </Field>
          <Field
            {...fieldProps('nationalId')}
            label={t('newExam.nationalId')}
            hint={filledFromId ? t('newExam.nationalIdFilled') : t('newExam.nationalIdHint')}
          >
            <input
              {...controlProps('nationalId')}
              data-testid="patient-national-id"
              className="mono"
              inputMode="text"
              maxLength={18}
              autoComplete="off"
              value={form.nationalId}
              onChange={(e) => setNationalId(e.target.value.toUpperCase())}
            />
          </Field>
          <Field {...fieldProps('sex')} label={t('newExam.sex')}>
            <select {...controlProps('sex')} data-testid="patient-sex" value={form.sex} onChange={(e) => set('sex', e.target.value)}>
              <option value="">{t('newExam.sexUnset')}</option>
              {SEXES.map((s) => (
                <option key={s} value={s}>
                  {t(`sex.${s}`)}
                </option>
              ))}
            </select>
          </Field>
          <Field {...fieldProps('birthDate')} label={t('newExam.birthDate')}>
            <input
              {...controlProps('birthDate')}
              data-testid="patient-birth-date"
              type="date"
              max={new Date().toISOString().slice(0, 10)}
              value={form.birthDate}
              onChange={(e) => set('birthDate', e.target.value)}
            />
          </Field>
          <Field {...fieldProps('phone')} label={t('newExam.phone')}>
            <input
              {...controlProps('phone')}
              data-testid="patient-phone"
              type="tel"
              autoComplete="off"
              value={form.phone}
              onChange={(e) => set('phone', e.target.value)}
            />
          </Field>
        </div>
      </fieldset>

      <fieldset>
        <legend>{t('newExam.examSection')}</legend>
        <div className="form-grid">
          <Field {...fieldProps('examKind')} label={t('newExam.examKind')} required>
            <select
              {...controlProps('examKind')}
              data-testid="exam-kind"
              value={form.examKind}
              onChange={(e) => set('examKind', e.target.value)}
            >
              <option value="">{t('newExam.examKindUnset')}</option>
              {EXAM_KINDS.map((k) => (
                <option key={k} value={k}>
                  {t(`examKind.${k}`)}
                </option>
              ))}
            </select>
          </Field>
          <Field {...fieldProps('bodyPart')} label={t('newExam.bodyPart')}>
            <input
              {...controlProps('bodyPart')}
              data-testid="body-part"
              maxLength={64}
              placeholder={t('newExam.bodyPartPlaceholder')}
              value={form.bodyPart}
              onChange={(e) => set('bodyPart', e.target.value)}
            />
          </Field>
          {form.examKind !== 'ECG' && (
            <Field {...fieldProps('laterality')} label={t('requisition.laterality.label')}>
              <select
                {...controlProps('laterality')}
                data-testid="laterality"
                value={form.laterality}
                onChange={(e) => set('laterality', e.target.value)}
              >
                <option value="">{t('requisition.laterality.unset')}</option>
                {LATERALITIES.map((l) => (
                  <option key={l} value={l}>
                    {t(`requisition.laterality.${l}`)}
                  </option>
                ))}
              </select>
            </Field>
          )}
          <Field {...fieldProps('priority')} label={t('newExam.priority')}>
            <select
              {...controlProps('priority')}
              data-testid="priority"
              value={form.priority}
              onChange={(e) => set('priority', e.target.value)}
            >
              {PRIORITY_ORDER.map((p) => (
                <option key={p} value={p}>
                  {t(`priority.${p}`)}
                </option>
              ))}
            </select>
          </Field>
          <Field {...fieldProps('clinicalQuestion')} label={t('newExam.clinicalQuestion')} wide>
            <textarea
              {...controlProps('clinicalQuestion')}
              data-testid="clinical-question"
              rows={4}
              maxLength={2000}
              placeholder={t('newExam.clinicalQuestionPlaceholder')}
              value={form.clinicalQuestion}
              onChange={(e) => set('clinicalQuestion', e.target.value)}
            />
          </Field>
          <Field {...fieldProps('clinicalHistory')} label={t('requisition.clinicalHistory')} wide>
            <textarea
              {...controlProps('clinicalHistory')}
              data-testid="clinical-history"
              rows={3}
              maxLength={4000}
              placeholder={t('requisition.clinicalHistoryPlaceholder')}
              value={form.clinicalHistory}
              onChange={(e) => set('clinicalHistory', e.target.value)}
            />
          </Field>
        </div>
      </fieldset>

      <fieldset>
        <legend>{t('requisition.section')}</legend>
        <div className="form-grid">
          <Field {...fieldProps('visitKind')} label={t('requisition.visitKind')}>
            <select
              {...controlProps('visitKind')}
              data-testid="visit-kind"
              value={form.visitKind}
              onChange={(e) => set('visitKind', e.target.value)}
            >
              <option value="">{t('requisition.visitKindUnset')}</option>
              {VISIT_KINDS.map((k) => (
                <option key={k} value={k}>
                  {t(`requisition.visitKinds.${k}`)}
                </option>
              ))}
            </select>
          </Field>
          <Field {...fieldProps('visitNumber')} label={t('requisition.visitNumber')}>
            <input
              {...controlProps('visitNumber')}
              data-testid="visit-number"
              className="mono"
              maxLength={32}
              autoComplete="off"
              value={form.visitNumber}
              onChange={(e) => set('visitNumber', e.target.value)}
            />
          </Field>
          <Field {...fieldProps('requestingDepartment')} label={t('requisition.requestingDepartment')}>
            <input
              {...controlProps('requestingDepartment')}
              data-testid="requesting-department"
              maxLength={64}
              value={form.requestingDepartment}
              onChange={(e) => set('requestingDepartment', e.target.value)}
            />
          </Field>
          <Field {...fieldProps('requestingDoctor')} label={t('requisition.requestingDoctor')}>
            <input
              {...controlProps('requestingDoctor')}
              data-testid="requesting-doctor"
              maxLength={64}
              value={form.requestingDoctor}
              onChange={(e) => set('requestingDoctor', e.target.value)}
            />
          </Field>
        </div>
      </fieldset>

      {hasErrors && (
        <p className="error-message" role="alert">
          {t('newExam.invalid')}
        </p>
      )}
      <ErrorMessage error={serverError} />
      <div className="form-actions">
        <Link to={paths.cases()} className="button">
          {t('newExam.back')}
        </Link>
        <button type="submit" className="button-primary" data-testid="create-case" disabled={busy}>
          {busy ? t('newExam.submitting') : t('newExam.submit')}
        </button>
      </div>
    </form>
  );
}
