// Starts a complete teledx server: configuration, database migrations, blob store, demo seed, HTTP.
// Used by main.ts (npm start) and by the integration tests, so tests exercise the real start-up path.
import type { Server } from 'node:http';
import type { AddressInfo } from 'node:net';
import { join } from 'node:path';
import type { ServerFeatures } from '../shared/api.ts';
import { FsBlobStore } from '../storage/fs-blob-store.ts';
import { createApp } from './app.ts';
import type { Config } from './config.ts';
import type { AppContext } from './context.ts';
import { openDatabase, providerOf } from './db/client.ts';
import { migrate } from './db/migrate.ts';
import { seedDemoHistory } from './consortium/demo-history.ts';
import { rebuildDashboardRollup } from './dashboard/rollup.ts';
import { seedDemoIfEmpty } from './consortium/demo-seed.ts';
import { MediaServerHolder } from './consult/media/media-server.ts';
import { mediaWorkerStatus } from './consult/media/worker-binary.ts';
import { ConsultSignalling } from './consult/signalling.ts';
import { startDicomService, type DicomService } from './dimse/service.ts';
import { startHisOutbox } from './fhir/outbox.ts';
import { startOrphanSweep, type ReclaimResult } from './ingest/orphan-blobs.ts';
import { resumableUploads } from './ingest/resumable.ts';
import { createLogger } from './logger.ts';
import { startQueueWatch } from './reading/claims.ts';
import type { Notifier } from './realtime/notifier.ts';
import { SocketHub } from './realtime/socket-server.ts';
import { caseChangedMessage } from './reading/case-events.ts';
import { consultationChangedMessage, consultationInvitedMessage } from './consult/consultation-events.ts';
import { criticalEscalatedMessage } from './reporting/critical-events.ts';
import { referralChangedMessage } from './referrals/referral-events.ts';
import { readerPresence } from './reading/presence.ts';

export interface RunningServer {
  ctx: AppContext;
  http: Server;
  url: string;
  seeded: boolean;
  /** live consultations' media server, started by the first consultation request (tests reach its workers here) */
  media: MediaServerHolder;
  /** the start-up sweep of blobs no row references (runs in the background; null if it failed) */
  orphanSweep: Promise<ReclaimResult | null>;
  /** the DICOM port actually listened on (TELEDX_DICOM_PORT=0 picks one), or null when it is off */
  dicomPort: number | null;
  close(): Promise<void>;
}

async function serverFeatures(): Promise<ServerFeatures> {
  const media = await mediaWorkerStatus();
  return media.available ? { consultations: true } : { consultations: false, consultationsUnavailable: media.why };
}

export async function startServer(config: Config): Promise<RunningServer> {
  const log = createLogger(config.logLevel);
  const migrated = await migrate(config.databaseUrl);
  const db = await openDatabase(config.databaseUrl);
  // the migration's backfill decided on-time by the default SLA: once, right after it, by the configured one
  if (migrated.includes('0022_dashboard_rollup')) await rebuildDashboardRollup(db, providerOf(config.databaseUrl), config.sla);
  const store = new FsBlobStore(join(config.dataDir, 'blobs'));
  await store.init();
  const orphanSweep = startOrphanSweep({ db, store, log });
  const seeded = config.demo.seed ? await seedDemoIfEmpty(db, config.demo.password) : false;
  if (seeded && config.demoHistory) {
    const history = await seedDemoHistory(db, providerOf(config.databaseUrl), config.sla);
    log.info({ cases: history.cases, ms: history.ms }, 'demo history seeded');
  }
  const hub = new SocketHub({ db, config, log, presence: readerPresence({ db, config }) });
  const media = new MediaServerHolder(config.media, log.child({ component: 'media' }));
  // the hub only carries messages: the domain builds them (payload and rooms)
  const notify: Notifier = {
    caseChanged: (caseId, event) => hub.publish(caseChangedMessage(db, config.sla, caseId, event), { caseId }),
    criticalEscalated: (caseId) => hub.publish(criticalEscalatedMessage(db, config.sla, caseId), { caseId }),
    consultationChanged: (consultationId, event) => {
      hub.publish(consultationChangedMessage(db, consultationId, event), { consultationId });
      // ended over REST as well as in the room: the live room must close either way
      if (event === 'end') void signalling.closeEnded(consultationId);
    },
    consultationInvited: (consultationId, userId, invitedById) =>
      hub.publish(consultationInvitedMessage(db, consultationId, userId, invitedById), { consultationId }),
    referralChanged: (referralId, event) => hub.publish(referralChangedMessage(db, referralId, event), { referralId }),
    sessionEnded: (sessionId) => hub.endSession(sessionId),
  };
  const signalling = new ConsultSignalling({ db, notify, log, media });
  const ctx: AppContext = { config, db, provider: providerOf(config.databaseUrl), store, log, notify, features: serverFeatures };
  const app = createApp(ctx);
  const http = await new Promise<Server>((resolve, reject) => {
    const server = app.listen(config.port, config.host, (error?: Error) => (error ? reject(error) : resolve(server)));
  });
  signalling.attach(await hub.attach(http));
  const dicom: DicomService | null =
    config.dicom.port === null
      ? null
      : await startDicomService(ctx, config.host, { port: config.dicom.port, aeTitle: config.dicom.aeTitle });
  const queueWatch = startQueueWatch(ctx);
  const uploadSweep = resumableUploads(ctx).startSweeping();
  const { port } = http.address() as AddressInfo;
  const host = config.host === '0.0.0.0' || config.host === '::' ? 'localhost' : config.host;
  const url = `http://${host}:${port}`;
  // signed reports to the HIS: resumes whatever a previous run left pending (fhir/outbox.ts)
  const hisOutbox = config.his ? startHisOutbox(ctx, config.his, config.publicOrigins[0] ?? url) : null;
  // Slow rural uplinks: a 2 GB upload may take hours; do not cut long requests off.
  http.requestTimeout = 0;
  // An idle keep-alive connection is closed by the client, never under its feet: Node's default 5 s raced the
  // clients' own 4 s (undici, browsers behind a proxy with 60 s), and a request sent just as the server closed the
  // socket failed with ECONNRESET. 65 s outlasts the usual proxies' 60 s.
  http.keepAliveTimeout = 65_000;
  http.headersTimeout = 66_000;
  return {
    ctx,
    http,
    url,
    seeded,
    media,
    orphanSweep,
    dicomPort: dicom?.port ?? null,
    async close() {
      queueWatch.stop();
      uploadSweep.stop();
      await uploadSweep.first;
      await hisOutbox?.stop();
      await dicom?.close();
      await orphanSweep;
      await hub.close();
      await signalling.drain(); // the leaves of the sockets just closed write to the database
      await media.close();
      await new Promise<void>((resolve) => {
        http.close(() => resolve());
        http.closeAllConnections();
      });
      await resumableUploads(ctx).close();
      await db.$disconnect();
    },
  };
}
