import { useState } from 'react';
import { useTranslation } from 'react-i18next';
import type { CaseDetailDto } from '../../../../../shared/api.ts';
import type { CaseReportDto, ReportDto } from '../../../../../shared/reports.ts';
import { api } from '../../../api/teledx.ts';
import { DateTime } from '../../../components/format.tsx';
import { CriticalRecord } from './CriticalRecord.tsx';
import { PasswordDialog } from './PasswordDialog.tsx';
import { withEcgPrefill } from './ecg-fields.ts';
import { EcgFieldsTable } from './EcgReportFields.tsx';
import { fieldValuesOf, KeyImageList, ReportFields, type ReportFieldValues } from './ReportFields.tsx';

/** The report in force, as the township receives it, with the versions it replaced and why. */
export function SignedReport({
  kase,
  report,
  current,
  mayAmend,
  currentInstanceId,
  onChanged,
}: {
  kase: CaseDetailDto;
  report: CaseReportDto;
  current: ReportDto;
  mayAmend: boolean;
  currentInstanceId: string | null;
  onChanged: (kase: CaseDetailDto) => void;
}) {
  const { t } = useTranslation();
  const [amending, setAmending] = useState(false);

  if (amending) {
    return (
      <AmendReport
        kase={kase}
        current={current}
        currentInstanceId={currentInstanceId}
        onDone={(changed) => {
          setAmending(false);
          onChanged(changed);
        }}
        onCancel={() => setAmending(false)}
      />
    );
  }
  return (
    <section
      className={`card report-panel report-signed${current.criticalFinding ? ' report-signed-critical' : ''}`}
      data-testid="report-signed"
    >
      <div className="report-head">
        <h2>
          {t('report.title')} <span className="muted small">{t('report.version', { version: current.version })}</span>
        </h2>
        {current.criticalFinding && <span className="badge critical-badge">{t('report.critical')}</span>}
        {/* the printed report (PDF) the township hands to the patient */}
        <a
          className="button"
          href={`/api/cases/${encodeURIComponent(kase.id)}/report.pdf`}
          target="_blank"
          rel="noreferrer"
          data-testid="report-pdf"
        >
          {t('report.printPdf')}
        </a>
        {mayAmend && (
          <button type="button" data-testid="report-amend" onClick={() => setAmending(true)}>
            {t('report.amend')}
          </button>
        )}
      </div>
      <ReportBody kase={kase} report={current} />
      {report.critical && <CriticalRecord critical={report.critical} />}
      {report.history.length > 0 && (
        <details className="report-history">
          <summary>
            {t('report.history')} ({report.history.length})
          </summary>
          <ol>
            {report.history.map((old) => (
              <li key={old.id} data-testid="report-history-item" className="report-history-item">
                <div className="report-history-head">
                  <strong>{t('report.version', { version: old.version })}</strong>
                  {old.status === 'SUPERSEDED' && <span className="badge status-cancelled">{t('report.superseded')}</span>}
                </div>
                <ReportBody kase={kase} report={old} />
              </li>
            ))}
          </ol>
        </details>
      )}
    </section>
  );
}

function ReportBody({ kase, report }: { kase: CaseDetailDto; report: ReportDto }) {
  const { t } = useTranslation();
  // written by one reader and signed by another (two-level reporting): both are named, as on the PDF
  const reviewed = report.signedBy !== null && report.signedBy.id !== report.author.id;
  return (
    <div className="report-body">
      {report.amendmentReason && <p className="report-amendment">{t('report.amendmentReason', { reason: report.amendmentReason })}</p>}
      {report.ecgFields && (
        <>
          <h3>{t('report.ecg.title')}</h3>
          <EcgFieldsTable fields={report.ecgFields} />
        </>
      )}
      {/* findings before impression, as on the printed report */}
      <h3>{t('report.findings')}</h3>
      <p className="prewrap">{report.findings || t('common.none')}</p>
      <h3>{t('report.impression')}</h3>
      <p className="prewrap report-impression" data-testid="report-signed-impression">
        {report.impression}
      </p>
      {report.keyImageIds.length > 0 && (
        <>
          <h3>{t('report.keyImages')}</h3>
          <KeyImageList kase={kase} ids={report.keyImageIds} />
        </>
      )}
      <p className="report-signature muted">
        {reviewed && (
          <>
            {t('report.writtenBy')}
            {t('common.colon')}
            <strong data-testid="report-written-by">{report.author.displayName}</strong> ·{' '}
          </>
        )}
        {reviewed ? t('report.reviewedBy') : t('report.signedBy')}
        {t('common.colon')}
        <strong data-testid="report-signed-by">{report.signedBy?.displayName ?? t('common.none')}</strong> · {t('report.signedAt')}
        {t('common.colon')}
        <DateTime iso={report.signedAt} />
      </p>
    </div>
  );
}

/** A new signed version: the editor prefilled with the report in force, a reason, and the password. */
function AmendReport({
  kase,
  current,
  currentInstanceId,
  onDone,
  onCancel,
}: {
  kase: CaseDetailDto;
  current: ReportDto;
  currentInstanceId: string | null;
  onDone: (kase: CaseDetailDto) => void;
  onCancel: () => void;
}) {
  const { t } = useTranslation();
  const [value, setValue] = useState<ReportFieldValues>(() => withEcgPrefill(fieldValuesOf(current), kase));
  const [reason, setReason] = useState('');
  const [signing, setSigning] = useState(false);
  const reasonOk = reason.trim().length >= 2;

  return (
    <section className="card report-panel report-amending" data-testid="report-panel">
      <div className="report-head">
        <h2>{t('report.amendTitle')}</h2>
      </div>
      <ReportFields kase={kase} value={value} onChange={setValue} currentInstanceId={currentInstanceId} />
      <label className="field">
        <span>{t('report.amendReason')}</span>
        <textarea
          rows={2}
          maxLength={500}
          value={reason}
          data-testid="amend-reason"
          aria-invalid={reason !== '' && !reasonOk}
          onChange={(e) => setReason(e.target.value)}
        />
      </label>
      <div className="report-actions">
        <button type="button" onClick={onCancel}>
          {t('report.amendCancel')}
        </button>
        <button
          type="button"
          className="button-primary"
          data-testid="report-sign"
          disabled={!reasonOk || !value.impression.trim()}
          title={!reasonOk ? t('report.amendNeedsReason') : undefined}
          onClick={() => setSigning(true)}
        >
          {t('report.amendSubmit')}
        </button>
      </div>
      {signing && (
        <PasswordDialog
          title={t('report.amend')}
          explain={t('report.signExplain')}
          confirmLabel={t('report.amendSubmit')}
          pendingLabel={t('report.amendSigning')}
          onConfirm={async (password) =>
            onDone(await api.amendReport(kase.id, { ...value, templateId: value.templateId || 'general', reason: reason.trim(), password }))
          }
          onCancel={() => setSigning(false)}
        >
          <p className="report-amendment">{t('report.amendmentReason', { reason: reason.trim() })}</p>
        </PasswordDialog>
      )}
    </section>
  );
}
