// What the request handlers need, built once in main.ts (or by a test) and handed to each router.
import type { BlobStore } from '../storage/blob-store.ts';
import type { ServerFeatures } from '../shared/api.ts';
import type { Config } from './config.ts';
import type { Db, Provider } from './db/client.ts';
import type { Logger } from './logger.ts';
import type { Notifier } from './realtime/notifier.ts';

export interface AppContext {
  config: Config;
  db: Db;
  provider: Provider;
  store: BlobStore;
  log: Logger;
  /** announces committed case changes (Socket.IO once the server listens) */
  notify: Notifier;
  /** what this server can do now (live consultations need the mediasoup worker) */
  features(): Promise<ServerFeatures>;
}
