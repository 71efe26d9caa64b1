import { useState } from 'react';
import { useTranslation } from 'react-i18next';
import type { CaseDetailDto } from '../../../../../shared/api.ts';
import { api } from '../../../api/teledx.ts';
import { ConfirmDialog } from '../../../components/ConfirmDialog.tsx';
import { ErrorMessage } from '../../../components/ErrorMessage.tsx';

/** 退回书写医师: the reviewer sends the preliminary report back to its writer, saying what to change. */
export function ReturnToWriterDialog({
  caseId,
  onDone,
  onCancel,
}: {
  caseId: string;
  onDone: (kase: CaseDetailDto) => void;
  onCancel: () => void;
}) {
  const { t } = useTranslation();
  const [note, setNote] = useState('');
  return (
    <ConfirmDialog
      title={t('report.returnToWriter')}
      canConfirm={note.trim().length >= 2}
      onConfirm={async () => onDone(await api.returnToWriter(caseId, note.trim()))}
      onCancel={onCancel}
      labels={{ cancel: t('report.cancel'), confirm: t('report.returnToWriterConfirm'), pending: t('report.returning') }}
      testIds={{ confirm: 'return-to-writer-confirm' }}
      renderError={(error) => <ErrorMessage error={error} />}
    >
      <label className="field">
        <span>{t('report.returnToWriterNote')}</span>
        <textarea rows={3} maxLength={1000} value={note} data-testid="return-to-writer-note" onChange={(e) => setNote(e.target.value)} />
      </label>
    </ConfirmDialog>
  );
}
