import { useState } from 'react';
import { useTranslation } from 'react-i18next';
import type { CaseDetailDto, CaseSummaryDto, PriorCaseDto } from '../../../../shared/api.ts';
import { UPLOADABLE_STATUSES } from '../../../../shared/case-status.ts';
import { api } from '../../api/teledx.ts';
import { useApi } from '../../api/useApi.ts';
import { PriorityBadge, StatusBadge } from '../../components/badges.tsx';
import { ErrorMessage } from '../../components/ErrorMessage.tsx';
import { useLoadedModule } from '../../components/useLoadedModule.ts';
import { useCaseEvents, useResyncOnConnect } from '../../realtime/useCaseEvents.ts';
import { Link, paths } from '../../router.tsx';
import { loadCaseViewer } from '../../viewer/load.ts';
import { useIsCentre, useIsTownship } from '../../session.ts';
import { CaseActions } from './CaseActions.tsx';
import { CaseConsultations, RequestConsultationButton, useCaseConsultations } from './CaseConsultations.tsx';
import { CaseReferrals } from './CaseReferrals.tsx';
import { CaseFacts } from './CaseFacts.tsx';
import { CaseFiles } from './CaseFiles.tsx';
import { CaseHistory } from './CaseHistory.tsx';
import { CaseMedia } from './CaseMedia.tsx';
import { ClaimPanel } from './ClaimPanel.tsx';
import { IdentityBadge, IdentityCheck } from './IdentityCheck.tsx';
import { loadCase } from './load-case.ts';
import { Priors } from './Priors.tsx';
import { QualityReturnInfo } from './QualityReturnInfo.tsx';
import { CriticalBanner } from './report/CriticalBanner.tsx';
import { ReportPanel } from './report/ReportPanel.tsx';
import { Turnaround } from './Turnaround.tsx';
import { UploadPanel } from './upload/UploadPanel.tsx';
import { useUploadQueue } from './upload/useUploadQueue.ts';

/** Events that change what only the case's detail carries (turnaround, quality return): load it again. */
// (two-level reporting changes the detail's review: the writer, the reviewer's note)
const DETAIL_EVENTS: readonly string[] = [
  'sign',
  'amend',
  'returnForQuality',
  'resubmit',
  'acknowledge',
  'submitPreliminary',
  'returnToWriter',
];

// The ECG reader (its own chunk: only ECG cases load it) takes the place of the image viewer for ECG files, which
// have no images; the viewer shows a case's DICOM images, if any, beside it.
const loadEcgReader = () => import('../../ecg/EcgReader.tsx');

