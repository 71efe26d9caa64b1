import { useState } from 'react';
import { useTranslation } from 'react-i18next';
import { QUALITY_RETURN_CODES, type QualityReturnCode } from '../../../../../shared/reports.ts';
import { api } from '../../../api/teledx.ts';
import { CheckboxChoices } from '../../../components/CheckboxChoices.tsx';
import { CaseActionDialog, type CaseActionDialogProps } from './CaseActionDialog.tsx';

/** 退回重拍: the images cannot be read; the township retakes them. The reasons are counted per township. */
export function QualityReturnDialog({ caseId, onDone, onCancel }: CaseActionDialogProps) {
  const { t } = useTranslation();
  const [codes, setCodes] = useState<QualityReturnCode[]>([]);
  const [note, setNote] = useState('');

  return (
    <CaseActionDialog
      title={t('report.returnTitle')}
      canConfirm={codes.length > 0}
      act={() => api.returnForQuality(caseId, { codes, note: note.trim() })}
      onDone={onDone}
      onCancel={onCancel}
      labels={{ cancel: t('report.cancel'), confirm: t('report.returnConfirm'), pending: t('report.returning') }}
      testIds={{ confirm: 'return-confirm' }}
    >
      <fieldset className="return-codes">
        <legend>{t('report.returnReasons')}</legend>
        <CheckboxChoices
          choices={QUALITY_RETURN_CODES}
          chosen={codes}
          labelOf={(code) => t(`qualityCode.${code}`)}
          testIdPrefix="return-code-"
          onChange={setCodes}
        />
      </fieldset>
      <label className="field">
        <span>{t('report.returnNote')}</span>
        <textarea
          rows={3}
          maxLength={1000}
          value={note}
          placeholder={t('report.returnNotePlaceholder')}
          data-testid="return-note"
          onChange={(e) => setNote(e.target.value)}
        />
      </label>
    </CaseActionDialog>
  );
}
