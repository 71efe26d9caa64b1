// Accession Numbers (检查号): every case gets <township exam code>-<YYYYMMDD>-<sequence>, at most 16 characters (DICOM
// SH), consecutive per township and day even when many cases are registered at once, shown in the case summary and
// detail; administrators set the exam codes, unique in the consortium.
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { caseDetailDtoSchema, caseSummaryDtoSchema } from '../../shared/api.ts';
import { accessionDay, formatAccessionNumber } from '../../server/cases/accession.ts';
import { BACKENDS, startTestServer, type TestServer } from '../helpers/test-server.ts';
import type { ApiClient } from '../helpers/api-client.ts';

describe.each(BACKENDS)('accession numbers (%s)', (backend) => {
  let server: TestServer;
  let tech1: ApiClient;
  let tech2: ApiClient;
  beforeAll(async () => {
    server = await startTestServer(backend);
    [tech1, tech2] = await Promise.all([server.login('tech1'), server.login('tech2')]);
  });
  afterAll(() => server?.close());

  it('numbers 50 cases registered at once in one township, and 10 in another, distinctly and consecutively', async () => {
    const db = server.server.ctx.db;
    const day = accessionDay(new Date());
    const created = await Promise.all(
      Array.from({ length: 60 }, (_, i) =>
        (i % 6 === 5 ? tech2 : tech1).post('/api/cases', { patient: { name: `并发${i}` }, examKind: 'CT' }),
      ),
    );
    for (const res of created) expect(res.status).toBe(201);
    const rows = await db.case.findMany({
      where: { id: { in: created.map((r) => r.body.id as string) } },
      include: { originOrg: true },
    });
    expect(rows).toHaveLength(60);
    const perTownship = new Map<string, string[]>();
    for (const r of rows) perTownship.set(r.originOrg.examCode!, [...(perTownship.get(r.originOrg.examCode!) ?? []), r.accessionNumber]);
    expect([...perTownship.keys()].sort()).toEqual(['CG', 'SQ']);
    expect(perTownship.get('CG')).toHaveLength(50);
    for (const [code, numbers] of perTownship) {
      const pattern = new RegExp(`^${code}-${day}-(\\d{4})$`);
      for (const n of numbers) {
        expect(n).toMatch(pattern);
        expect(n.length).toBeLessThanOrEqual(16);
      }
      const sequences = numbers.map((n) => Number(pattern.exec(n)![1])).sort((a, b) => a - b);
      expect(sequences).toEqual(Array.from({ length: sequences.length }, (_, i) => i + 1));
    }

    const detail = await tech1.get(`/api/cases/${rows.find((r) => r.originOrg.examCode === 'CG')!.id}`);
    expect(detail.status).toBe(200);
    const parsed = caseDetailDtoSchema.parse(detail.body);
    expect(parsed.accessionNumber).toMatch(new RegExp(`^CG-${day}-\\d{4}$`));
    expect(parsed.fromDevice).toBeNull();
    const list = await tech1.get('/api/cases?limit=50');
    for (const c of list.body) expect(caseSummaryDtoSchema.parse(c).accessionNumber).toMatch(/^CG-\d{8}-\d{4}$/);
  });

  it('lets administrators change an exam code, never to one another township has or has used', async () => {
    const admin = await server.login('admin');
    const consortium = (await admin.get('/api/consortium')).body as { organizations: { id: string; code: string; examCode: string }[] };
    const org = (code: string) => consortium.organizations.find((o) => o.code === code)!;
    expect(org('T-CHENGGUAN').examCode).toBe('CG');
    const hekou = org('T-HEKOU').id;
    const put = (id: string, examCode: string) => admin.request('PUT', `/api/organizations/${id}/exam-code`, { json: { examCode } });

    expect((await put(hekou, 'SQ')).body.error.code).toBe('EXAM_CODE_TAKEN'); // 石桥's
    expect((await put(hekou, 'toolong')).status).toBe(400);
    // 城关 moves to a new code; its old one stays spent, since 城关 numbered exams with it
    expect((await put(org('T-CHENGGUAN').id, 'cgz')).body).toEqual({ organizationId: org('T-CHENGGUAN').id, examCode: 'CGZ' });
    expect((await put(hekou, 'CG')).body.error.code).toBe('EXAM_CODE_TAKEN');
    const res = await tech1.post('/api/cases', { patient: { name: '新代码' }, examKind: 'DR' });
    expect(res.body.accessionNumber).toMatch(/^CGZ-\d{6}-\d{4}$/); // two-digit year: still 16 characters at most
    expect(res.body.accessionNumber.length).toBeLessThanOrEqual(16);
    expect((await put(org('T-CHENGGUAN').id, 'CG')).status).toBe(200);
    const audited = await server.server.ctx.db.auditEvent.findFirstOrThrow({
      where: { action: 'consortium.exam_code' },
      orderBy: { at: 'desc' },
    });
    expect(JSON.parse(audited.details!)).toEqual({ from: 'CGZ', to: 'CG' });
  });

  it('audits the number with the registration', async () => {
    const res = await tech1.post('/api/cases', { patient: { name: '审计' }, examKind: 'DR' });
    const event = await server.server.ctx.db.auditEvent.findFirstOrThrow({ where: { action: 'case.create', entityId: res.body.id } });
    const kase = await server.server.ctx.db.case.findUniqueOrThrow({ where: { id: res.body.id } });
    expect(JSON.parse(event.details!).accessionNumber).toBe(kase.accessionNumber);
  });
});

describe('the exam number format', () => {
  it('fits DICOM SH (16 characters) whatever the length of the code', () => {
    expect(formatAccessionNumber('CG', '20261202', 7)).toBe('CG-20261202-0007');
    expect(formatAccessionNumber('HKZ', '20261202', 7)).toBe('HKZ-261202-0007');
    expect(formatAccessionNumber('AB12', '20261202', 9999)).toBe('AB12-261202-9999');
  });
});
