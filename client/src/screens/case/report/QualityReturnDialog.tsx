import { useState } from 'react';
import { useTranslation } from 'react-i18next';
import type { CaseDetailDto } from '../../../../../shared/api.ts';
import { QUALITY_RETURN_CODES, type QualityReturnCode } from '../../../../../shared/reports.ts';
import { api } from '../../../api/teledx.ts';
import { ConfirmDialog } from '../../../components/ConfirmDialog.tsx';
import { ErrorMessage } from '../../../components/ErrorMessage.tsx';

/** 退回重拍: the images cannot be read; the township retakes them. The reasons are counted per township. */
export function QualityReturnDialog({
  caseId,
  onDone,
  onCancel,
}: {
  caseId: string;
  onDone: (kase: CaseDetailDto) => void;
  onCancel: () => void;
}) {
  const { t } = useTranslation();
  const [codes, setCodes] = useState<QualityReturnCode[]>([]);
  const [note, setNote] = useState('');
  const toggle = (code: QualityReturnCode, on: boolean) =>
    setCodes((current) => (on ? QUALITY_RETURN_CODES.filter((c) => c === code || current.includes(c)) : current.filter((c) => c !== code)));

  return (
    <ConfirmDialog
      title={t('report.returnTitle')}
      canConfirm={codes.length > 0}
      onConfirm={async () => onDone(await api.returnForQuality(caseId, { codes, note: note.trim() }))}
      onCancel={onCancel}
      labels={{ cancel: t('report.cancel'), confirm: t('report.returnConfirm'), pending: t('report.returning') }}
      testIds={{ confirm: 'return-confirm' }}
      renderError={(error) => <ErrorMessage error={error} />}
    >
      <fieldset className="return-codes">
        <legend>{t('report.returnReasons')}</legend>
        {QUALITY_RETURN_CODES.map((code) => (
          <label key={code} className="checkbox-field">
            <input
              type="checkbox"
              checked={codes.includes(code)}
              data-testid={`return-code-${code}`}
              onChange={(e) => toggle(code, e.target.checked)}
            />
            {t(`qualityCode.${code}`)}
          </label>
        ))}
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
    </ConfirmDialog>
  );
}
