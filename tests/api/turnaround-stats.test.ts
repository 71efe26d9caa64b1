// Turnaround statistics (GET /api/quality/turnaround): per reading centre and priority, for the cases signed in
// the period, the median and 90th percentile of waiting for a reader, reading, and the whole span, and how many
// met their deadline. The cases are real (registered, uploaded and sent over the API); their recorded times are
// then set to known values so that the figures can be checked exactly. On SQLite and PostgreSQL.
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { TurnaroundStatsRow } from '../../shared/api.ts';
import { spread } from '../../server/reporting/turnaround-stats.ts';
import { syntheticCt } from '../fixtures/dicom-writer.ts';
import type { ApiClient } from '../helpers/api-client.ts';
import { BACKENDS, startTestServer, type TestServer } from '../helpers/test-server.ts';

const MINUTE = 60_000;

describe('spread', () => {
  it('gives the median and the 90th percentile by nearest rank, rounded to the minute, and skips missing values', () => {
    expect(spread([10, 20, 30, 40, 50, 60, 70, 80, 90, 100])).toEqual({ median: 50, p90: 90 });
    expect(spread([5, null, 1, 3])).toEqual({ median: 3, p90: 5 });
    expect(spread([7.4])).toEqual({ median: 7, p90: 7 });
    expect(spread([null])).toBeNull();
  });
});

describe.each(BACKENDS)('turnaround statistics (%s)', (backend) => {
  let server: TestServer;
  let tech1: ApiClient, super1: ApiClient, admin: ApiClient, reader1: ApiClient;

  beforeAll(async () => {
    server = await startTestServer(backend);
    [tech1, super1, admin, reader1] = await Promise.all([
      server.login('tech1'),
      server.login('super1'),
      server.login('admin'),
      server.login('reader1'),
    ]);
  });
  afterAll(() => server?.close());

  /** a CT sent to the imaging centre, then given these times (minutes before now) as if it had been read */
  async function readCase(priority: 'ROUTINE' | 'STAT', submitted: number, claimed: number | null, signed: number): Promise<void> {
    const id = (await tech1.post('/api/cases', { patient: { name: '时效' }, examKind: 'CT', priority })).body.id as string;
    expect((await tech1.upload(id, [{ name: 'f.dcm', data: syntheticCt({ rows: 16, columns: 16 }).bytes }])).status).toBe(200);
    expect((await tech1.post(`/api/cases/${id}/submit`)).status).toBe(200);
    const at = (minutesAgo: number) => new Date(Date.now() - minutesAgo * MINUTE);
    await server.server.ctx.db.case.update({
      where: { id },
      data: { status: 'SIGNED', submittedAt: at(submitted), firstClaimedAt: claimed === null ? null : at(claimed), signedAt: at(signed) },
    });
  }

  it('reports each centre and priority of the period, to supervisors for their centres and to administrators for all', async () => {
    // routine CT, imaging centre (deadline 1440 min): waits 10/20/30 min, reads 60/120/180 min
    await readCase('ROUTINE', 300, 290, 230);
    await readCase('ROUTINE', 400, 380, 260);
    await readCase('ROUTINE', 3000, 2970, 2790); // 210 min in all
    // a STAT CT signed after 45 min (deadline 30 min: late), and one never claimed (signed by a supervisor)
    await readCase('STAT', 100, 95, 55);
    await readCase('STAT', 50, null, 30);
    // signed before the period: not counted
    await readCase('ROUTINE', 60 * 24 * 40, 60 * 24 * 40 - 5, 60 * 24 * 35);

    const res = await admin.get('/api/quality/turnaround?days=30');
    expect(res.status).toBe(200);
    const rows = res.body as TurnaroundStatsRow[];
    const imaging = rows.filter((r) => r.centre.name === '影像诊断中心');
    expect(imaging.map((r) => r.priority)).toEqual(['STAT', 'ROUTINE']);
    expect(imaging[1]).toMatchObject({
      signed: 3,
      toClaim: { median: 20, p90: 30 },
      toSign: { median: 120, p90: 180 },
      total: { median: 140, p90: 210 },
      onTime: 3,
    });
    expect(imaging[0]).toMatchObject({
      signed: 2,
      toClaim: { median: 5, p90: 5 },
      toSign: { median: 40, p90: 40 },
      total: { median: 20, p90: 45 },
      onTime: 1,
    });

    // a longer period takes the older case in
    const longer = ((await admin.get('/api/quality/turnaround?days=60')).body as TurnaroundStatsRow[]).find(
      (r) => r.centre.name === '影像诊断中心' && r.priority === 'ROUTINE',
    );
    expect(longer?.signed).toBe(4);

    // the imaging supervisor sees the imaging centre; readers and township staff are refused; a bad period is 400
    const supervised = (await super1.get('/api/quality/turnaround')).body as TurnaroundStatsRow[];
    expect(supervised.map((r) => `${r.centre.name} ${r.priority}`)).toEqual(['影像诊断中心 STAT', '影像诊断中心 ROUTINE']);
    expect((await reader1.get('/api/quality/turnaround')).status).toBe(403);
    expect((await tech1.get('/api/quality/turnaround')).status).toBe(403);
    expect((await admin.get('/api/quality/turnaround?days=0')).status).toBe(400);
    // cases signed by their writer have no write or review step
    expect(imaging.map((r) => [r.toWrite, r.toReview])).toEqual([
      [null, null],
      [null, null],
    ]);
  });

  it('counts both steps of two-level reporting: written (claim → handed in) and reviewed (handed in → signed)', async () => {
    // urgent MR, reviewed at the imaging centre: written in 30/60 min, reviewed in 20/40 min
    for (const [claimed, written, signed] of [
      [100, 70, 50],
      [200, 140, 100],
    ] as const) {
      const id = (await tech1.post('/api/cases', { patient: { name: '两级时效' }, examKind: 'MR', priority: 'URGENT' })).body.id as string;
      await tech1.upload(id, [{ name: 'f.dcm', data: syntheticCt({ rows: 16, columns: 16, modality: 'MR' }).bytes }]);
      expect((await tech1.post(`/api/cases/${id}/submit`)).status).toBe(200);
      const at = (minutesAgo: number) => new Date(Date.now() - minutesAgo * MINUTE);
      await server.server.ctx.db.case.update({
        where: { id },
        data: { status: 'SIGNED', submittedAt: at(claimed + 5), firstClaimedAt: at(claimed), writtenAt: at(written), signedAt: at(signed) },
      });
    }
    const rows = (await super1.get('/api/quality/turnaround')).body as TurnaroundStatsRow[];
    expect(rows.find((r) => r.priority === 'URGENT')).toMatchObject({
      signed: 2,
      toWrite: { median: 30, p90: 60 },
      toReview: { median: 20, p90: 40 },
      toSign: { median: 50, p90: 100 },
    });
  });
});
