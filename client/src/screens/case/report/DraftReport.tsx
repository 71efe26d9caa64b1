import { useState } from 'react';
import { useTranslation } from 'react-i18next';
import type { CaseDetailDto } from '../../../../../shared/api.ts';
import type { ReportDto } from '../../../../../shared/reports.ts';
import { ApiError } from '../../../api/client.ts';
import { api } from '../../../api/teledx.ts';
import { DateTime } from '../../../components/format.tsx';
import { useErrorText } from '../../../i18n/error-text.ts';
import { useMe } from '../../../session.ts';
import { PasswordDialog } from './PasswordDialog.tsx';
import { QualityReturnDialog } from './QualityReturnDialog.tsx';
import { withEcgPrefill } from './ecg-fields.ts';
import { emptyReport, FALLBACK_TEMPLATE, fieldValuesOf, ReportFields, type ReportFieldValues } from './ReportFields.tsx';
import { useReportAutosave, type SaveState } from './useReportAutosave.ts';

const bodyOf = (v: ReportFieldValues) => ({ ...v, templateId: v.templateId || FALLBACK_TEMPLATE });

/** The reader's draft while they hold the claim: saved as they type, signed with the password, or sent back for a retake. */
export function DraftReport({
  kase,
  draft,
  currentInstanceId,
  onChanged,
  onStale,
}: {
  kase: CaseDetailDto;
  draft: ReportDto | null;
  currentInstanceId: string | null;
  onChanged: (kase: CaseDetailDto) => void;
  onStale: () => void;
}) {
  const { t } = useTranslation();
  const me = useMe();
  // an ECG's measurements start as the automatic analysis' suggestions, until the draft has its own
  const [value, setValue] = useState<ReportFieldValues>(() => withEcgPrefill(draft ? fieldValuesOf(draft) : emptyReport(), kase));
  const autosave = useReportAutosave(kase.id, bodyOf(value), draft ? bodyOf(fieldValuesOf(draft)) : null);
  const [dialog, setDialog] = useState<'sign' | 'return' | null>(null);

  const sign = async (password: string) => {
    await autosave.flush(); // sign what the reader sees
    try {
      onChanged(await api.signReport(kase.id, password));
    } catch (e) {
      if (e instanceof ApiError && e.status === 409 && e.code !== 'NO_REPORT') onStale();
      throw e;
    }
  };

  return (
    <section className="card report-panel" data-testid="report-panel">
      <div className="report-head">
        <h2>{t('report.title')}</h2>
        <SaveIndicator state={autosave.state} savedAt={autosave.savedAt} error={autosave.error} />
      </div>
      <ReportFields
        kase={kase}
        value={value}
        onChange={setValue}
        onBlur={() => void autosave.flush().catch(() => undefined)}
        currentInstanceId={currentInstanceId}
      />
      <div className="report-actions">
        <button type="button" className="button-danger-quiet" data-testid="return-quality" onClick={() => setDialog('return')}>
          {t('report.returnQuality')}
        </button>
        {me.canSign ? (
          <button
            type="button"
            className="button-primary"
            data-testid="report-sign"
            disabled={!value.impression.trim()}
            title={!value.impression.trim() ? t('report.needsImpression') : undefined}
            onClick={() => setDialog('sign')}
          >
            {t('report.sign')}
          </button>
        ) : (
          <span className="action-hint">{t('report.cannotSign')}</span>
        )}
      </div>
      {dialog === 'sign' && (
        <PasswordDialog
          title={t('report.signTitle')}
          explain={t('report.signExplain')}
          confirmLabel={t('report.confirm')}
          pendingLabel={t('report.signing')}
          onConfirm={sign}
          onCancel={() => setDialog(null)}
        />
      )}
      {dialog === 'return' && (
        <QualityReturnDialog
          caseId={kase.id}
          onDone={(changed) => {
            setDialog(null);
            onChanged(changed);
          }}
          onCancel={() => setDialog(null)}
        />
      )}
    </section>
  );
}

export function SaveIndicator({ state, savedAt, error }: { state: SaveState; savedAt: string | null; error: unknown }) {
  const { t } = useTranslation();
  const errorText = useErrorText();
  return (
    <span
      className={`save-state save-state-${state}`}
      data-testid="report-save-state"
      data-state={state}
      title={state === 'error' ? errorText(error) : undefined}
    >
      {t(`report.saveState.${state}`)}
      {state === 'saved' && savedAt && (
        <>
          {' '}
          <DateTime iso={savedAt} />
        </>
      )}
    </span>
  );
}
