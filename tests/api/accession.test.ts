// Accession Numbers (检查号): every case gets <township code>-<YYYYMMDD>-<sequence>, consecutive per township and
// day even when many cases are registered at once, shown in the case summary and detail.
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { caseDetailDtoSchema, caseSummaryDtoSchema } from '../../shared/api.ts';
import { accessionDay } from '../../server/cases/accession.ts';
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

  it('numbers 20 cases registered in parallel distinctly and consecutively, per township', async () => {
    const db = server.server.ctx.db;
    const day = accessionDay(new Date());
    const created = await Promise.all(
      Array.from({ length: 20 }, (_, i) =>
        (i % 4 === 3 ? tech2 : tech1).post('/api/cases', { patient: { name: `并发${i}` }, examKind: 'CT' }),
      ),
    );
    for (const res of created) expect(res.status).toBe(201);
    const rows = await db.case.findMany({
      where: { id: { in: created.map((r) => r.body.id as string) } },
      include: { originOrg: true },
    });
    expect(rows).toHaveLength(20);
    for (const org of new Set(rows.map((r) => r.originOrg.code))) {
      const numbers = rows.filter((r) => r.originOrg.code === org).map((r) => r.accessionNumber);
      const pattern = new RegExp(`^${org}-${day}-(\\d{4})$`);
      for (const n of numbers) expect(n).toMatch(pattern);
      const sequences = numbers.map((n) => Number(pattern.exec(n)![1])).sort((a, b) => a - b);
      expect(sequences).toEqual(Array.from({ length: sequences.length }, (_, i) => i + 1));
    }
    expect(new Set(rows.map((r) => r.originOrg.code))).toEqual(new Set(['T-CHENGGUAN', 'T-SHIQIAO']));

    const detail = await tech1.get(`/api/cases/${rows.find((r) => r.originOrg.code === 'T-CHENGGUAN')!.id}`);
    expect(detail.status).toBe(200);
    const parsed = caseDetailDtoSchema.parse(detail.body);
    expect(parsed.accessionNumber).toMatch(new RegExp(`^T-CHENGGUAN-${day}-\\d{4}$`));
    expect(parsed.fromDevice).toBeNull();
    const list = await tech1.get('/api/cases?limit=50');
    for (const c of list.body) expect(caseSummaryDtoSchema.parse(c).accessionNumber).toMatch(/^T-CHENGGUAN-\d{8}-\d{4}$/);
  });

  it('audits the number with the registration', async () => {
    const res = await tech1.post('/api/cases', { patient: { name: '审计' }, examKind: 'DR' });
    const event = await server.server.ctx.db.auditEvent.findFirstOrThrow({ where: { action: 'case.create', entityId: res.body.id } });
    const kase = await server.server.ctx.db.case.findUniqueOrThrow({ where: { id: res.body.id } });
    expect(JSON.parse(event.details!).accessionNumber).toBe(kase.accessionNumber);
  });
});
