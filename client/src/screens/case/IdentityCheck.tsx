// Do the DICOM files belong to the registered patient? A mismatch is shown above everything else, so that a
// wrong-patient upload is seen before the case is sent: each DICOM patient of the case with what disagrees, and for
// the technician the way out of the block: confirm "same person" with a reason (or remove the files, under 文件).
import { useState } from 'react';
import { useTranslation } from 'react-i18next';
import type { CaseDetailDto, DicomPatientIdentity, IdentityIssue } from '../../../../shared/api.ts';
import { UPLOADABLE_STATUSES } from '../../../../shared/case-status.ts';
import { SEXES } from '../../../../shared/domain.ts';
import { api } from '../../api/teledx.ts';
import { ErrorMessage } from '../../components/ErrorMessage.tsx';
import { useIsTownship } from '../../session.ts';

/**
 * A name that could not be compared (devices often write pinyin only) or files already confirmed: a badge beside
 * the case's title, its particulars on hover, so that the everyday warning does not push the images down.
 */
export function IdentityBadge({ kase }: { kase: CaseDetailDto }) {
  const { t } = useTranslation();
  const { state } = kase.identity;
  if (state !== 'UNCOMPARABLE' && state !== 'CONFIRMED') return null;
  const title = state === 'UNCOMPARABLE' ? t('identity.uncomparableTitle') : t('identity.confirmedTitle');
  return (
    <span className="badge badge-warn" data-testid="identity-check" data-state={state} title={title}>
      {t(`identityState.${state}`)}
    </span>
  );
}

/** Files of another patient: shown above everything else, with the technician's way out. */
export function IdentityCheck({ kase, onChanged }: { kase: CaseDetailDto; onChanged: (kase: CaseDetailDto) => void }) {
  const { t } = useTranslation();
  const isTownship = useIsTownship();
  const { state, patients } = kase.identity;
  if (state !== 'MISMATCH') return null;
  const shown = patients.filter((p) => p.issues.length > 0);
  const canConfirm = isTownship && UPLOADABLE_STATUSES.includes(kase.status);
  return (
    <div className="mismatch-warning" role="alert" data-testid="identity-check" data-state={state}>
      <strong>⚠ {t('identity.mismatchTitle')}</strong>
      <ul>
        {shown.map((p, i) => (
          <PatientIssues key={i} patient={p} />
        ))}
      </ul>
      {canConfirm && <ConfirmForm caseId={kase.id} onChanged={onChanged} />}
    </div>
  );
}

function PatientIssues({ patient }: { patient: DicomPatientIdentity }) {
  const { t } = useTranslation();
  const who = [patient.name, patient.id, patient.birthDate].filter(Boolean).join(' · ') || '?';
  return (
    <li data-testid="identity-patient" data-state={patient.state}>
      {t('identity.patient', { who, count: patient.instanceCount })} <span className="badge">{t(`identityState.${patient.state}`)}</span>
      <ul>
        {patient.issues.map((issue) => (
          <li key={issue.field}>
            <IssueLine issue={issue} />
          </li>
        ))}
      </ul>
      {patient.confirmation && (
        <p className="muted small">
          {t('identity.confirmedBy', {
            who: patient.confirmation.by?.displayName ?? '?',
            at: new Date(patient.confirmation.at).toLocaleString(),
            reason: patient.confirmation.reason,
          })}
        </p>
      )}
    </li>
  );
}

function IssueLine({ issue }: { issue: IdentityIssue }) {
  const { t } = useTranslation();
  // sex arrives as a code (M/F); names, numbers and dates read as they are
  const shown = (value: string) => {
    const sex = issue.field === 'sex' ? SEXES.find((s) => s === value) : undefined;
    return sex ? t(`sex.${sex}`) : value;
  };
  if (issue.field === 'otherPatient') return <>{t('identity.otherPatientLine', { caseValue: issue.caseValue })}</>;
  if (issue.kind === 'UNCOMPARABLE') return <>{t('identity.uncomparableLine', issue)}</>;
  return (
    <>
      {t('identity.line', {
        field: t(`identity.field.${issue.field}`),
        caseValue: shown(issue.caseValue),
        dicomValue: shown(issue.dicomValue),
      })}
    </>
  );
}

function ConfirmForm({ caseId, onChanged }: { caseId: string; onChanged: (kase: CaseDetailDto) => void }) {
  const { t } = useTranslation();
  const [reason, setReason] = useState('');
  const [pending, setPending] = useState(false);
  const [error, setError] = useState<unknown>();
  const confirm = async () => {
    setPending(true);
    setError(undefined);
    try {
      onChanged(await api.confirmIdentity(caseId, reason.trim()));
    } catch (e) {
      setError(e);
    } finally {
      setPending(false);
    }
  };
  return (
    <form
      className="identity-confirm"
      onSubmit={(e) => {
        e.preventDefault();
        void confirm();
      }}
    >
      <label>
        {t('identity.reason')}
        <input
          data-testid="identity-reason"
          value={reason}
          maxLength={500}
          placeholder={t('identity.reasonPlaceholder')}
          onChange={(e) => setReason(e.target.value)}
        />
      </label>
      <button type="submit" className="button-primary" data-testid="identity-confirm" disabled={pending || reason.trim().length < 2}>
        {pending ? t('identity.confirming') : t('identity.confirm')}
      </button>
      <p className="muted small">{t('identity.orRemove')}</p>
      <ErrorMessage error={error} />
    </form>
  );
}
