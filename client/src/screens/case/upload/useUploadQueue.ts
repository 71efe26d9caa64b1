import { useEffect, useSyncExternalStore } from 'react';
import type { UploadResponse } from '../../../../../shared/api.ts';
import { useMe } from '../../../session.ts';
import { reportUnauthenticated } from '../../../api/client.ts';
import { api } from '../../../api/teledx.ts';
import { RESUMABLE_THRESHOLD, sendResumable } from '../../../api/resumable-upload.ts';
import { postFile } from '../../../api/upload-file.ts';
import { UploadQueue } from './upload-queue.ts';

// One queue per case for the life of the page, so going back to the list does not cancel an upload.
const queues = new Map<string, UploadQueue>();

function queueFor(caseId: string, userId: string, maxFileBytes: number): UploadQueue {
  let queue = queues.get(caseId);
  if (!queue) {
    queue = new UploadQueue(async (file, path, onProgress, signal) => {
      // The server would refuse it anyway; do not spend a slow uplink on sending it first.
      if (file.size > maxFileBytes) return { kind: 'answered', status: 413, body: tooLarge(path, maxFileBytes) };
      // large files resume after a drop, a reload or a server restart (tus); small ones are one request each
      const attempt =
        file.size >= RESUMABLE_THRESHOLD
          ? await sendResumable({ userId, caseId }, file, path, onProgress, signal)
          : await postFile(api.filesUrl(caseId), file, path, onProgress, signal);
      if (attempt.kind === 'answered' && attempt.status === 401) reportUnauthenticated();
      return attempt;
    });
    queues.set(caseId, queue);
  }
  return queue;
}

// Closing the tab mid-upload loses the rest, wherever in the app the user is; make the browser ask first.
window.addEventListener('beforeunload', (e) => {
  if ([...queues.values()].some((q) => q.getSnapshot().busy)) e.preventDefault();
});

/** On logout: the uploads belong to the session that ends. */
export function disposeUploadQueues(): void {
  queues.forEach((q) => q.dispose());
  queues.clear();
}

function tooLarge(file: string, limit: number): UploadResponse {
  return {
    accepted: [],
    rejected: [{ file, code: 'TOO_LARGE', reason: `larger than the limit of ${limit} bytes`, status: 413, params: { limit } }],
  };
}

export function useUploadQueue(caseId: string, onSettled: () => void) {
  const me = useMe();
  const queue = queueFor(caseId, me.id, me.uploadLimits.maxFileBytes);
  const snapshot = useSyncExternalStore(queue.subscribe, queue.getSnapshot);
  useEffect(() => queue.onSettled(onSettled), [queue, onSettled]);
  return { queue, snapshot, caseId };
}
