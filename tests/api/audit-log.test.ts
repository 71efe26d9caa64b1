// The audit trail for administrators (GET /api/audit): every recorded act newest first, with who and from which
// address and the exam it was about, narrowed by area, days, user and text, a page at a time, and exported as CSV
// with the same filters; nobody else may read it. On SQLite and PostgreSQL.
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { AuditEntryDto } from '../../shared/api.ts';
import { accessionDay } from '../../server/cases/accession.ts';
import type { ApiClient } from '../helpers/api-client.ts';
import { BACKENDS, startTestServer, type TestServer } from '../helpers/test-server.ts';

describe.each(BACKENDS)('audit log (%s)', (backend) => {
  let server: TestServer;
  let admin: ApiClient;

  beforeAll(async () => {
    server = await startTestServer(backend);
    admin = await server.login('admin');
  });
  afterAll(() => server?.close());

  const page = async (query: string): Promise<AuditEntryDto[]> => {
    const res = await admin.get(`/api/audit${query}`);
    expect(res.status).toBe(200);
    return res.body;
  };

  it('lists logins, failed ones included, and case acts, newest first, by area and a page at a time', async () => {
    const failed = await server.anonymous().post('/api/session', { username: 'tech1', password: 'wrong-password' });
    expect(failed.status).toBe(401);
    const tech1 = await server.login('tech1');
    const caseId = (await tech1.post('/api/cases', { patient: { name: '审计' }, examKind: 'CT' })).body.id as string;

    const newest = await page('?limit=3');
    expect(newest.map((e) => e.action)).toEqual(['case.create', 'session.login', 'session.login_failed']);
    expect(newest[0]).toMatchObject({
      entityType: 'Case',
      entityId: caseId,
      actor: { displayName: '王技师', organization: '城关镇卫生院' },
    });
    expect(newest[2]!.details).toEqual({ username: 'tech1' });
    expect(newest[2]!.ip).toMatch(/127\.0\.0\.1/);

    // the sessions only, and the next page after the first entry
    const sessions = await page('?area=session');
    expect(sessions.every((e) => e.action.startsWith('session.'))).toBe(true);
    expect(sessions.length).toBeGreaterThanOrEqual(3); // the admin's own login, tech1's failed and good ones
    const [first, ...rest] = sessions;
    expect(await page(`?area=session&before=${first!.id}`)).toEqual(rest);
    const times = sessions.map((e) => Date.parse(e.at));
    expect(times).toEqual([...times].sort((a, b) => b - a));

    expect(await page('?before=no-such-entry')).toEqual([]);
    expect((await admin.get('/api/audit?area=nothing')).status).toBe(400);
    for (const username of ['super1', 'reader1', 'tech1'])
      expect((await (await server.login(username)).get('/api/audit')).status).toBe(403);
  });

  it('names the exam of an act and filters by days, user, area and text, on screen and in the CSV', async () => {
    const db = server.server.ctx.db;
    const tech2 = await server.login('tech2');
    const mine = (await tech2.post('/api/cases', { patient: { name: '审计筛选' }, examKind: 'DR' })).body;
    const other = (await tech2.post('/api/cases', { patient: { name: '另一位' }, examKind: 'CT' })).body;
    const tech2Id = (await tech2.get('/api/me')).body.id as string;
    // an act of three days ago, for the date range (China days)
    const old = await db.auditEvent.create({
      data: { actorId: tech2Id, action: 'case.cancel', entityType: 'Case', entityId: mine.id, at: new Date(Date.now() - 3 * 86_400_000) },
    });
    const day = (offsetDays: number) => {
      const d = accessionDay(new Date(Date.now() + offsetDays * 86_400_000));
      return `${d.slice(0, 4)}-${d.slice(4, 6)}-${d.slice(6)}`;
    };

    const created = (await page(`?userId=${tech2Id}&area=case`)).filter((e) => e.action === 'case.create');
    expect(created.map((e) => e.exam)).toEqual([
      { caseId: other.id, accessionNumber: other.accessionNumber, patientName: '另一位' },
      { caseId: mine.id, accessionNumber: mine.accessionNumber, patientName: '审计筛选' },
    ]);
    // free text: the patient's name, the exam number, words of the particulars
    expect((await page(`?q=${encodeURIComponent('审计筛选')}`)).map((e) => e.id).sort()).toEqual(
      (await db.auditEvent.findMany({ where: { entityId: mine.id } })).map((e) => e.id).sort(),
    );
    expect((await page(`?q=${mine.accessionNumber}&area=case`)).every((e) => e.exam?.caseId === mine.id)).toBe(true);
    expect((await page(`?q=${encodeURIComponent(other.accessionNumber)}`)).map((e) => e.action)).toEqual(['case.create']);
    // the days: today only leaves the old act out, the day it happened finds it alone among tech2's
    const today = await page(`?userId=${tech2Id}&from=${day(0)}&to=${day(0)}`);
    expect(today.some((e) => e.id === old.id)).toBe(false);
    expect(today.length).toBeGreaterThanOrEqual(3);
    expect((await page(`?userId=${tech2Id}&from=${day(-3)}&to=${day(-3)}`)).map((e) => e.id)).toEqual([old.id]);
    expect(await page(`?userId=${tech2Id}&from=${day(1)}`)).toEqual([]);
    expect((await admin.get('/api/audit?from=2026-13-01')).status).toBe(400);

    const csv = await admin.request('GET', `/api/audit.csv?userId=${tech2Id}&area=case&from=${day(0)}`);
    expect(csv.status).toBe(200);
    expect(csv.headers.get('content-type')).toBe('text/csv; charset=utf-8');
    expect(csv.headers.get('content-disposition')).toMatch(/^attachment; filename="audit-[\d-]+\.csv"$/);
    const bytes = Buffer.from(csv.body as Uint8Array);
    expect([...bytes.subarray(0, 3)]).toEqual([0xef, 0xbb, 0xbf]); // the BOM Excel needs to read UTF-8
    const lines = bytes.subarray(3).toString('utf8').split('\r\n');
    expect(lines.at(-1)).toBe('');
    expect(lines[0]).toBe('时间 (北京时间),操作,操作人,所属机构,检查号,患者,对象类型,对象编号,IP 地址,详情');
    const records = lines.slice(1, -1);
    expect(records).toHaveLength(2); // the two registrations: the old act is before the range
    expect(records[1]).toMatch(
      new RegExp(
        `^\\d{4}-\\d{2}-\\d{2} \\d{2}:\\d{2}:\\d{2},case\\.create,李技师,石桥镇卫生院,${mine.accessionNumber},审计筛选,Case,${mine.id},[^,]*,"\\{""examKind"":""DR"",`,
      ),
    );
    expect(records[0]).toContain(`,${other.accessionNumber},另一位,`);
    expect((await (await server.login('super1')).get('/api/audit.csv')).status).toBe(403);
  });
});
