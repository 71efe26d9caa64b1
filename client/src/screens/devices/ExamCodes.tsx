// The townships' exam codes (administrators): the short code each one's exam numbers begin with (CG-20261202-0007),
// unique in the consortium. Beside the devices, because the modalities receive those numbers from the worklist.
import { useState } from 'react';
import { useTranslation } from 'react-i18next';
import { EXAM_CODE_PATTERN, type ConsortiumDto } from '../../../../shared/api.ts';
import { api } from '../../api/teledx.ts';
import { ErrorMessage } from '../../components/ErrorMessage.tsx';

type Organization = ConsortiumDto['organizations'][number];

export function ExamCodes({ organizations, onChanged }: { organizations: Organization[]; onChanged: () => void }) {
  const { t } = useTranslation();
  const [error, setError] = useState<unknown>();
  const townships = organizations.filter((o) => o.kind !== 'COUNTY_HOSPITAL');
  return (
    <div className="card" data-testid="exam-codes">
      <h2>{t('devices.examCodes.title')}</h2>
      <p className="small muted">{t('devices.examCodes.hint')}</p>
      <ErrorMessage error={error} />
      <table className="case-table">
        <tbody>
          {townships.map((o) => (
            <ExamCodeRow key={o.id} organization={o} onError={setError} onChanged={onChanged} />
          ))}
        </tbody>
      </table>
    </div>
  );
}

function ExamCodeRow({
  organization,
  onError,
  onChanged,
}: {
  organization: Organization;
  onError: (e: unknown) => void;
  onChanged: () => void;
}) {
  const { t } = useTranslation();
  const [code, setCode] = useState(organization.examCode ?? '');
  const [busy, setBusy] = useState(false);
  const valid = EXAM_CODE_PATTERN.test(code);
  const save = async () => {
    setBusy(true);
    onError(undefined);
    try {
      await api.setExamCode(organization.id, code);
      onChanged();
    } catch (e) {
      onError(e);
    } finally {
      setBusy(false);
    }
  };
  return (
    <tr data-testid="exam-code-row" data-organization={organization.code}>
      <td>{organization.name}</td>
      <td>
        <input
          className="mono"
          aria-label={t('devices.examCodes.code', { name: organization.name })}
          aria-invalid={!valid || undefined}
          data-testid="exam-code"
          maxLength={4}
          size={5}
          value={code}
          onChange={(e) => setCode(e.target.value.toUpperCase())}
        />
      </td>
      <td>
        <button
          type="button"
          data-testid="exam-code-save"
          disabled={busy || !valid || code === organization.examCode}
          onClick={() => void save()}
        >
          {t('devices.examCodes.save')}
        </button>
      </td>
    </tr>
  );
}
