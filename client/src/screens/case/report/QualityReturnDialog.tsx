import { useState } from 'react';
import { useTranslation } from 'react-i18next';
import type { CaseDetailDto } from '../../../../../shared/api.ts';
import { QUALITY_RETURN_CODES, type QualityReturnCode } from '../../../../../shared/reports.ts';
import { api } from '../../../api/teledx.ts';
import { ErrorMessage } from '../../../components/ErrorMessage.tsx';

/** 退回重拍: the images cannot be read; the township retakes them. The reasons are counted per township. */
export function QualityReturnDialog({ caseId, onDone, onCancel }: {
  caseId: string;
  onDone: (kase: CaseDetailDto) => void;
  onCancel: () => void;
}) {
  const { t } = useTranslation();
  const [codes, setCodes] = useState<QualityReturnCode[]>([]);
  const [note, setNote] = useState('');
  const [pending, setPending] = useState(false);
  const [error, setError] = useState<unknown>();

  const toggle = (code: QualityReturnCode, on: boolean) =>
    setCodes((current) => (on ? QUALITY_RETURN_CODES.filter((c) => c === code || current.includes(c)) : current.filter((c) => c !== code)));

  const confirm = async () => {
    setPending(true);
    setError(undefined);
    try {
      onDone(await api.returnForQuality(caseId, { codes, note: note.trim() }));
    } catch (e) {
      setError(e);
      setPending(false);
    }
  };

  return (
    <div className="modal-backdrop">
      <form
        className="modal card"
        role="dialog"
        aria-modal="true"
        aria-label={t('report.returnTitle')}
        onSubmit={(e) => {
          e.preventDefault();
          if (codes.length > 0 && !pending) void confirm();
        }}
        onKeyDown={(e) => e.key === 'Escape' && !pending && onCancel()}
      >
        <h2>{t('report.returnTitle')}</h2>
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
          <textarea rows={3} maxLength={1000} value={note} placeholder={t('report.returnNotePlaceholder')} data-testid="return-note" onChange={(e) => setNote(e.target.value)} />
        </label>
        <ErrorMessage error={error} />
        <div className="form-actions">
          <button type="button" disabled={pending} onClick={onCancel}>
            {t('report.cancel')}
          </button>
          <button type="submit" className="button-primary" disabled={pending || codes.length === 0} data-testid="return-confirm">
            {pending ? t('report.returning') : t('report.returnConfirm')}
          </button>
        </div>
      </form>
    </div>
  );
}
