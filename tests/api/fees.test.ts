// Fee entries and the monthly settlement, on SQLite and PostgreSQL, through the real HTTP API: signing charges the
// agreement's price and split in the signature's transaction; an amendment with unchanged terms bills nothing; an
// agreement that starts mid-month prices what is signed from that day; a township without an agreement is billed
// from the schedule and flagged; consultations are billed by kind; a locked month takes nothing more, and a late
// amendment after an agreement was entered late lands as a reversal and a rebill in the next month.
//
// The server runs in this process, so the test moves the clock (only `Date`; timers run normally) to put the
// signatures on chosen days of November and December 2026 (China time); every step logs in again after a move.
import ExcelJS from 'exceljs';
import { afterAll, beforeAll, describe, expect, it, vi } from 'vitest';
import type { AgreementDto, AgreementInput, SettlementStatementDto, SettlementSummaryDto } from '../../shared/billing.ts';
import { actorForToken } from '../../server/auth/sessions.ts';
import { hashPassword } from '../../server/auth/passwords.ts';
import { recordJoin } from '../../server/consult/consultations.ts';
import type { ApiClient } from '../helpers/api-client.ts';
import { readPdf } from '../helpers/pdf.ts';
import { amendCase, signCase, submittedCase } from '../helpers/fhir.ts';
import { BACKENDS, DEMO_PASSWORD, startTestServer, type TestServer } from '../helpers/test-server.ts';

/** 10:00 China time on a day of 2026 */
const at = (day: string) => new Date(`2026-${day}T02:00:00Z`);

