// Two server instances on one PostgreSQL, joined by the Socket.IO PostgreSQL adapter, behave as one.
import { afterAll, beforeAll, expect, it } from 'vitest';
import type { RunningServer } from '../../server/server.ts';
import { syntheticCt } from '../fixtures/dicom-writer.ts';
import { hashPassword } from '../../server/auth/passwords.ts';
import { ApiClient } from '../helpers/api-client.ts';
import { connectSocket, waitForEvent } from '../helpers/sockets.ts';
import { DEMO_PASSWORD, startTwoInstances } from '../helpers/test-server.ts';

let a: RunningServer;
let b: RunningServer;
let instances: Awaited<ReturnType<typeof startTwoInstances>>;

beforeAll(async () => {
  instances = await startTwoInstances();
  ({ a, b } = instances);
});
afterAll(() => instances?.close());

async function login(server: RunningServer, username: string): Promise<ApiClient> {
  const client = new ApiClient(server.url);
  const res = await client.post('/api/session', { username, password: DEMO_PASSWORD });
  if (res.status !== 201) throw new Error(`login ${username}: ${res.status}`);
  return client;
}

it('seeds once, and a case submitted through A reaches a reader connected to B', async () => {
  expect([a.seeded, b.seeded].filter(Boolean)).toHaveLength(1);
  const readerOnB = await connectSocket(await login(b, 'reader1'));
  const techOnA = await login(a, 'tech1');
  const id = (await techOnA.post('/api/cases', { patient: { name: '跨实例' }, examKind: 'CT', priority: 'STAT' })).body.id;
  await techOnA.upload(id, [{ name: 'f.dcm', data: syntheticCt({ rows: 8, columns: 8 }).bytes }]);
  const started = Date.now();
  await techOnA.post(`/api/cases/${id}/submit`);
  await waitForEvent(readerOnB, (e) => e.case.id === id && e.event === 'submit', 2000);
  expect(Date.now() - started).toBeLessThan(1000);
  readerOnB.close();
});

it('keeps exactly one winner when 50 readers on two instances claim at once', async () => {
  const { db } = a.ctx;
  const centre = await db.readingCentre.findUniqueOrThrow({ where: { code: 'IMAGING' } });
  const county = await db.organization.findUniqueOrThrow({ where: { code: 'COUNTY' } });
  const passwordHash = await hashPassword(DEMO_PASSWORD);
  await db.user.createMany({
    data: Array.from({ length: 50 }, (_, i) => ({
      id: `m${i}`,
      username: `multi${i}`,
      displayName: `医生${i}`,
      role: 'READER',
      organizationId: county.id,
      passwordHash,
    })),
  });
  await db.centreMembership.createMany({ data: Array.from({ length: 50 }, (_, i) => ({ userId: `m${i}`, centreId: centre.id })) });
  const readers = await Promise.all(Array.from({ length: 50 }, (_, i) => login(i % 2 ? a : b, `multi${i}`)));

  const tech = await login(a, 'tech1');
  const id = (await tech.post('/api/cases', { patient: { name: '抢单' }, examKind: 'CT' })).body.id;
  await tech.upload(id, [{ name: 'f.dcm', data: syntheticCt({ rows: 8, columns: 8 }).bytes }]);
  await tech.post(`/api/cases/${id}/submit`);

  const results = await Promise.all(readers.map((r) => r.post(`/api/cases/${id}/claim`)));
  expect(results.filter((r) => r.status === 200)).toHaveLength(1);
  expect(results.filter((r) => r.status === 409 && r.body.error.code === 'ALREADY_CLAIMED')).toHaveLength(49);
  expect(await db.auditEvent.count({ where: { entityId: id, action: 'case.claim' } })).toBe(1);
});
