import { useTranslation } from 'react-i18next';
import { UPLOADABLE_STATUSES } from '../../../../shared/case-status.ts';
import { api } from '../../api/teledx.ts';
import { useApi } from '../../api/useApi.ts';
import { PriorityBadge, StatusBadge } from '../../components/badges.tsx';
import { ErrorMessage } from '../../components/ErrorMessage.tsx';
import { Link, paths } from '../../router.tsx';
import { useIsTownship } from '../../session.ts';
import { CaseActions } from './CaseActions.tsx';
import { CaseFacts } from './CaseFacts.tsx';
import { CaseFiles } from './CaseFiles.tsx';
import { MismatchWarning } from './MismatchWarning.tsx';
import { UploadPanel } from './upload/UploadPanel.tsx';
import { useUploadQueue } from './upload/useUploadQueue.ts';

export function CaseScreen({ caseId }: { caseId: string }) {
  const { t } = useTranslation();
  const isTownship = useIsTownship();
  const { data: kase, error, reload, setData } = useApi(() => api.getCase(caseId), [caseId]);
  // the queue lives on when the page is left; coming back shows it and reloads once it drains
  const uploads = useUploadQueue(caseId, reload);

  if (!kase) {
    return (
      <section>
        <Link to={paths.cases()} className="back-link">
          {t('case.back')}
        </Link>
        {error ? <ErrorMessage error={error} /> : <p className="muted">{t('common.loading')}</p>}
      </section>
    );
  }

  const canUpload = isTownship && UPLOADABLE_STATUSES.includes(kase.status);
  return (
    <section className="case-page">
      <Link to={paths.cases()} className="back-link">
        {t('case.back')}
      </Link>
      <div className="page-title">
        <h1>
          {kase.patient.name} <span className="title-exam">{t(`examKind.${kase.examKind}`)}{kase.bodyPart ? ` · ${kase.bodyPart}` : ''}</span>
        </h1>
        <StatusBadge status={kase.status} data-testid="case-status" />
        <PriorityBadge priority={kase.priority} />
        {kase.status === 'SUBMITTED' && kase.centre && <span className="muted">{t('case.submittedTo', { centre: kase.centre.name })}</span>}
        {isTownship && <CaseActions kase={kase} uploadsBusy={uploads.snapshot.busy} onChanged={setData} onStale={reload} />}
      </div>
      <ErrorMessage error={error} />
      <MismatchWarning studies={kase.studies} />
      <CaseFacts kase={kase} />
      {canUpload && <UploadPanel queue={uploads.queue} snapshot={uploads.snapshot} />}
      <CaseFiles kase={kase} />
    </section>
  );
}
