// 转诊: a township refers a patient up to a county department, with the reason, the diagnosis so far, the urgency
// and a proposed time: the patient of a case (from the case page; the case's exam and report go with it), or,
// from the referrals list, a patient of the township's own records chosen as on the new-exam screen (no case).
// The departments offered are the active ones the consortium's rules let take this township's referrals
// (?referrable=true); a rule changed meanwhile still refuses (NOT_ALLOWED_BY_RULES, shown as such).
import { useEffect, useState } from 'react';
import { useTranslation } from 'react-i18next';
import type { PatientMatchDto } from '../../../../shared/api.ts';
import { REFERRAL_URGENCIES, type DepartmentDto, type ReferralDto, type ReferralUrgency } from '../../../../shared/referrals.ts';
import { referralsApi } from '../../api/referrals.ts';
import { ConfirmDialog } from '../../components/ConfirmDialog.tsx';
import { ErrorMessage } from '../../components/ErrorMessage.tsx';
import { localInputToIso } from '../consultations/consultation-model.ts';
import { PatientSearch } from '../new-exam/PatientSearch.tsx';

export function ReferralDialog({
  caseId,
  diagnosis: initialDiagnosis = '',
  onCreated,
  onCancel,
}: {
  /** the case the referral is made from; without one the dialog asks for the patient */
  caseId?: string;
  /** the signed report's impression, as a start */
  diagnosis?: string;
  onCreated: (r: ReferralDto) => void;
  onCancel: () => void;
}) {
  const { t } = useTranslation();
  const [departments, setDepartments] = useState<DepartmentDto[]>();
  const [loadError, setLoadError] = useState<unknown>();
  const [departmentId, setDepartmentId] = useState('');
  const [reason, setReason] = useState('');
  const [diagnosis, setDiagnosis] = useState(initialDiagnosis);
  const [urgency, setUrgency] = useState<ReferralUrgency>('ROUTINE');
  const [proposed, setProposed] = useState('');
  const [patient, setPatient] = useState<PatientMatchDto | null>(null);
  useEffect(() => {
    referralsApi.departments({ referrable: true }).then(setDepartments, setLoadError);
  }, []);
  const proposedAt = proposed ? localInputToIso(proposed) : null;
  return (
    <ConfirmDialog
      title={caseId ? t('referrals.form.title') : t('referrals.form.newTitle')}
      canConfirm={
        (caseId !== undefined || patient !== null) && departmentId !== '' && reason.trim() !== '' && (!proposed || proposedAt !== null)
      }
      onConfirm={async () =>
        onCreated(
          await referralsApi.create({
            direction: 'UP',
            ...(caseId ? { caseId } : { patientId: patient!.id }),
            departmentId,
            reason: reason.trim(),
            diagnosis: diagnosis.trim(),
            urgency,
            ...(proposedAt && { proposedAt }),
          }),
        )
      }
      onCancel={onCancel}
      labels={{ cancel: t('referrals.back'), confirm: t('referrals.form.confirm'), pending: t('referrals.saving') }}
      testIds={{ form: 'referral-form', confirm: 'referral-form-confirm' }}
      renderError={(error) => <ErrorMessage error={error} />}
    >
      <ErrorMessage error={loadError} />
      {!caseId &&
        (patient ? (
          <p className="patient-chosen" data-testid="referral-patient-chosen">
            {t('referrals.form.patientChosen', { name: patient.name })}{' '}
            <span className="muted">
              {t(`sex.${patient.sex}`)} {patient.birthDate ?? ''}
            </span>{' '}
            <button type="button" data-testid="referral-patient-clear" onClick={() => setPatient(null)}>
              {t('referrals.form.changePatient')}
            </button>
          </p>
        ) : (
          <PatientSearch onChoose={setPatient} label={t('referrals.form.patient')} hint={t('referrals.form.patientHint')} />
        ))}
      <label className="field">
        <span>{t('referrals.form.department')}</span>
        <select value={departmentId} data-testid="referral-department" onChange={(e) => setDepartmentId(e.target.value)}>
          <option value="">{t('referrals.form.chooseDepartment')}</option>
          {departments?.map((d) => (
            <option key={d.id} value={d.id}>
              {d.name}
            </option>
          ))}
        </select>
      </label>
      <label className="field">
        <span>{t('referrals.form.reason')}</span>
        <textarea rows={3} maxLength={2000} value={reason} data-testid="referral-reason" onChange={(e) => setReason(e.target.value)} />
      </label>
      <label className="field">
        <span>{t('referrals.form.diagnosis')}</span>
        <textarea
          rows={2}
          maxLength={2000}
          value={diagnosis}
          data-testid="referral-diagnosis"
          onChange={(e) => setDiagnosis(e.target.value)}
        />
      </label>
      <label className="field">
        <span>{t('referrals.form.urgency')}</span>
        <select value={urgency} data-testid="referral-urgency" onChange={(e) => setUrgency(e.target.value as ReferralUrgency)}>
          {REFERRAL_URGENCIES.map((u) => (
            <option key={u} value={u}>
              {t(`referrals.urgency.${u}`)}
            </option>
          ))}
        </select>
      </label>
      <label className="field">
        <span>{t('referrals.form.proposedAt')}</span>
        <input type="datetime-local" value={proposed} data-testid="referral-proposed" onChange={(e) => setProposed(e.target.value)} />
      </label>
    </ConfirmDialog>
  );
}
