import { useState } from 'react';
import { useTranslation } from 'react-i18next';
import type { CaseDetailDto } from '../../../../shared/api.ts';
import { CASE_TRANSITIONS } from '../../../../shared/case-status.ts';
import { ApiError } from '../../api/client.ts';
import { api } from '../../api/teledx.ts';
import { ErrorMessage } from '../../components/ErrorMessage.tsx';

/** The moves the sending side makes; the reading centre's moves live on its own screens. */
const ACTIONS = { submit: api.submitCase, cancel: api.cancelCase, resubmit: api.resubmitCase } satisfies Record<
  string,
  (id: string) => Promise<CaseDetailDto>
>;
type TownshipEvent = keyof typeof ACTIONS;

/** Submit, withdraw and resubmit after a retake, offered only where the shared transition table allows them. */
export function CaseActions({
  kase,
  uploadsBusy,
  onChanged,
  onStale,
}: {
  kase: CaseDetailDto;
  uploadsBusy: boolean;
  onChanged: (kase: CaseDetailDto) => void;
  onStale: () => void;
}) {
  const { t } = useTranslation();
  const [pending, setPending] = useState<TownshipEvent | null>(null);
  const [error, setError] = useState<unknown>();
  const allowed = (event: TownshipEvent) => CASE_TRANSITIONS[event].from.includes(kase.status);

  const run = async (event: TownshipEvent) => {
    setPending(event);
    setError(undefined);
    try {
      onChanged(await ACTIONS[event](kase.id));
    } catch (e) {
      setError(e);
      // someone else moved the case: show what it is now
      if (e instanceof ApiError && e.status === 409) onStale();
    } finally {
      setPending(null);
    }
  };

  if (!allowed('submit') && !allowed('cancel') && !allowed('resubmit')) return null;
  const hasFiles = kase.instanceCount + kase.attachmentCount > 0;
  const submitBlocker = !hasFiles
    ? t('case.submitNeedsFiles')
    : uploadsBusy
      ? t('case.submitWaitUploads')
      : kase.identity.state === 'MISMATCH'
        ? t('case.submitIdentityBlocked')
        : undefined;
  return (
    <div className="case-actions">
      {allowed('cancel') && (
        <button
          type="button"
          className="button-danger-quiet"
          data-testid="cancel-case"
          disabled={pending !== null}
          onClick={() => void run('cancel')}
        >
          {pending === 'cancel' ? t('case.cancelling') : t('case.cancel')}
        </button>
      )}
      {allowed('submit') && (
        <button
          type="button"
          className="button-primary"
          data-testid="submit-case"
          disabled={pending !== null || submitBlocker !== undefined}
          title={submitBlocker}
          onClick={() => void run('submit')}
        >
          {pending === 'submit' ? t('case.submitting') : t('case.submit')}
        </button>
      )}
      {allowed('resubmit') && (
        <button
          type="button"
          className="button-primary"
          data-testid="resubmit-case"
          disabled={pending !== null || uploadsBusy || kase.identity.state === 'MISMATCH'}
          title={
            uploadsBusy ? t('case.resubmitWaitUploads') : kase.identity.state === 'MISMATCH' ? t('case.submitIdentityBlocked') : undefined
          }
          onClick={() => void run('resubmit')}
        >
          {pending === 'resubmit' ? t('case.resubmitting') : t('case.resubmit')}
        </button>
      )}
      {submitBlocker && allowed('submit') && <span className="action-hint">{submitBlocker}</span>}
      <ErrorMessage error={error} data-testid="case-action-error" />
    </div>
  );
}