export function CaseScreen({ caseId }: { caseId: string }) {
  const { t } = useTranslation();
  const isTownship = useIsTownship();
  const isCentre = useIsCentre();
  const viewer = useLoadedModule(loadCaseViewer);
  const { data: kase, error, reload, setData } = useApi(() => loadCase(caseId), [caseId]);
  // the queue lives on when the page is left; coming back shows it and reloads once it drains
  const uploads = useUploadQueue(caseId, reload);
  // someone else moved the case (submitted, claimed, released it): show it as it now is
  const [currentInstanceId, setCurrentInstanceId] = useState<string | null>(null);
  const { data: priors } = useApi(() => api.priors(caseId), [caseId]);
  const [comparing, setComparing] = useState<PriorCaseDto | null>(null);
  useCaseEvents(({ case: changed, event }) => {
    if (changed.id !== caseId || !kase) return;
    const filesChanged = changed.instanceCount !== kase.instanceCount || changed.attachmentCount !== kase.attachmentCount;
    if (filesChanged || DETAIL_EVENTS.includes(event)) reload();
    else setData(withSummary(kase, changed));
  });
  useResyncOnConnect(reload);
  const consultations = useCaseConsultations(caseId, kase?.consultations);

  const back = isCentre ? (
    <Link to={paths.worklist()} className="back-link">
      {t('case.backToWorklist')}
    </Link>
  ) : (
    <Link to={paths.cases()} className="back-link">
      {t('case.back')}
    </Link>
  );

  if (!kase) {
    return (
      <section>
        {back}
        {error ? <ErrorMessage error={error} /> : <p className="muted">{t('common.loading')}</p>}
      </section>
    );
  }

  const canUpload = isTownship && UPLOADABLE_STATUSES.includes(kase.status);
  return (
    <section className="case-page">
      {back}
      <div className="page-title">
        <h1>
          {kase.patient.name}{' '}
          <span className="title-exam">
            {t(`examKind.${kase.examKind}`)}
            {kase.bodyPart ? ` · ${kase.bodyPart}` : ''}
          </span>
        </h1>
        <StatusBadge status={kase.status} data-testid="case-status" />
        <PriorityBadge priority={kase.priority} />
        <IdentityBadge kase={kase} />
        <span className="muted" data-testid="accession-number">
          {t('case.accessionNumber', { number: kase.accessionNumber })}
        </span>
        {kase.fromDevice && (
          <span className="badge" data-testid="from-device">
            {t('case.fromDevice', { aeTitle: kase.fromDevice.aeTitle })}
          </span>
        )}
        {kase.imagesCompleteAt && (
          <span className="badge" data-testid="images-complete" title={new Date(kase.imagesCompleteAt).toLocaleString()}>
            {t('case.imagesComplete')}
          </span>
        )}
        {kase.arrivedVia === 'DICOMWEB' && (
          <span className="badge" data-testid="from-dicomweb">
            {t('case.fromDicomWeb')}
          </span>
        )}
        {kase.status === 'SUBMITTED' && kase.centre && <span className="muted">{t('case.submittedTo', { centre: kase.centre.name })}</span>}
        {isTownship && <CaseActions kase={kase} uploadsBusy={uploads.snapshot.busy} onChanged={setData} onStale={reload} />}
        {isTownship && kase.status !== 'CANCELLED' && <RequestConsultationButton kase={kase} onCreated={consultations.apply} />}
      </div>
      <ErrorMessage error={error} />
      <CriticalBanner kase={kase} onChanged={setData} />
      <QualityReturnInfo kase={kase} />
      {isCentre && <ClaimPanel kase={kase} onChanged={setData} onStale={reload} />}
      <IdentityCheck kase={kase} onChanged={setData} />
      {/* everyone who may open the case may look at its images (the server scopes who that is) */}
      <div className="reading-layout">
        {kase.ecg.length > 0 && <EcgReaders kase={kase} />}
        {viewer ? (
          <viewer.CaseViewer kase={kase} prior={comparing} onCurrentImage={setCurrentInstanceId} />
        ) : (
          <p className="muted">{t('viewer.loading')}</p>
        )}
        <ReportPanel kase={kase} currentInstanceId={currentInstanceId} onChanged={setData} onStale={reload} />
      </div>
      <CaseConsultations consultations={consultations} onStale={reload} />
      <CaseReferrals kase={kase} />
      {priors && <Priors priors={priors} comparing={comparing?.id ?? null} onCompare={setComparing} />}
      <CaseMedia attachments={kase.attachments} />
      <CaseFacts kase={kase} />
      <Turnaround kase={kase} />
      <CaseHistory caseId={kase.id} />
      {canUpload && <UploadPanel queue={uploads.queue} snapshot={uploads.snapshot} caseId={caseId} />}
      <CaseFiles kase={kase} editable={canUpload} onChanged={setData} />
    </section>
  );
}

function EcgReaders({ kase }: { kase: CaseDetailDto }) {
  const { t } = useTranslation();
  const ecg = useLoadedModule(loadEcgReader);
  if (!ecg) return <p className="muted">{t('ecg.loading')}</p>;
  return kase.ecg.map((analysis) => <ecg.EcgReader key={analysis.id} analysis={analysis} />);
}

/** The case page's detail with the fresher worklist fields of an event (status, claim, centre, deadline). */
function withSummary(kase: CaseDetailDto, changed: CaseSummaryDto): CaseDetailDto {
  const { patient: _patient, ...fields } = changed;
  return { ...kase, ...fields };
}
