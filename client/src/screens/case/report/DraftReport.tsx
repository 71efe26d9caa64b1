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
import { ReturnToWriterDialog } from './ReturnToWriterDialog.tsx';
import { withEcgPrefill } from './ecg-fields.ts';
import { emptyReport, FALLBACK_TEMPLATE, fieldValuesOf, ReportFields, type ReportFieldValues } from './ReportFields.tsx';
import { useReportAutosave, type SaveState } from './useReportAutosave.ts';

const bodyOf = (v: ReportFieldValues) => ({ ...v, templateId: v.templateId || FALLBACK_TEMPLATE });

/**
 * The reader's draft while they hold the claim: saved as they type, signed with the password, or sent back for a
 * retake. Two-level reporting: where the centre wants a second reader (or the reader may not sign), the writer
 * hands it in for review (提交审核); the reviewer edits it, signs it, or returns it to the writer with a note.
 */
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
  const [dialog, setDialog] = useState<'sign' | 'return' | 'returnToWriter' | null>(null);
  const reviewing = kase.status === 'REVIEWING';
  // the writer hands in where a second reader is required, or when they may not sign themselves
  const handsIn = !reviewing && (kase.review.required || !me.canSign);
  const noImpression = !value.impression.trim();
  /** a dialog's move is done: the dialog closes on the case as it now is */
  const closeWith = (changed: CaseDetailDto) => {
    setDialog(null);
    onChanged(changed);
  };

  const submitPreliminary = async () => {
    await autosave.flush(); // hand in what the writer sees
    try {
      onChanged(await api.submitPreliminary(kase.id));
    } catch (e) {
      if (e instanceof ApiError && e.status === 409 && e.code !== 'NO_REPORT') onStale();
      throw e;
    }
  };

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
      {reviewing && kase.review.writtenBy && (
        <p className="report-review-note" data-testid="report-written-by">
          {t('report.writtenBy')}
          {t('common.colon')}
          <strong>{kase.review.writtenBy.displayName}</strong>
        </p>
      )}
      {!reviewing && kase.review.returnNote && (
        <p className="report-review-note" data-testid="report-review-return-note">
          {t('report.reviewReturnNote', { note: kase.review.returnNote })}
        </p>
      )}
      <ReportFields
        kase={kase}
        value={value}
        onChange={setValue}
        onBlur={() => void autosave.flush().catch(() => undefined)}
        currentInstanceId={currentInstanceId}
      />
      <div className="report-actions">
        {reviewing ? (
          <button type="button" className="button-danger-quiet" data-testid="return-to-writer" onClick={() => setDialog('returnToWriter')}>
            {t('report.returnToWriter')}
          </button>
        ) : (
          <button type="button" className="button-danger-quiet" data-testid="return-quality" onClick={() => setDialog('return')}>
            {t('report.returnQuality')}
          </button>
        )}
        {handsIn ? (
          <HandInButton disabled={noImpression} onHandIn={submitPreliminary} />
        ) : me.canSign ? (
          <button
            type="button"
            className="button-primary"
            data-testid="report-sign"
            disabled={noImpression}
            title={noImpression ? t('report.needsImpression') : undefined}
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
      {dialog === 'returnToWriter' && <ReturnToWriterDialog caseId={kase.id} onDone={closeWith} onCancel={() => setDialog(null)} />}
      {dialog === 'return' && <QualityReturnDialog caseId={kase.id} onDone={closeWith} onCancel={() => setDialog(null)} />}
    </section>
  );
}

/** 提交审核: one press hands the report in; a failure is shown beside the button. */
function HandInButton({ disabled, onHandIn }: { disabled: boolean; onHandIn: () => Promise<void> }) {
  const { t } = useTranslation();
  const errorText = useErrorText();
  const [pending, setPending] = useState(false);
  const [error, setError] = useState<unknown>(null);
  return (
    <>
      {error !== null && (
        <span className="action-hint error-message" role="alert">
          {errorText(error)}
        </span>
      )}
      <button
        type="button"
        className="button-primary"
        data-testid="report-submit-preliminary"
        disabled={disabled || pending}
        title={disabled ? t('report.needsImpression') : undefined}
        onClick={() => {
          setPending(true);
          setError(null);
          onHandIn()
            .catch(setError)
            .finally(() => setPending(false));
        }}
      >
        {pending ? t('report.handingIn') : t('report.handIn')}
      </button>
    </>
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
