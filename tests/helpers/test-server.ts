// Starts a real teledx server (the same startServer() that npm start uses) on a free port, against a fresh
// SQLite file or a fresh PostgreSQL database, and hands out logged-in API clients.
import { mkdtemp, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import pg from 'pg';
import { hashPassword } from '../../server/auth/passwords.ts';
import { loadConfig } from '../../server/config.ts';
import { startServer, type RunningServer } from '../../server/server.ts';
import { ApiClient } from './api-client.ts';

export type Backend = 'sqlite' | 'postgresql';
export const BACKENDS: Backend[] = ['sqlite', 'postgresql'];
export const DEMO_PASSWORD = 'demo-password-for-tests';

/** PostgreSQL server used for tests; each test server gets its own database on it. */
export const TEST_POSTGRES_URL = process.env.TEST_POSTGRES_URL ?? 'postgres://postgres@127.0.0.1:5432/postgres';

export interface TestServer {
  url: string;
  server: RunningServer;
  dataDir: string;
  databaseUrl: string;
  login(username: string, password?: string): Promise<ApiClient>;
  anonymous(): ApiClient;
  close(): Promise<void>;
}

/** A fresh, empty PostgreSQL database; returns its URL and a function that drops it. */
export async function createPostgresDatabase(): Promise<{ url: string; drop(): Promise<void> }> {
  const name = `teledx_test_${process.pid}_${Math.random().toString(36).slice(2, 10)}`;
  const admin = new pg.Client({ connectionString: TEST_POSTGRES_URL });
  try {
    await admin.connect();
  } catch (error) {
    throw new Error(`PostgreSQL is not reachable at ${TEST_POSTGRES_URL} (set TEST_POSTGRES_URL): ${(error as Error).message}`, {
      cause: error,
    });
  }
  await admin.query(`CREATE DATABASE ${name}`);
  await admin.end();
  const url = new URL(TEST_POSTGRES_URL);
  url.pathname = `/${name}`;
  return {
    url: url.toString(),
    async drop() {
      const c = new pg.Client({ connectionString: TEST_POSTGRES_URL });
      await c.connect();
      await c.query(`DROP DATABASE IF EXISTS ${name} WITH (FORCE)`);
      await c.end();
    },
  };
}

/** A data folder, and for PostgreSQL a fresh database, for server processes that a test starts, kills and restarts. */
export interface ServerHome {
  dataDir: string;
  /** the environment for spawnServer (tests/helpers/server-process.ts) */
  env: Record<string, string>;
  remove(): Promise<void>;
}

export async function createServerHome(backend: Backend, prefix: string): Promise<ServerHome> {
  const dataDir = await mkdtemp(join(tmpdir(), prefix));
  const database = backend === 'postgresql' ? await createPostgresDatabase() : null;
  return {
    dataDir,
    env: { DATA_DIR: dataDir, TELEDX_DEMO_PASSWORD: DEMO_PASSWORD, ...(database ? { DATABASE_URL: database.url } : {}) },
    async remove() {
      await database?.drop();
      await rm(dataDir, { recursive: true, force: true });
    },
  };
}

export async function startTestServer(backend: Backend, env: Record<string, string> = {}): Promise<TestServer> {
  const dataDir = await mkdtemp(join(tmpdir(), 'teledx-test-'));
  const pgDb = backend === 'postgresql' ? await createPostgresDatabase() : null;
  const databaseUrl = pgDb?.url ?? `file:${join(dataDir, 'teledx.db')}`;
  const server = await startServer(
    loadConfig({
      PORT: '0',
      HOST: '127.0.0.1',
      DATA_DIR: dataDir,
      DATABASE_URL: databaseUrl,
      LOG_LEVEL: 'silent',
      TELEDX_DEMO_PASSWORD: DEMO_PASSWORD,
      // the DICOM port only where a test asks for it (TELEDX_DICOM_PORT: '0'): the default 11112 is one per machine
      TELEDX_DICOM_PORT: 'off',
      // the demo's year of signed cases only where a test asks for it (the dashboard's): the others count their own
      TELEDX_DEMO_HISTORY: 'false',
      ...env,
    }),
  );
  const url = server.url;
  return {
    url,
    server,
    dataDir,
    databaseUrl,
    async login(username, password = DEMO_PASSWORD) {
      const client = new ApiClient(url);
      const res = await client.post('/api/session', { username, password });
      if (res.status !== 201) throw new Error(`login ${username} failed: ${res.status} ${JSON.stringify(res.body)}`);
      return client;
    },
    anonymous: () => new ApiClient(url),
    async close() {
      await server.close();
      await pgDb?.drop();
      await rm(dataDir, { recursive: true, force: true });
    },
  };
}

/**
 * A supervisor of the ECG centre, `super2` (the demo consortium has one supervisor, of the imaging centre): the
 * access matrices' supervisor of another centre.
 */
export async function addEcgSupervisor(server: TestServer): Promise<void> {
  const db = server.server.ctx.db;
  const ecgCentre = await db.readingCentre.findFirstOrThrow({ where: { kind: 'ECG' } });
  const county = await db.organization.findFirstOrThrow({ where: { kind: 'COUNTY_HOSPITAL' } });
  await db.user.create({
    data: {
      username: 'super2',
      displayName: '心电主任',
      role: 'SUPERVISOR',
      canSign: true,
      passwordHash: await hashPassword(DEMO_PASSWORD),
      organizationId: county.id,
      centres: { create: [{ centreId: ecgCentre.id }] },
    },
  });
}

/** A second signing reader of the imaging centre, `reader2` (the demo has one): for what one reader owns alone. */
export async function addImagingReader(server: TestServer): Promise<void> {
  const db = server.server.ctx.db;
  const imaging = await db.readingCentre.findFirstOrThrow({ where: { kind: 'IMAGING' } });
  const county = await db.organization.findFirstOrThrow({ where: { kind: 'COUNTY_HOSPITAL' } });
  await db.user.create({
    data: {
      username: 'reader2',
      displayName: '赵医生',
      role: 'READER',
      canSign: true,
      passwordHash: await hashPassword(DEMO_PASSWORD),
      organizationId: county.id,
      centres: { create: [{ centreId: imaging.id }] },
    },
  });
}

/**
 * Two instances of teledx on one fresh PostgreSQL database and one blob folder (as on one machine or a shared
 * volume), started together as two `npm start`s would be: migrations and the demo seed happen once.
 */
export async function startTwoInstances(): Promise<{ a: RunningServer; b: RunningServer; close(): Promise<void> }> {
  const database = await createPostgresDatabase();
  const dataDir = await mkdtemp(join(tmpdir(), 'teledx-multi-'));
  const env = {
    PORT: '0',
    HOST: '127.0.0.1',
    DATA_DIR: dataDir,
    DATABASE_URL: database.url,
    LOG_LEVEL: 'silent',
    TELEDX_DEMO_PASSWORD: DEMO_PASSWORD,
    TELEDX_DICOM_PORT: 'off',
    TELEDX_DEMO_HISTORY: 'false',
  };
  const [a, b] = await Promise.all([startServer(loadConfig(env)), startServer(loadConfig(env))]);
  return {
    a,
    b,
    async close() {
      await Promise.all([a.close(), b.close()]);
      await database.drop();
      await rm(dataDir, { recursive: true, force: true });
    },
  };
}
