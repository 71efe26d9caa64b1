// Registered DICOM devices: the demo's three, and administrators adding, changing and removing devices (audited).
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { deviceDtoSchema } from '../../shared/devices.ts';
import type { ApiClient } from '../helpers/api-client.ts';
import { BACKENDS, startTestServer, type TestServer } from '../helpers/test-server.ts';

describe.each(BACKENDS)('DICOM devices (%s)', (backend) => {
  let server: TestServer;
  let admin: ApiClient;
  beforeAll(async () => {
    server = await startTestServer(backend);
    admin = await server.login('admin');
  });
  afterAll(() => server?.close());

  const orgOf = async (username: string) => (await server.server.ctx.db.user.findUniqueOrThrow({ where: { username } })).organizationId;

  it('the demo consortium registers TOWNSHIP1..3 for the townships of tech1, tech2 and the third', async () => {
    const res = await admin.get('/api/devices');
    expect(res.status).toBe(200);
    const devices = res.body.map((d: unknown) => deviceDtoSchema.parse(d));
    const byTitle = new Map(
      devices.map((d: { aeTitle: string; organization: { id: string; name: string } }) => [d.aeTitle, d.organization]),
    );
    expect([...byTitle.keys()].sort()).toEqual(['TOWNSHIP1', 'TOWNSHIP2', 'TOWNSHIP3']);
    expect((byTitle.get('TOWNSHIP1') as { id: string }).id).toBe(await orgOf('tech1'));
    expect((byTitle.get('TOWNSHIP2') as { id: string }).id).toBe(await orgOf('tech2'));
    expect((byTitle.get('TOWNSHIP3') as { name: string }).name).toBe('河口镇卫生院');
  });

  it('adds, changes and removes a device, audited; refuses a taken or malformed AE title and a non-township', async () => {
    const org = await orgOf('tech1');
    const created = await admin.post('/api/devices', {
      aeTitle: ' CT_ROOM1 ',
      host: '10.0.3.7',
      port: 104,
      organizationId: org,
      description: 'CT 室',
    });
    expect(created.status).toBe(201);
    expect(created.body).toMatchObject({ aeTitle: 'CT_ROOM1', host: '10.0.3.7', port: 104, active: true, caseCount: 0 });
    expect((await admin.post('/api/devices', { aeTitle: 'CT_ROOM1', organizationId: org })).body.error.code).toBe('AE_TITLE_TAKEN');
    expect((await admin.post('/api/devices', { aeTitle: 'A\\B', organizationId: org })).status).toBe(400);
    expect((await admin.post('/api/devices', { aeTitle: 'SEVENTEEN_CHARSXX', organizationId: org })).status).toBe(400);
    // the port where storage commitment reports go: a TCP port, and only with an address to connect to
    for (const port of [0, 65536, 11.5, '104']) {
      expect((await admin.post('/api/devices', { aeTitle: 'CT_PORT', host: '10.0.3.8', port, organizationId: org })).status).toBe(400);
    }
    const portAlone = await admin.post('/api/devices', { aeTitle: 'CT_PORT', port: 104, organizationId: org });
    expect(portAlone.status).toBe(400);
    expect(JSON.stringify(portAlone.body)).toMatch(/port needs the address/);
    const county = await orgOf('admin');
    expect((await admin.post('/api/devices', { aeTitle: 'COUNTYCT', organizationId: county })).body.error.code).toBe('NOT_A_TOWNSHIP');

    const id = created.body.id as string;
    const changed = await admin.request('PUT', `/api/devices/${id}`, {
      json: { aeTitle: 'CT_ROOM2', organizationId: await orgOf('tech2'), active: false },
    });
    expect(changed.status).toBe(200);
    expect(changed.body).toMatchObject({ aeTitle: 'CT_ROOM2', active: false, host: null, port: null });
    expect((await admin.request('PUT', '/api/devices/nope', { json: { aeTitle: 'X', organizationId: org } })).status).toBe(404);

    expect((await admin.delete(`/api/devices/${id}`)).status).toBe(204);
    expect((await admin.get('/api/devices')).body.map((d: { aeTitle: string }) => d.aeTitle)).not.toContain('CT_ROOM2');
    const actions = await server.server.ctx.db.auditEvent.findMany({
      where: { entityType: 'DicomDevice', entityId: id },
      orderBy: { at: 'asc' },
    });
    expect(actions.map((a) => a.action)).toEqual(['device.create', 'device.update', 'device.delete']);
  });
});
