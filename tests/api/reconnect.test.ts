// A reader's browser keeps its socket through a server restart: it reconnects by itself, resynchronises
// its worklist over REST (which includes what happened while it was away), and receives live events again.
import { mkdtemp, rm } from 'node:fs/promises';
import { createServer } from 'node:net';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, expect, it } from 'vitest';
import { loadConfig } from '../../server/config.ts';
import { startServer, type RunningServer } from '../../server/server.ts';
import { syntheticCt } from '../fixtures/dicom-writer.ts';
import { ApiClient } from '../helpers/api-client.ts';
import { connectSocket, waitForEvent } from '../helpers/sockets.ts';
import { DEMO_PASSWORD } from '../helpers/test-server.ts';

let server: RunningServer | undefined;
let dataDir = '';
afterAll(async () => {
  await server?.close();
  if (dataDir) await rm(dataDir, { recursive: true, force: true });
});

async function freePort(): Promise<number> {
  const probe = createServer();
  await new Promise<void>((resolve) => probe.listen(0, '127.0.0.1', resolve));
  const { port } = probe.address() as { port: number };
  await new Promise((resolve) => probe.close(resolve));
  return port;
}

async function submit(client: ApiClient): Promise<string> {
  const id = (await client.post('/api/cases', { patient: { name: '重连' }, examKind: 'CT' })).body.id;
  await client.upload(id, [{ name: 'f.dcm', data: syntheticCt({ rows: 8, columns: 8 }).bytes }]);
  await client.post(`/api/cases/${id}/submit`);
  return id;
}

it('reconnects after a server restart and resynchronises from the database', async () => {
  dataDir = await mkdtemp(join(tmpdir(), 'teledx-reconnect-'));
  const config = loadConfig({
    PORT: String(await freePort()),
    HOST: '127.0.0.1',
    DATA_DIR: dataDir,
    LOG_LEVEL: 'silent',
    TELEDX_DEMO_PASSWORD: DEMO_PASSWORD,
    TELEDX_DICOM_PORT: 'off',
  });
  server = await startServer(config);
  const login = async (username: string) => {
    const client = new ApiClient(server!.url);
    await client.post('/api/session', { username, password: DEMO_PASSWORD });
    return client;
  };
  const reader = await login('reader1');
  const tech = await login('tech1');
  const socket = await connectSocket(reader);
  const before = await submit(tech);
  await waitForEvent(socket, (e) => e.case.id === before);

  await server.close();
  const reconnected = new Promise<void>((resolve) => socket.io.once('reconnect', () => resolve()));
  server = await startServer(config); // same port, same database: sessions survive
  const duringOutage = await submit(tech); // may happen before the socket is back: the resync must show it
  await reconnected;
  const worklist = (await reader.get('/api/worklist')).body.map((r: { id: string }) => r.id);
  expect(worklist).toEqual(expect.arrayContaining([before, duringOutage]));

  const after = await submit(tech);
  await waitForEvent(socket, (e) => e.case.id === after, 3000);
  socket.close();
});
