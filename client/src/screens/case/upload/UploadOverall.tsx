import { useTranslation } from 'react-i18next';
import { ProgressBar } from '../../../components/ProgressBar.tsx';
import { formatBytes } from '../../../i18n/format.ts';
import { isFinished, type UploadItem, type UploadStatus } from './upload-queue.ts';

export function UploadOverall({ items }: { items: readonly UploadItem[] }) {
  const { t, i18n } = useTranslation();
  const count = (status: UploadStatus) => items.filter((i) => i.status === status).length;
  const bytesTotal = items.reduce((n, i) => n + i.size, 0);
  const bytesDone = items.reduce((n, i) => n + (isFinished(i.status) ? i.size : i.sentBytes), 0);
  const filesDone = items.filter((i) => isFinished(i.status)).length;

  return (
    <div
      className="upload-overall"
      data-testid="upload-overall"
      data-files-done={filesDone}
      data-files-total={items.length}
      aria-live="polite"
    >
      <ProgressBar value={bytesDone} max={bytesTotal} label={t('upload.title')} tone={filesDone === items.length ? 'done' : 'active'} />
      <p>
        {t('upload.overall', {
          filesDone,
          filesTotal: items.length,
          bytesDone: formatBytes(bytesDone, i18n.language),
          bytesTotal: formatBytes(bytesTotal, i18n.language),
        })}
        {' · '}
        {/* a refused file is the one thing here that needs the user's attention */}
        <span className={count('rejected') + count('failed') > 0 ? 'upload-summary-problem' : 'muted'}>
          {t('upload.summary', {
            accepted: count('accepted'),
            duplicate: count('duplicate'),
            rejected: count('rejected'),
            failed: count('failed'),
          })}
        </span>
      </p>
    </div>
  );
}
