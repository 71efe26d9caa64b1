// `npm start` as a newcomer or an operator meets it: a production server (NODE_ENV=production) opens no demo
// accounts unless asked, and then not with the published password; a machine without the mediasoup worker (the
// install could not build it) starts with live consultations off, says so, and the API says so too. The server
// runs as its own process (server/main.ts, as `npm start` runs it) three times on one data directory. SQLite only:
// what is tested here is the start-up, which is the same for both databases. One look in Chromium checks that the
// consultations screen passes the reason on.
import { mkdtemp, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { PUBLISHED_DEMO_PASSWORD } from '../../server/config.ts';
import { ApiClient } from '../helpers/api-client.ts';
import { launchBrowser } from '../helpers/browser.ts';
import { ConsultPeer } from '../helpers/consult-peer.ts';
import { spawnServer, type ServerProcess } from '../helpers/server-process.ts';

const NO_WORKER = '/nonexistent/mediasoup-worker';

async function loginStatus(url: string, password: string): Promise<{ status: number; client: ApiClient }> {
  const client = new ApiClient(url);
  const res = await client.post('/api/session', { username: 'tech1', password });
  return { status: res.status, client };
}

describe('start-up in production, and without the mediasoup worker', () => {
  let dataDir: string;
  let server: ServerProcess | undefined;
  /** the password the second start made up and printed */
  let printedPassword = '';

  const start = async (env: Record<string, string>) => {
    await server?.kill('SIGTERM');
    server = await spawnServer({ DATA_DIR: dataDir, NODE_ENV: 'production', ...env });
    return server;
  };

  beforeAll(async () => {
    dataDir = await mkdtemp(join(tmpdir(), 'teledx-startup-'));
  });
  afterAll(async () => {
    await server?.kill();
    await rm(dataDir, { recursive: true, force: true });
  });

  it('seeds no demo accounts in production unless asked, and says live consultations are off without the worker', async () => {
    const { url, output } = await start({ MEDIASOUP_WORKER_BIN: NO_WORKER });
    expect(output()).toContain(`live consultations: OFF, the mediasoup worker is not installed (${NO_WORKER})`);
    expect(output()).toContain('npm run media:worker');
    expect(output()).not.toMatch(/demo/i);
    expect((await new ApiClient(url).get('/api/health')).body).toMatchObject({ status: 'ok', features: { consultations: false } });
    expect((await loginStatus(url, PUBLISHED_DEMO_PASSWORD)).status).toBe(401);
  });

  it('asked for (TELEDX_DEMO=1), seeds them with a random password printed once; the API and the room say consultations are off', async () => {
    const { url, output } = await start({ TELEDX_DEMO: '1', MEDIASOUP_WORKER_BIN: NO_WORKER });
    printedPassword = /shown only now: (\S+)/.exec(output())?.[1] ?? '';
    expect(printedPassword).toMatch(/^[\w-]{16}$/);
    expect(output()).not.toContain(PUBLISHED_DEMO_PASSWORD);
    expect((await loginStatus(url, PUBLISHED_DEMO_PASSWORD)).status).toBe(401);
    const { status, client: tech1 } = await loginStatus(url, printedPassword);
    expect(status).toBe(201);
    expect((await tech1.get('/api/me')).body.features).toEqual({ consultations: false, consultationsUnavailable: 'MEDIA_WORKER_MISSING' });

    // a consultation can still be asked for and accepted; entering its room is refused with the reason
    const reader1 = new ApiClient(url);
    expect((await reader1.post('/api/session', { username: 'reader1', password: printedPassword })).status).toBe(201);
    const { centres } = (await tech1.get('/api/consortium')).body as { centres: { id: string; code: string }[] };
    const consultation = await tech1.post('/api/consultations', { centreId: centres.find((c) => c.code === 'IMAGING')!.id, topic: '会诊' });
    expect(consultation.status).toBe(201);
    expect((await reader1.post(`/api/consultations/${consultation.body.id}/accept`)).status).toBe(200);
    const peer = await ConsultPeer.connect(tech1);
    try {
      expect(await peer.refusal('consult:join', { consultationId: consultation.body.id, rtpCapabilities: {} })).toBe(
        'CONSULTATIONS_UNAVAILABLE',
      );
    } finally {
      peer.socket.disconnect();
    }

    // and the consultations screen says why, in the user's language
    const browser = await launchBrowser();
    try {
      const page = await browser.newPage();
      await page.goto(url);
      await page.getByTestId('login-username').fill('tech1');
      await page.getByTestId('login-password').fill(printedPassword);
      await page.getByTestId('login-submit').click();
      await page.getByTestId('login-submit').waitFor({ state: 'detached' });
      await page.goto(`${url}/consultations`);
      const notice = page.getByTestId('consultations-unavailable');
      await expect.poll(() => notice.textContent()).toContain('媒体服务器组件未安装');
      expect(await notice.getAttribute('data-why')).toBe('MEDIA_WORKER_MISSING');
    } finally {
      await browser.close();
    }
  });

  it('started again, does not print a password the accounts do not have; with the worker, consultations are on', async () => {
    const { url, output } = await start({ TELEDX_DEMO: '1' });
    expect(output()).toContain('their password is the one printed when the database was seeded');
    expect(output()).not.toContain('shown only now');
    expect(output()).toContain('live consultations: on');
    expect((await loginStatus(url, printedPassword)).status).toBe(201);
    expect((await new ApiClient(url).get('/api/health')).body.features).toEqual({ consultations: true });
  });
});
