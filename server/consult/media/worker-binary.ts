// Whether this machine can run live consultations: the mediasoup worker binary (built by `npm install`, see
// scripts/mediasoup/install-worker.mjs) must be there and run. The install carries on without it when the Debian
// packages to build it are missing, so the server asks here at start-up (to say so) and whenever a user's session
// is read (so the UI says so too); an answer is kept until the binary changes, e.g. `npm run media:worker`.
import { execFile } from 'node:child_process';
import { statSync } from 'node:fs';
import * as mediasoup from 'mediasoup';
import type { ConsultationsUnavailable } from '../../../shared/api.ts';

export type MediaWorkerStatus = { available: true } | { available: false; why: ConsultationsUnavailable; detail: string };

const FIX = 'run `npm run media:worker` (it installs, or names, the Debian packages it needs)';
let checked: { key: string; status: Promise<MediaWorkerStatus> } | undefined;

export function mediaWorkerStatus(bin: string = mediasoup.workerBin): Promise<MediaWorkerStatus> {
  let key: string;
  try {
    const { mtimeMs, size } = statSync(bin);
    key = `${bin}:${mtimeMs}:${size}`;
  } catch {
    return Promise.resolve({
      available: false,
      why: 'MEDIA_WORKER_MISSING',
      detail: `the mediasoup worker is not installed (${bin}): ${FIX}`,
    });
  }
  if (checked?.key !== key) checked = { key, status: tryWorker(bin) };
  return checked.status;
}

/**
 * A mediasoup worker started without MEDIASOUP_VERSION exits at once with status 41 (worker/src/main.cpp), the
 * check install-worker.mjs makes too; anything else (a missing shared library, say) means it cannot run.
 */
function tryWorker(bin: string): Promise<MediaWorkerStatus> {
  return new Promise((resolve) => {
    execFile(bin, [], { env: {}, timeout: 10_000 }, (error) => {
      const status = error && 'code' in error ? error.code : 0;
      resolve(
        status === 41
          ? { available: true }
          : {
              available: false,
              why: 'MEDIA_WORKER_BROKEN',
              detail: `the mediasoup worker ${bin} does not run (${error?.message ?? 'exit 0'}): ${FIX}`,
            },
      );
    });
  });
}
