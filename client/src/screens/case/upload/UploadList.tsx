import { memo } from 'react';
import { useTranslation } from 'react-i18next';
import { ProgressBar } from '../../../components/ProgressBar.tsx';
import { Bytes } from '../../../components/format.tsx';
import { useErrorText } from '../../../i18n/error-text.ts';
import { useRejectionText } from './rejection-text.ts';
import type { UploadItem } from './upload-queue.ts';

export function UploadList({ items }: { items: readonly UploadItem[] }) {
  return (
    <ol className="upload-list">
      {items.map((item) => (
        <UploadRow key={item.key} item={item} />
      ))}
    </ol>
  );
}

// memo: a folder of a thousand slices redraws only the rows whose progress moved
const UploadRow = memo(function UploadRow({ item }: { item: UploadItem }) {
  const { t } = useTranslation();
  const reason = useOutcomeReason(item);
  const tone =
    item.status === 'rejected' || item.status === 'failed'
      ? 'bad'
      : item.status === 'uploading' || item.status === 'queued'
        ? 'active'
        : 'done';
  return (
    <li
      className={`upload-row upload-${item.status}`}
      data-testid="upload-row"
      data-status={item.status}
      data-file={item.name}
      data-path={item.path}
    >
      <span className="upload-name" title={item.path}>
        {item.path}
      </span>
      <span className="upload-size">
        <Bytes bytes={item.size} />
      </span>
      <ProgressBar value={item.sentBytes} max={item.size} label={item.path} tone={tone} />
      <span className="upload-outcome">
        <span className="upload-status">{t(`upload.status.${item.status}`)}</span>
        {item.retry && (
          <span className="muted"> · {t('upload.retrying', { attempt: item.retry.attempt, seconds: item.retry.delayMs / 1000 })}</span>
        )}
        {reason && (
          <span className="upload-reason" data-testid="upload-reason" title={item.rejection?.reason ?? item.error?.message}>
            {reason}
          </span>
        )}
      </span>
    </li>
  );
});

function useOutcomeReason(item: UploadItem): string | undefined {
  const rejectionText = useRejectionText();
  const errorText = useErrorText();
  if (item.rejection) return rejectionText(item.rejection);
  if (item.error) return errorText(item.error);
  return undefined;
}
