// Two technicians of one township registering exams of the same new patient at the same moment: both exams are
// registered, on one patient record (the resident ID number is unique per organization), never a 500.
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { ApiClient } from '../helpers/api-client.ts';
import { BACKENDS, startTestServer, type TestServer } from '../helpers/test-server.ts';

describe.each(BACKENDS)('concurrent registration (%s)', (backend) => {
  let server: TestServer;
  let tech1: ApiClient;
  beforeAll(async () => {
    server = await startTestServer(backend);
    tech1 = await server.login('tech1');
  });
  afterAll(() => server?.close());

  it('registers every exam of a new patient sent at once, on one patient record', async () => {
    const patient = { name: '周十一', nationalId: '110101199003074514' };
    const answers = await Promise.all(Array.from({ length: 6 }, () => tech1.post('/api/cases', { patient, examKind: 'CT' })));
    expect(answers.map((a) => a.status)).toEqual([201, 201, 201, 201, 201, 201]);
    expect(new Set(answers.map((a) => a.body.patient.id)).size).toBe(1);
    const organizationId = (await tech1.get('/api/me')).body.organization.id as string;
    expect(await server.server.ctx.db.patient.count({ where: { organizationId, nationalId: patient.nationalId } })).toBe(1);
  });
});
