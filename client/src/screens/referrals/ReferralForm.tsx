// 转诊: a township refers the patient of a case up to a county department, with the reason, the diagnosis so far,
// the urgency and a proposed time; the case's exam and report go with it. The departments offered are the active
// ones; the consortium's rules may still refuse one for this township (NOT_ALLOWED_BY_RULES, shown as such).
import { useEffect, useState } from 'react';
import { useTranslation } from 'react-i18next';
import { REFERRAL_URGENCIES, type DepartmentDto, type ReferralDto, type ReferralUrgency } from '../../../../shared/referrals.ts';
import { referralsApi } from '../../api/referrals.ts';
import { ConfirmDialog } from '../../components/ConfirmDialog.tsx';
import { ErrorMessage } from '../../components/ErrorMessage.tsx';
import { localInputToIso } from '../consultations/consultation-model.ts';

export function ReferralDialog({
  caseId,
  diagnosis: initialDiagnosis = '',
  onCreated,
  onCancel,
}: {
  caseId: string;
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
  useEffect(() => {
    referralsApi.departments().then(setDepartments, setLoadError);
  }, []);
  const proposedAt = proposed ? localInputToIso(proposed) : null;
  return (
    <ConfirmDialog
      title={t('referrals.form.title')}
      canConfirm={departmentId !== '' && reason.trim() !== '' && (!proposed || proposedAt !== null)}
      onConfirm={async () =>
        onCreated(
          await referralsApi.create({
            direction: 'UP',
            caseId,
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
