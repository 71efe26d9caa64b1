import { useTranslation } from 'react-i18next';
import type { CaseDetailDto } from '../../../../../shared/api.ts';
import { CENTRE_ROLES } from '../../../../../shared/domain.ts';
import type { CaseReportDto, ReportDto } from '../../../../../shared/reports.ts';
import { api } from '../../../api/teledx.ts';
import { useApi } from '../../../api/useApi.ts';
import { ErrorMessage } from '../../../components/ErrorMessage.tsx';
import { holdsClaim } from '../../../reading/claims.ts';
import { useMe } from '../../../session.ts';
import { DraftReport } from './DraftReport.tsx';
import { SignedReport } from './SignedReport.tsx';

/**
 * The case's report: the editor for the reader holding the claim, the signed report (with its history, and
 * amendment for the centre's signing physicians) for everyone who may see the case once it is signed.
 */
export function ReportPanel({
  kase,
  currentInstanceId,
  onChanged,
  onStale,
}: {
  kase: CaseDetailDto;
  currentInstanceId: string | null;
  onChanged: (kase: CaseDetailDto) => void;
  onStale: () => void;
}) {
  const me = useMe();
  const holding = holdsClaim(kase, me);
  if (!holding && kase.status !== 'SIGNED') return null;
  return <LoadedReport kase={kase} holding={holding} currentInstanceId={currentInstanceId} onChanged={onChanged} onStale={onStale} />;
}

function LoadedReport({
  kase,
  holding,
  currentInstanceId,
  onChanged,
  onStale,
}: {
  kase: CaseDetailDto;
  holding: boolean;
  currentInstanceId: string | null;
  onChanged: (kase: CaseDetailDto) => void;
  onStale: () => void;
}) {
  const { t } = useTranslation();
  const me = useMe();
  // a new signature, an amendment or an acknowledgement changes the report: load it again
  const report = useApi<CaseReportDto>(
    () => api.getReport(kase.id),
    [kase.id, kase.status, kase.signedAt, kase.critical?.acknowledgedAt, kase.critical?.escalatedAt],
  );
  const ofTheCentre =
    CENTRE_ROLES.includes(me.role) && me.canSign && kase.centre !== null && me.centres.some((c) => c.id === kase.centre?.id);
  // as the server rules (reporting/reports.ts amendReport): the version's signer, or a supervisor of the centre
  const mayAmend = (signed: ReportDto) => ofTheCentre && (me.role === 'SUPERVISOR' || signed.signedBy?.id === me.id);

  if (!report.data) {
    return (
      <section className="card report-panel" data-testid="report-panel">
        <h2>{t('report.title')}</h2>
        {report.error ? <ErrorMessage error={report.error} /> : <p className="muted">{t('common.loading')}</p>}
      </section>
    );
  }
  const current: ReportDto | null = report.data.current;
  if (holding) {
    return (
      <DraftReport
        // one editor per claim: reloading the report must not reset what the reader is typing
        key={`${kase.id}:${kase.claimedBy?.id ?? ''}`}
        kase={kase}
        draft={current?.status === 'DRAFT' ? current : null}
        currentInstanceId={currentInstanceId}
        onChanged={onChanged}
        onStale={onStale}
      />
    );
  }
  if (!current || current.status !== 'SIGNED') return null;
  return (
    <SignedReport
      kase={kase}
      report={report.data}
      current={current}
      mayAmend={mayAmend(current)}
      currentInstanceId={currentInstanceId}
      onChanged={(changed) => {
        onChanged(changed);
        report.reload();
      }}
    />
  );
}
