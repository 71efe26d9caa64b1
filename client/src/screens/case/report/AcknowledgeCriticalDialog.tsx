import { useState } from 'react';
import { useTranslation } from 'react-i18next';
import { CRITICAL_ACTIONS, type CriticalAction } from '../../../../../shared/critical.ts';
import { api } from '../../../api/teledx.ts';
import { Field } from '../../../components/Field.tsx';
import { CaseActionDialog, type CaseActionDialogProps } from './CaseActionDialog.tsx';

/**
 * 危急值接收确认: the township closes the loop of a critical value. Who took the call (when not the user at the
 * screen), what they read back to the reading centre, and what was done; the server checks the same rules
 * (shared/critical.ts) and records it all in the audit trail.
 */
export function AcknowledgeCriticalDialog({ caseId, onDone, onCancel }: CaseActionDialogProps) {
  const { t } = useTranslation();
  const [receivedBy, setReceivedBy] = useState('');
  const [readBack, setReadBack] = useState('');
  const [action, setAction] = useState<CriticalAction | ''>('');
  const [note, setNote] = useState('');
  const noteMissing = action === 'OTHER' && note.trim() === '';
  const complete = readBack.trim().length >= 2 && action !== '' && !noteMissing;

  return (
    <CaseActionDialog
      title={t('critical.dialogTitle')}
      canConfirm={complete}
      act={() =>
        api.acknowledgeCritical(caseId, {
          receivedBy: receivedBy.trim(),
          readBack: readBack.trim(),
          action: action as CriticalAction, // complete: one was chosen
          note: note.trim(),
        })
      }
      onDone={onDone}
      onCancel={onCancel}
      labels={{ cancel: t('critical.cancel'), confirm: t('critical.confirm'), pending: t('critical.acknowledging') }}
      testIds={{ form: 'critical-ack-dialog', confirm: 'critical-ack-confirm' }}
    >
      <p className="muted">{t('critical.dialogExplain')}</p>
      <Field id="critical-read-back" label={t('critical.readBack')} hint={t('critical.readBackHint')} required>
        <textarea
          id="critical-read-back"
          rows={3}
          maxLength={2000}
          autoFocus
          value={readBack}
          data-testid="critical-read-back"
          onChange={(e) => setReadBack(e.target.value)}
        />
      </Field>
      <fieldset className="critical-actions">
        <legend>
          {t('critical.action')}
          <span className="required" aria-hidden="true">
            {' '}
            *
          </span>
        </legend>
        {CRITICAL_ACTIONS.map((a) => (
          <label key={a} className="checkbox-field">
            <input
              type="radio"
              name="critical-action"
              checked={action === a}
              data-testid={`critical-action-${a}`}
              onChange={() => setAction(a)}
            />
            {t(`critical.actions.${a}`)}
          </label>
        ))}
      </fieldset>
      <Field
        id="critical-note"
        label={t('critical.note')}
        error={noteMissing ? t('critical.noteRequired') : undefined}
        required={action === 'OTHER'}
      >
        <textarea
          id="critical-note"
          rows={2}
          maxLength={1000}
          value={note}
          data-testid="critical-note"
          onChange={(e) => setNote(e.target.value)}
        />
      </Field>
      <Field id="critical-received-by" label={t('critical.receivedBy')} hint={t('critical.receivedByHint')}>
        <input
          id="critical-received-by"
          maxLength={64}
          value={receivedBy}
          data-testid="critical-received-by"
          onChange={(e) => setReceivedBy(e.target.value)}
        />
      </Field>
    </CaseActionDialog>
  );
}
