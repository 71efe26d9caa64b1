import { useTranslation } from 'react-i18next';
import { isIgnorable, type PickedFile } from './collect-files.ts';
import { DropZone } from './DropZone.tsx';
import { UploadList } from './UploadList.tsx';
import { UploadOverall } from './UploadOverall.tsx';
import { UnfinishedUploads } from './UnfinishedUploads.tsx';
import { isFinished, type UploadQueue, type UploadSnapshot } from './upload-queue.ts';

export function UploadPanel({ queue, snapshot, caseId }: { queue: UploadQueue; snapshot: UploadSnapshot; caseId: string }) {
  const { t } = useTranslation();
  const add = (picked: PickedFile[]) => {
    const wanted = picked.filter((p) => !isIgnorable(p.path));
    queue.add(wanted, picked.length - wanted.length);
  };
  const { items, skipped, busy } = snapshot;
  const hasFailed = items.some((i) => i.status === 'failed');
  const hasFinished = items.some((i) => isFinished(i.status) && i.status !== 'failed');

  return (
    <section className="card upload-panel">
      <h2>{t('upload.title')}</h2>
      <DropZone onFiles={add} />
      <UnfinishedUploads caseId={caseId} snapshot={snapshot} />
      {skipped > 0 && <p className="muted small">{t('upload.skipped', { count: skipped })}</p>}
      {items.length > 0 && (
        <>
          <UploadOverall items={items} />
          <div className="upload-tools">
            {hasFailed && !busy && (
              <button type="button" onClick={() => queue.retryFailed()}>
                {t('upload.retryFailed')}
              </button>
            )}
            {hasFinished && (
              <button type="button" className="button-quiet" onClick={() => queue.clearFinished()}>
                {t('upload.clearDone')}
              </button>
            )}
          </div>
          <UploadList items={items} />
        </>
      )}
    </section>
  );
}