describe.each(BACKENDS)('fees and settlements (%s)', (backend) => {
  let server: TestServer;
  const org: Record<string, string> = {};

  const setClock = (when: Date) => vi.setSystemTime(when);
  const login = (user: string) => server.login(user);

  beforeAll(async () => {
    vi.useFakeTimers({ toFake: ['Date'], shouldAdvanceTime: true, now: at('11-01') });
    server = await startTestServer(backend);
    const db = server.server.ctx.db;
    for (const o of await db.organization.findMany()) org[o.code] = o.id;
    // a technician of 河口镇, the demo's third township (it has no demo account)
    await db.user.create({
      data: {
        username: 'tech3',
        displayName: '周技师',
        role: 'TECHNICIAN',
        passwordHash: await hashPassword(DEMO_PASSWORD),
        organizationId: org['T-HEKOU']!,
      },
    });
  }, 120_000);
  afterAll(async () => {
    await server?.close();
    vi.useRealTimers();
  }, 120_000);

  async function agreementOf(finance: ApiClient, township: string): Promise<AgreementDto> {
    const list = await finance.get<AgreementDto[]>('/api/agreements');
    expect(list.status).toBe(200);
    return list.body.find((a) => a.inviting.id === org[township])!;
  }

  const inputOf = (a: AgreementDto): AgreementInput => ({
    title: a.title,
    invitingOrgId: a.inviting.id,
    invitedOrgId: a.invited.id,
    validFrom: a.validFrom,
    validTo: a.validTo,
    services: a.services.map(({ service, priceFen, splitKind, splitValue }) => ({ service, priceFen, splitKind, splitValue })),
  });

  async function signedCtCase(tech: string, name: string, day: string): Promise<string> {
    setClock(at(day));
    const { caseId } = await submittedCase(await login(tech), { name });
    await signCase(await login('reader1'), caseId);
    return caseId;
  }

  /** the statement as finance reads it (logged in anew: the clock may have moved past an earlier session) */
  async function statement(month: string, township: string): Promise<SettlementStatementDto> {
    const res = await (await login('finance1')).get<SettlementStatementDto>(`/api/settlements/${month}/${org[township]}/${org.COUNTY}`);
    expect(res.status).toBe(200);
    return res.body;
  }

  const entriesOf = async (caseId: string) =>
    server.server.ctx.db.feeEntry.findMany({ where: { caseId }, orderBy: [{ kind: 'asc' }, { createdAt: 'asc' }] });

  it('prices a signed report under the agreement in force, in the same transaction as the signature', async () => {
    const caseId = await signedCtCase('tech1', '张三', '11-05');
    const [entry, ...more] = await entriesOf(caseId);
    expect(more).toEqual([]);
    const agreement = await agreementOf(await login('finance1'), 'T-CHENGGUAN');
    // the demo: CT 80.00 元, 70 % to the county hospital
    expect(entry).toMatchObject({
      kind: 'CHARGE',
      source: 'REPORT',
      service: 'IMAGING_CT',
      agreementId: agreement.id,
      flag: null,
      invitingOrgId: org['T-CHENGGUAN'],
      invitedOrgId: org.COUNTY,
      month: '2026-11',
      priceFen: 8000,
      invitingShareFen: 2400,
      invitedShareFen: 5600,
      reportVersion: 1,
    });
    const kase = await server.server.ctx.db.case.findUniqueOrThrow({ where: { id: caseId } });
    expect(entry!.serviceAt.getTime()).toBe(kase.signedAt!.getTime());

    // an amendment under unchanged terms does not bill again
    setClock(at('11-06'));
    await amendCase(await login('reader1'), caseId, '头颅CT平扫未见明显异常。');
    expect(await entriesOf(caseId)).toHaveLength(1);
  }, 120_000);

  it('prices from the day an agreement starts mid-month, and flags a township without an agreement', async () => {
    const finance = await login('finance1');
    // 石桥镇: the demo agreement ends on 14 November, a new one with CT at 90.00 元 split 50/50 starts on the 15th
    const old = await agreementOf(finance, 'T-SHIQIAO');
    const ended = await finance.request('PUT', `/api/agreements/${old.id}`, { json: { ...inputOf(old), validTo: '2026-11-14' } });
    expect(ended.status).toBe(200);
    const overlapping = await finance.post('/api/agreements', { ...inputOf(old), title: '重叠', validFrom: '2026-11-14' });
    expect(overlapping.status).toBe(409);
    expect(overlapping.body.error.code).toBe('AGREEMENT_OVERLAP');
    const created = await finance.post<AgreementDto>('/api/agreements', {
      ...inputOf(old),
      title: '远程医疗合作协议（2026年11月起）',
      validFrom: '2026-11-15',
      validTo: null,
      services: [{ service: 'IMAGING_CT', priceFen: 9001, splitKind: 'PERCENT', splitValue: 5000 }],
    });
    expect(created.status).toBe(201);
    // 9001 fen at 50 %: the inviting side's 4500.5 rounds down, the remainder goes to the invited side
    expect(created.body.services[0]).toMatchObject({ priceFen: 9001, invitingShareFen: 4500, invitedShareFen: 4501 });
    // 河口镇: the demo agreement ended in October
    const hekou = await agreementOf(finance, 'T-HEKOU');
    expect(
      (await finance.request('PUT', `/api/agreements/${hekou.id}`, { json: { ...inputOf(hekou), validTo: '2026-10-31' } })).status,
    ).toBe(200);

    const before = await signedCtCase('tech2', '李四', '11-14');
    const after = await signedCtCase('tech2', '王五', '11-15');
    const ecg = await (async () => {
      setClock(at('11-16'));
      const { caseId } = await submittedCase(await login('tech2'), { name: '赵六' }, 'ECG');
      await signCase(await login('ecg1'), caseId, true);
      return caseId;
    })();
    const outside = await signedCtCase('tech3', '钱七', '11-20');

    expect(await entriesOf(before)).toMatchObject([
      { agreementId: old.id, flag: null, priceFen: 8000, invitingShareFen: 2400, invitedShareFen: 5600 },
    ]);
    expect(await entriesOf(after)).toMatchObject([
      { agreementId: created.body.id, flag: null, priceFen: 9001, invitingShareFen: 4500, invitedShareFen: 4501 },
    ]);
    // the new agreement does not cover the ECG diagnosis: priced from the schedule (20.00 元), flagged, not shared
    expect(await entriesOf(ecg)).toMatchObject([
      { service: 'ECG', agreementId: created.body.id, flag: 'NOT_COVERED', priceFen: 2000, invitingShareFen: 0, invitedShareFen: 0 },
    ]);
    expect(await entriesOf(outside)).toMatchObject([
      { agreementId: null, flag: 'NO_AGREEMENT', priceFen: 8000, invitingShareFen: 0, invitedShareFen: 0, month: '2026-11' },
    ]);

    const shiqiao = await statement('2026-11', 'T-SHIQIAO');
    expect(shiqiao.entries.map((e) => e.caseId)).toEqual([before, after, ecg]);
    expect(shiqiao.summary.totals).toEqual({
      entries: 3,
      priceFen: 8000 + 9001 + 2000,
      invitingShareFen: 2400 + 4500,
      invitedShareFen: 5600 + 4501,
      flaggedEntries: 1,
      flaggedPriceFen: 2000,
    });
    expect(shiqiao.byService.map((s) => [s.service, s.totals.priceFen])).toEqual([
      ['IMAGING_CT', 17001],
      ['ECG', 2000],
    ]);
    const list = await (await login('finance1')).get<SettlementSummaryDto[]>('/api/settlements?month=2026-11');
    expect(list.status).toBe(200);
    const hekouRow = list.body.find((s) => s.inviting.id === org['T-HEKOU'])!;
    expect(hekouRow.totals).toMatchObject({ entries: 1, priceFen: 8000, flaggedEntries: 1, flaggedPriceFen: 8000 });
    expect(list.body.map((s) => s.status)).toEqual(list.body.map(() => 'OPEN'));
  }, 120_000);

  it('bills an ended consultation by its kind: named specialist, regular, urgent', async () => {
    setClock(at('11-21'));
    const db = server.server.ctx.db;
    const centre = await db.readingCentre.findFirstOrThrow({ where: { kind: 'IMAGING' } });
    const reader1 = await db.user.findUniqueOrThrow({ where: { username: 'reader1' } });
    const billed: string[] = [];
    for (const named of [true, false]) {
      const tech = await login('tech1');
      const { caseId } = await submittedCase(tech, { name: named ? '孙八' : '周九' });
      const asked = await tech.post('/api/consultations', {
        caseId,
        centreId: centre.id,
        topic: '请会诊',
        ...(named ? { specialistId: reader1.id } : {}),
      });
      expect(asked.status).toBe(201);
      const reader = await login('reader1');
      expect((await reader.post(`/api/consultations/${asked.body.id}/accept`)).status).toBe(200);
      // the signalling's first join starts the consultation
      await recordJoin(server.server.ctx, (await actorForToken(db, reader.cookie.split('=')[1]!))!, asked.body.id);
      expect(await db.feeEntry.count({ where: { consultationId: asked.body.id } })).toBe(0);
      expect((await reader.post(`/api/consultations/${asked.body.id}/end`)).status).toBe(200);
      billed.push(asked.body.id);
    }
    // urgent: asked for at once about a STAT case (a joint one needs two county doctors in the room, which admits
    // only the requester and the specialist today: its rule is tested in tests/unit/fee-split.test.ts)
    {
      const tech = await login('tech1');
      const { caseId } = await submittedCase(tech, { name: '陈十三' });
      await db.case.update({ where: { id: caseId }, data: { priority: 'STAT' } });
      const asked = await tech.post('/api/consultations', { caseId, centreId: centre.id, topic: '急会诊' });
      expect(asked.status).toBe(201);
      const reader = await login('reader1');
      expect((await reader.post(`/api/consultations/${asked.body.id}/accept`)).status).toBe(200);
      await recordJoin(server.server.ctx, (await actorForToken(db, reader.cookie.split('=')[1]!))!, asked.body.id);
      expect((await reader.post(`/api/consultations/${asked.body.id}/end`)).status).toBe(200);
      billed.push(asked.body.id);
    }
    const entries = await db.feeEntry.findMany({ where: { consultationId: { in: billed } } });
    const byId = new Map(entries.map((e) => [e.consultationId, e]));
    expect(byId.get(billed[2]!)).toMatchObject({
      service: 'CONSULT_URGENT',
      priceFen: 20000,
      invitingShareFen: 4000,
      invitedShareFen: 16000,
    });
    expect(byId.get(billed[0]!)).toMatchObject({
      source: 'CONSULTATION',
      service: 'CONSULT_NAMED',
      priceFen: 25000,
      invitingShareFen: 4000,
      invitedShareFen: 21000,
    });
    expect(byId.get(billed[1]!)).toMatchObject({
      source: 'CONSULTATION',
      service: 'CONSULT_REGULAR',
      priceFen: 15000,
      invitingShareFen: 3000,
      invitedShareFen: 12000,
    });
    expect(entries).toHaveLength(3);
  }, 120_000);

  it('locks a reviewed month; a late amendment after a late agreement lands in the next month as reversal and rebill', async () => {
    setClock(at('12-02'));
    const finance = await login('finance1');
    const path = `/api/settlements/2026-11/${org['T-HEKOU']}/${org.COUNTY}`;
    // a lock needs a review, and a review of the statement as it stands
    expect((await finance.post(`${path}/lock`)).body.error.code).toBe('INVALID_TRANSITION');
    const reviewed = await finance.post<SettlementStatementDto>(`${path}/review`);
    expect(reviewed.status).toBe(200);
    expect(reviewed.body.summary.status).toBe('REVIEWED');
    expect((await (await login('admin')).post(`${path}/lock`)).status).toBe(403);
    const locked = await finance.post<SettlementStatementDto>(`${path}/lock`);
    expect(locked.status).toBe(200);
    expect(locked.body.summary).toMatchObject({ status: 'LOCKED', lockedBy: { displayName: '钱会计' } });
    expect((await finance.post(`${path}/review`)).body.error.code).toBe('SETTLEMENT_LOCKED');
    const novemberBefore = await statement('2026-11', 'T-HEKOU');

    // the agreement is entered late: it covered November after all
    const hekou = await agreementOf(finance, 'T-HEKOU');
    expect(
      (await finance.request('PUT', `/api/agreements/${hekou.id}`, { json: { ...inputOf(hekou), validTo: '2027-12-31' } })).status,
    ).toBe(200);
    setClock(at('12-03'));
    const caseId = novemberBefore.entries[0]!.caseId!;
    await amendCase(await login('reader1'), caseId, '头颅CT平扫未见异常，随访。');

    const entries = await entriesOf(caseId);
    expect(entries.map((e) => [e.kind, e.month, e.flag, e.priceFen, e.invitingShareFen, e.invitedShareFen])).toEqual([
      ['CHARGE', '2026-11', 'NO_AGREEMENT', 8000, 0, 0],
      ['REBILL', '2026-12', null, 8000, 2400, 5600],
      ['REVERSAL', '2026-12', 'NO_AGREEMENT', -8000, 0, 0],
    ]);
    const [charge, rebill, reversal] = entries;
    expect(reversal!.correctsId).toBe(charge!.id);
    expect(rebill!.correctsId).toBe(charge!.id);
    expect(rebill!.serviceAt.getTime()).toBe(charge!.serviceAt.getTime());
    // November is frozen; December carries the correction
    expect(await statement('2026-11', 'T-HEKOU')).toEqual(novemberBefore);
    const december = await statement('2026-12', 'T-HEKOU');
    expect(december.summary.totals).toEqual({
      entries: 2,
      priceFen: 0,
      invitingShareFen: 2400,
      invitedShareFen: 5600,
      flaggedEntries: 1,
      flaggedPriceFen: -8000,
    });
    // a second amendment finds the terms billed: nothing more
    await amendCase(await login('reader1'), caseId, '头颅CT平扫未见异常。');
    expect(await entriesOf(caseId)).toHaveLength(3);
  }, 120_000);

  it('refuses to lock a statement that changed after its review, and a month not yet begun', async () => {
    setClock(at('12-04'));
    const finance = await login('finance1');
    const path = `/api/settlements/2026-12/${org['T-CHENGGUAN']}/${org.COUNTY}`;
    expect((await finance.post(`${path}/review`)).status).toBe(200);
    await signedCtCase('tech1', '吴十', '12-04');
    const stale = await finance.post(`${path}/lock`);
    expect(stale.status).toBe(409);
    expect(stale.body.error.code).toBe('REVIEW_STALE');
    expect((await finance.post(`${path}/review`)).status).toBe(200);
    expect((await finance.post(`${path}/lock`)).status).toBe(200);
    // signed after the lock of its month: counted in January
    const late = await signedCtCase('tech1', '郑十一', '12-05');
    expect(await entriesOf(late)).toMatchObject([{ kind: 'CHARGE', month: '2027-01', priceFen: 8000 }]);
    const again = await login('finance1');
    const future = await again.post(`/api/settlements/2027-02/${org['T-CHENGGUAN']}/${org.COUNTY}/review`);
    expect(future.status).toBe(200);
    expect((await again.post(`/api/settlements/2027-02/${org['T-CHENGGUAN']}/${org.COUNTY}/lock`)).body.error.code).toBe(
      'MONTH_NOT_STARTED',
    );
    expect((await again.get('/api/settlements?month=2026-13')).status).toBe(400);
    // the trail: the lock and the review, by finance1
    const trail = await server.server.ctx.db.auditEvent.findMany({
      where: { action: { startsWith: 'settlement.' } },
      orderBy: { at: 'asc' },
    });
    expect(trail.map((t) => t.action)).toContain('settlement.lock');
  }, 120_000);

  it('exports the statement as an XLSX workbook and a Chinese PDF that read back as the statement', async () => {
    setClock(at('12-06'));
    const finance = await login('finance1');
    const base = `/api/settlements/2026-11/${org['T-SHIQIAO']}/${org.COUNTY}`;
    const s = await statement('2026-11', 'T-SHIQIAO');
    const xlsx = await finance.get(`${base}/statement.xlsx`);
    expect(xlsx.status).toBe(200);
    expect(xlsx.headers.get('content-type')).toBe('application/vnd.openxmlformats-officedocument.spreadsheetml.sheet');
    const workbook = new ExcelJS.Workbook();
    await workbook.xlsx.load(xlsx.body as never); // a Node Buffer, which exceljs types as its own
    const sheet = workbook.getWorksheet('结算单')!;
    const rows: unknown[][] = [];
    sheet.eachRow({ includeEmpty: true }, (row, n) => (rows[n - 1] = (row.values as unknown[]).slice(1)));
    const cell = (r: number, c: number) => sheet.getCell(r, c).value;
    expect(cell(1, 1)).toBe('远程医疗服务费用结算单');
    expect(rows.slice(1, 5)).toEqual([
      ['结算月份', '2026-11'],
      ['邀请方（基层医疗机构）', '石桥镇卫生院'],
      ['受邀方（县级医院）', '县人民医院'],
      ['状态', '未审核'],
    ]);
    const rowOf = (label: string) => rows.findIndex((r) => r?.[0] === label) + 1;
    // per service: the service, the count and yuan amounts whose fen are the statement's
    const byService = rowOf('按服务项目汇总') + 2;
    expect(rows[byService - 1]).toEqual(['远程影像诊断（CT）', 2, 170.01, 69, 101.01]);
    expect(rows[byService]).toEqual(['远程心电诊断', 1, 20, 0, 0]);
    expect(rows[byService + 1]).toEqual(['合计', 3, 190.01, 69, 101.01]);
    expect(sheet.getCell(byService, 3).numFmt).toBe('#,##0.00');
    // the entries, cell by cell, against the statement's integer fen
    const first = rowOf('费用明细') + 2;
    expect(rows[first - 2]).toEqual([
      '序号',
      '服务时间',
      '类型',
      '服务项目',
      '检查号/会诊',
      '协议',
      '标记',
      '价格（元）',
      '邀请方（元）',
      '受邀方（元）',
      '说明',
    ]);
    s.entries.forEach((e, i) => {
      const row = first + i;
      expect(cell(row, 1)).toBe(i + 1);
      expect(cell(row, 2)).toBe(new Date(new Date(e.serviceAt).getTime() + 8 * 3600_000).toISOString().slice(0, 16).replace('T', ' '));
      expect(cell(row, 3)).toBe('计费');
      expect(cell(row, 5)).toBe(e.accessionNumber);
      expect(cell(row, 6)).toBe(e.agreementTitle);
      expect(cell(row, 7) || null).toBe(e.flag ? '协议未覆盖' : null);
      expect(Math.round((cell(row, 8) as number) * 100)).toBe(e.priceFen);
      expect(Math.round((cell(row, 9) as number) * 100)).toBe(e.invitingShareFen);
      expect(Math.round((cell(row, 10) as number) * 100)).toBe(e.invitedShareFen);
    });
    expect(rows[first - 1 + s.entries.length]?.slice(0, 1)).toEqual(['合计']);
    expect(rows[first - 1 + s.entries.length]?.slice(7, 10)).toEqual([190.01, 69, 101.01]);

    const pdf = await finance.get(`${base}/statement.pdf`);
    expect(pdf.status).toBe(200);
    expect(pdf.headers.get('content-type')).toBe('application/pdf');
    const { text } = await readPdf(pdf.body as Buffer);
    for (const words of [
      '远程医疗服务费用结算单',
      '石桥镇卫生院',
      '县人民医院',
      '2026-11',
      '远程影像诊断（CT）',
      '远程心电诊断',
      '协议未覆盖',
      '190.01',
      '101.01',
      '69.00',
    ]) {
      expect(text).toContain(words);
    }
    for (const e of s.entries) expect(text).toContain(e.accessionNumber!);
    expect(await server.server.ctx.db.auditEvent.count({ where: { action: 'billing.statement_export' } })).toBe(2);
  }, 120_000);
});
