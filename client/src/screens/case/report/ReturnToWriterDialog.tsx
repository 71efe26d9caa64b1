import { useState } from 'react';
import { useTranslation } from 'react-i18next';
import { api } from '../../../api/teledx.ts';
import { CaseActionDialog, type CaseActionDialogProps } from './CaseActionDialog.tsx';

/** 退回书写医师: the reviewer sends the preliminary report back to its writer, saying what to change. */
export function ReturnToWriterDialog({ caseId, onDone, onCancel }: CaseActionDialogProps) {
  const { t } = useTranslation();
  const [note, setNote] = useState('');
  return (
    <CaseActionDialog
      title={t('report.returnToWriter')}
      canConfirm={note.trim().length >= 2}
      act={() => api.returnToWriter(caseId, note.trim())}
      onDone={onDone}
      onCancel={onCancel}
      labels={{ cancel: t('report.cancel'), confirm: t('report.returnToWriterConfirm'), pending: t('report.returning') }}
      testIds={{ confirm: 'return-to-writer-confirm' }}
    >
      <label className="field">
        <span>{t('report.returnToWriterNote')}</span>
        <textarea rows={3} maxLength={1000} value={note} data-testid="return-to-writer-note" onChange={(e) => setNote(e.target.value)} />
      </label>
    </CaseActionDialog>
  );
}
