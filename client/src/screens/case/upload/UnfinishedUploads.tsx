// Large uploads a previous page of this case started and did not finish (the page was reloaded or closed): the
// browser cannot reopen a file by itself, so the user is asked to choose it again, and it continues where it stopped.
import { useEffect, useState } from 'react';
import { useTranslation } from 'react-i18next';
import { unfinishedUploads } from '../../../api/resumable-upload.ts';
import { Bytes } from '../../../components/format.tsx';
import { useMe } from '../../../session.ts';
import type { UploadSnapshot } from './upload-queue.ts';

export function UnfinishedUploads({ caseId, snapshot }: { caseId: string; snapshot: UploadSnapshot }) {
  const { t } = useTranslation();
  const userId = useMe().id;
  const [files, setFiles] = useState<{ fileName: string; size: number }[]>([]);
  // looked at again whenever the queue settles: a finished upload leaves the list
  const busy = snapshot.busy;
  useEffect(() => {
    let live = true;
    void unfinishedUploads(userId, caseId).then((found) => live && setFiles(found));
    return () => {
      live = false;
    };
  }, [userId, caseId, busy]);
  const inQueue = new Set(snapshot.items.map((i) => i.path));
  const waiting = files.filter((f) => !inQueue.has(f.fileName));
  if (waiting.length === 0) return null;
  return (
    <div className="upload-unfinished" data-testid="unfinished-uploads">
      <p>{t('upload.unfinished.title', { count: waiting.length })}</p>
      <ul>
        {waiting.map((f) => (
          <li key={f.fileName} data-testid="unfinished-upload" data-file={f.fileName}>
            {f.fileName} (<Bytes bytes={f.size} />)
          </li>
        ))}
      </ul>
      <p className="muted small">{t('upload.unfinished.hint')}</p>
    </div>
  );
}
