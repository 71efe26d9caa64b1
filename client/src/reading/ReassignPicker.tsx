import { useTranslation } from 'react-i18next';
import { api } from '../api/teledx.ts';
import { useApi } from '../api/useApi.ts';
import { ErrorMessage } from '../components/ErrorMessage.tsx';

/**
 * The readers of the case's centre. Choosing one hands the case over at once: the placeholder option makes
 * the choice deliberate, and a wrong choice is undone by choosing again.
 */
export function ReassignPicker({
  centreId,
  exceptId,
  disabled,
  onPick,
}: {
  centreId: string;
  /** the current holder: handing a case to its own reader changes nothing */
  exceptId?: string;
  disabled: boolean;
  onPick: (readerId: string) => void;
}) {
  const { t } = useTranslation();
  const readers = useApi(() => api.centreReaders(centreId), [centreId]);
  const choices = readers.data?.filter((r) => r.id !== exceptId) ?? [];
  return (
    <span className="reassign-picker">
      <select
        data-testid="reassign-reader"
        aria-label={t('claim.reassignTo')}
        value=""
        disabled={disabled || !readers.data}
        onChange={(e) => e.target.value && onPick(e.target.value)}
      >
        <option value="">{readers.data ? t('claim.reassignTo') : t('common.loading')}</option>
        {choices.map((r) => (
          <option key={r.id} value={r.id}>
            {r.displayName}
          </option>
        ))}
      </select>
      <ErrorMessage error={readers.error} />
    </span>
  );
}
