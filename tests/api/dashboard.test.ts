// The county's dashboard (GET /api/dashboard/*): cases and consultations with known times, townships, exam kinds,
// returns and critical values are inserted, and every figure the database computes is compared with the same
// figure counted here from the inserted list: volumes per service, township and China-time month (rows at the
// months' and the period's edges), turnaround and SLA compliance per centre and priority, quality per township,
// the current load; the supervisors' scope; the CSV files. On SQLite and PostgreSQL.
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { DashboardLoad, DashboardQuality, DashboardTurnaround, DashboardVolumes, VolumeRow } from '../../shared/dashboard.ts';
import type { ExamKind, Priority } from '../../shared/domain.ts';
import { rebuildDashboardRollup } from '../../server/dashboard/rollup.ts';
import { spread } from '../../server/reporting/turnaround-stats.ts';
import type { ApiClient } from '../helpers/api-client.ts';
import { addEcgSupervisor, BACKENDS, startTestServer, type TestServer } from '../helpers/test-server.ts';

const MINUTE = 60_000;
const CHINA = 8 * 3600_000;
/** a China-time wall clock as an instant */
const china = (wall: string) => new Date(Date.parse(`${wall}Z`) - CHINA);
const chinaMonth = (at: Date) => new Date(at.getTime() + CHINA).toISOString().slice(0, 7);
const SLA: Record<Priority, number> = { STAT: 30, URGENT: 120, ROUTINE: 1440 };

interface Known {
  org: string;
  kind: ExamKind;
  priority: Priority;
  submittedAt: Date;
  claimedAt: Date | null;
  signedAt: Date;
  returnCount: number;
  critical: boolean;
}

describe.each(BACKENDS)('the dashboard (%s)', (backend) => {
  let server: TestServer;
  let admin: ApiClient, super1: ApiClient, super2: ApiClient, tech1: ApiClient, reader1: ApiClient;
  const orgs: Record<string, { id: string; name: string }> = {};
  const centres: Record<string, { id: string; name: string }> = {};
  const known: Known[] = [];
  const consultations: { org: string; centre: string; endedAt: Date; status: string }[] = [];
  const referrals: { org: string; direction: 'UP' | 'DOWN'; createdAt: Date }[] = [];
  let serial = 0;

  beforeAll(async () => {
    server = await startTestServer(backend);
    await addEcgSupervisor(server);
    [admin, super1, super2, tech1, reader1] = await Promise.all([
      server.login('admin'),
      server.login('super1'),
      server.login('super2'),
      server.login('tech1'),
      server.login('reader1'),
    ]);
    const db = server.server.ctx.db;
    for (const o of await db.organization.findMany()) orgs[o.code] = { id: o.id, name: o.name };
    for (const c of await db.readingCentre.findMany()) centres[c.code] = { id: c.id, name: c.name };
    const tech = await db.user.findUniqueOrThrow({ where: { username: 'tech1' } });
    const patients: Record<string, string> = {};
    for (const code of ['T-CHENGGUAN', 'T-SHIQIAO', 'T-HEKOU']) {
      patients[code] = (await db.patient.create({ data: { name: '统计', sex: 'F', organizationId: orgs[code]!.id } })).id;
    }
    // 90 signed cases over 2025-11 … 2026-02, with a fixed pattern of townships, kinds, priorities and times
    const townships = ['T-CHENGGUAN', 'T-SHIQIAO', 'T-HEKOU'];
    const kinds: ExamKind[] = ['ECG', 'DR', 'CT', 'ECG', 'MR', 'US', 'ECG'];
    const priorities: Priority[] = ['ROUTINE', 'STAT', 'ROUTINE', 'URGENT', 'ROUTINE'];
    for (let i = 0; i < 90; i++) {
      const priority = priorities[i % priorities.length]!;
      const submittedAt = new Date(china('2025-11-10T09:00:00').getTime() + i * 26 * 60 * MINUTE + (i % 7) * 11 * MINUTE);
      const wait = (i * 7) % 45;
      const claimedAt = i % 11 === 0 ? null : new Date(submittedAt.getTime() + wait * MINUTE);
      // some within their deadline, some late; one STAT exactly at its 30 minutes (on time)
      const total =
        i === 1 ? 30 : priority === 'STAT' ? 20 + ((i * 13) % 30) : priority === 'URGENT' ? 60 + ((i * 17) % 120) : 100 + ((i * 97) % 2000);
      known.push({
        org: townships[i % 3]!,
        kind: kinds[i % kinds.length]!,
        priority,
        submittedAt,
        claimedAt,
        signedAt: new Date(submittedAt.getTime() + total * MINUTE + (i === 1 ? 0 : (i % 4) * 1000)),
        returnCount: i % 9 === 0 ? 1 + (i % 2) : 0,
        critical: i % 8 === 3,
      });
    }
    // the edges: the last minute of January and the first of February (China time), and either side of the period
    const edge = (signedAt: Date, org = 'T-HEKOU'): Known => ({
      org,
      kind: 'DR',
      priority: 'ROUTINE',
      submittedAt: new Date(signedAt.getTime() - 50 * MINUTE),
      claimedAt: new Date(signedAt.getTime() - 40 * MINUTE),
      signedAt,
      returnCount: 0,
      critical: false,
    });
    known.push(edge(china('2026-01-31T23:59:30')), edge(china('2026-02-01T00:00:00')), edge(china('2025-10-31T23:59:59')));
    known.push(edge(china('2026-02-28T23:59:59')), edge(china('2026-03-01T00:00:00')));
    await db.case.createMany({
      data: known.map((k) => ({
        accessionNumber: `T-${String(serial++).padStart(6, '0')}`,
        patientId: patients[k.org]!,
        originOrgId: orgs[k.org]!.id,
        createdById: tech.id,
        examKind: k.kind,
        priority: k.priority,
        status: 'SIGNED',
        centreId: k.kind === 'ECG' ? centres.ECG!.id : centres.IMAGING!.id,
        submittedAt: k.submittedAt,
        firstClaimedAt: k.claimedAt,
        signedAt: k.signedAt,
        returnCount: k.returnCount,
        criticalFlaggedAt: k.critical ? k.signedAt : null,
        criticalAckAt: k.critical ? k.signedAt : null,
      })),
    });
    // inserted as signed, past the state machine: the dashboard's rollup counted from the rows, as after the demo's
    // bulk insert
    await rebuildDashboardRollup(db, server.server.ctx.provider, server.server.ctx.config.sla);
    const requester = (await db.user.findUniqueOrThrow({ where: { username: 'tech2' } })).id;
    for (let i = 0; i < 12; i++) {
      const c = {
        org: i % 2 ? 'T-CHENGGUAN' : 'T-SHIQIAO',
        centre: i % 3 ? 'IMAGING' : 'ECG',
        endedAt: new Date(china('2025-11-20T10:00:00').getTime() + i * 8 * 86_400_000),
        status: i === 5 ? 'CANCELLED' : 'ENDED',
      };
      consultations.push(c);
      await db.consultation.create({
        data: {
          requestedById: requester,
          requestingOrgId: orgs[c.org]!.id,
          centreId: centres[c.centre]!.id,
          status: c.status,
          topic: '会诊',
          startedAt: c.status === 'ENDED' ? new Date(c.endedAt.getTime() - 20 * MINUTE) : null,
          endedAt: c.status === 'ENDED' ? c.endedAt : null,
        },
      });
    }
    // referrals up and down, one of them outside the period
    const department = await db.department.findFirstOrThrow();
    for (const [i, r] of (
      [
        { org: 'T-CHENGGUAN', direction: 'UP', createdAt: china('2025-12-03T08:00:00') },
        { org: 'T-CHENGGUAN', direction: 'UP', createdAt: china('2025-12-20T16:30:00') },
        { org: 'T-SHIQIAO', direction: 'DOWN', createdAt: china('2026-02-28T23:59:00') },
        { org: 'T-SHIQIAO', direction: 'UP', createdAt: china('2026-03-01T00:00:00') },
      ] as const
    ).entries()) {
      referrals.push(r);
      await db.referral.create({
        data: {
          number: `ZZ-TEST-${i}`,
          direction: r.direction,
          status: 'REQUESTED',
          urgency: 'ROUTINE',
          townshipId: orgs[r.org]!.id,
          departmentId: department.id,
          patientId: patients[r.org]!,
          requestedById: tech.id,
          reason: '转诊',
          diagnosis: '待查',
          createdAt: r.createdAt,
        },
      });
    }
  }, 120_000);
  afterAll(() => server?.close());

  const FROM = '2025-11-01';
  const TO = '2026-02-28';
  const inPeriod = (at: Date) => at >= china(`${FROM}T00:00:00`) && at < china('2026-03-01T00:00:00');
  const centreOf = (k: Known) => (k.kind === 'ECG' ? 'ECG' : 'IMAGING');

  function expectedVolumes(visible: (centre: string) => boolean): VolumeRow[] {
    const counts = new Map<string, VolumeRow>();
    const add = (row: Omit<VolumeRow, 'count'>) => {
      const key = JSON.stringify(row);
      counts.set(key, { ...row, count: (counts.get(key)?.count ?? 0) + 1 });
    };
    for (const k of known.filter((k) => inPeriod(k.signedAt) && visible(centreOf(k)))) {
      add({
        service: k.kind === 'ECG' ? 'ECG' : 'IMAGING',
        kind: k.kind === 'ECG' ? null : k.kind,
        organizationId: orgs[k.org]!.id,
        month: chinaMonth(k.signedAt),
      });
    }
    for (const c of consultations.filter((c) => c.status === 'ENDED' && inPeriod(c.endedAt) && visible(c.centre))) {
      add({ service: 'CONSULTATION', kind: null, organizationId: orgs[c.org]!.id, month: chinaMonth(c.endedAt) });
    }
    // referrals concern no reading centre: administrators only
    for (const r of referrals.filter((r) => inPeriod(r.createdAt) && visible('NO CENTRE'))) {
      const service = r.direction === 'UP' ? 'REFERRAL_UP' : 'REFERRAL_DOWN';
      add({ service, kind: null, organizationId: orgs[r.org]!.id, month: chinaMonth(r.createdAt) });
    }
    return [...counts.values()].sort((a, b) => JSON.stringify(a).localeCompare(JSON.stringify(b)));
  }
  const sorted = (rows: VolumeRow[]) => [...rows].sort((a, b) => JSON.stringify(a).localeCompare(JSON.stringify(b)));

  it('counts each service per township and China-time month, the period and the months cut at China midnight', async () => {
    const res = await admin.get(`/api/dashboard/volumes?from=${FROM}&to=${TO}`);
    expect(res.status).toBe(200);
    const v = res.body as DashboardVolumes;
    expect(v.months).toEqual(['2025-11', '2025-12', '2026-01', '2026-02']);
    expect(sorted(v.rows)).toEqual(expectedVolumes(() => true));
    // the edge cases: 23:59:30 on 31 January is January's, 00:00 on 1 February February's
    const hekouDr = (month: string) => v.rows.find((r) => r.organizationId === orgs['T-HEKOU']!.id && r.kind === 'DR' && r.month === month);
    const drAt = (month: string) =>
      known.filter((k) => k.org === 'T-HEKOU' && k.kind === 'DR' && inPeriod(k.signedAt) && chinaMonth(k.signedAt) === month);
    expect(hekouDr('2026-01')!.count).toBe(drAt('2026-01').length);
    expect(drAt('2026-02').some((k) => k.signedAt.getTime() === china('2026-02-01T00:00:00').getTime())).toBe(true);
    expect(v.rows.reduce((s, r) => s + r.count, 0)).toBe(
      known.filter((k) => inPeriod(k.signedAt)).length +
        consultations.filter((c) => c.status === 'ENDED' && inPeriod(c.endedAt)).length +
        referrals.filter((r) => inPeriod(r.createdAt)).length,
    );
    expect(v.organizations.map((o) => o.name)).toEqual(expect.arrayContaining(['城关镇卫生院', '石桥镇卫生院', '河口镇卫生院']));
    // a shorter period: one month
    const jan = (await admin.get('/api/dashboard/volumes?from=2026-01-01&to=2026-01-31')).body as DashboardVolumes;
    expect(jan.months).toEqual(['2026-01']);
    expect(sorted(jan.rows)).toEqual(expectedVolumes(() => true).filter((r) => r.month === '2026-01'));
  });

  it('gives each centre and priority its turnaround and SLA compliance, as the quality screen computes them', async () => {
    const t = (await admin.get(`/api/dashboard/turnaround?from=${FROM}&to=${TO}`)).body as DashboardTurnaround;
    const minutes = (from: Date | null, to: Date | null) => (from && to ? (to.getTime() - from.getTime()) / MINUTE : null);
    const expected = ['IMAGING', 'ECG'].flatMap((centre) =>
      (['STAT', 'URGENT', 'ROUTINE'] as const).flatMap((priority) => {
        const group = known.filter((k) => inPeriod(k.signedAt) && centreOf(k) === centre && k.priority === priority);
        if (group.length === 0) return [];
        return [
          {
            centre: centres[centre]!,
            priority,
            signed: group.length,
            onTime: group.filter((k) => k.signedAt.getTime() - k.submittedAt.getTime() <= SLA[priority] * MINUTE).length,
            toClaim: spread(group.filter((k) => k.claimedAt).map((k) => minutes(k.submittedAt, k.claimedAt))),
            total: spread(group.map((k) => minutes(k.submittedAt, k.signedAt)))!,
          },
        ];
      }),
    );
    // centres by name (影像… before 心电… in zh-CN order is the server's: compare as sets, then the order)
    expect(t.rows).toHaveLength(expected.length);
    expect(t.rows).toEqual(expect.arrayContaining(expected));
    // the STAT signed at exactly 30 minutes counts as on time, and some STAT cases were late
    const stat = t.rows.find((r) => r.centre.id === centres.IMAGING!.id && r.priority === 'STAT')!;
    expect(stat.onTime).toBeGreaterThan(0);
    expect(stat.onTime).toBeLessThan(stat.signed);
  });

  it('gives each township its returns for quality and critical values', async () => {
    const q = (await admin.get(`/api/dashboard/quality?from=${FROM}&to=${TO}`)).body as DashboardQuality;
    const expected = ['T-CHENGGUAN', 'T-HEKOU', 'T-SHIQIAO'].map((org) => {
      const group = known.filter((k) => inPeriod(k.signedAt) && k.org === org);
      return {
        organization: orgs[org]!,
        signed: group.length,
        returned: group.filter((k) => k.returnCount > 0).length,
        returns: group.reduce((s, k) => s + k.returnCount, 0),
        critical: group.filter((k) => k.critical).length,
      };
    });
    expect(q.rows).toEqual(expected);
    // the data has returns (one case returned twice) and critical values to count
    const sum = (f: (r: (typeof expected)[number]) => number) => expected.reduce((s, r) => s + f(r), 0);
    expect(sum((r) => r.returns)).toBeGreaterThan(sum((r) => r.returned));
    expect(sum((r) => r.critical)).toBeGreaterThan(1);
  });

  it('shows each centre its cases waiting, held and overdue now', async () => {
    const db = server.server.ctx.db;
    const tech = await db.user.findUniqueOrThrow({ where: { username: 'tech1' } });
    const reader = await db.user.findUniqueOrThrow({ where: { username: 'reader1' } });
    const patient = await db.patient.findFirstOrThrow({ where: { organizationId: orgs['T-CHENGGUAN']!.id } });
    const now = Date.now();
    const open = [
      { status: 'SUBMITTED', kind: 'CT', priority: 'STAT', age: 45 }, // overdue (30)
      { status: 'SUBMITTED', kind: 'CT', priority: 'ROUTINE', age: 45 },
      { status: 'CLAIMED', kind: 'DR', priority: 'URGENT', age: 150 }, // overdue (120)
      { status: 'PRELIMINARY', kind: 'MR', priority: 'ROUTINE', age: 10 },
      { status: 'REVIEWING', kind: 'MR', priority: 'ROUTINE', age: 2000 }, // overdue (1440)
      { status: 'SUBMITTED', kind: 'ECG', priority: 'STAT', age: 5 },
      { status: 'CLAIMED', kind: 'ECG', priority: 'STAT', age: 31 }, // overdue
      { status: 'DRAFT', kind: 'CT', priority: 'STAT', age: 500 }, // not sent: not counted
    ] as const;
    await db.case.createMany({
      data: open.map((o) => ({
        accessionNumber: `T-${String(serial++).padStart(6, '0')}`,
        patientId: patient.id,
        originOrgId: orgs['T-CHENGGUAN']!.id,
        createdById: tech.id,
        examKind: o.kind,
        priority: o.priority,
        status: o.status,
        centreId: o.status === 'DRAFT' ? null : o.kind === 'ECG' ? centres.ECG!.id : centres.IMAGING!.id,
        submittedAt: o.status === 'DRAFT' ? null : new Date(now - o.age * MINUTE),
        claimedById: o.status === 'CLAIMED' || o.status === 'REVIEWING' ? reader.id : null,
      })),
    });
    const load = (await admin.get('/api/dashboard/load')).body as DashboardLoad;
    expect(load.rows).toEqual([
      { centre: centres.ECG, waiting: 1, claimed: 1, overdue: 1 },
      { centre: centres.IMAGING, waiting: 3, claimed: 2, overdue: 3 },
    ]);
    const csv = await admin.request('GET', '/api/dashboard/load.csv');
    expect(Buffer.from(csv.body as Uint8Array).toString('utf8')).toBe(
      '\uFEFF诊断中心,待领取,阅片中,超时\r\n心电诊断中心,1,1,1\r\n影像诊断中心,3,2,3\r\n',
    );
    // a supervisor sees their own centre only
    expect(((await super2.get('/api/dashboard/load')).body as DashboardLoad).rows).toEqual([
      { centre: centres.ECG, waiting: 1, claimed: 1, overdue: 1 },
    ]);
  });

  it('shows a centre supervisor the figures of their own centre only', async () => {
    const imaging = (centre: string) => centre === 'IMAGING';
    const v = (await super1.get(`/api/dashboard/volumes?from=${FROM}&to=${TO}`)).body as DashboardVolumes;
    expect(sorted(v.rows)).toEqual(expectedVolumes(imaging));
    expect(v.rows.some((r) => r.service === 'ECG' || r.service === 'REFERRAL_UP')).toBe(false);
    const ecg = (await super2.get(`/api/dashboard/volumes?from=${FROM}&to=${TO}`)).body as DashboardVolumes;
    expect(sorted(ecg.rows)).toEqual(expectedVolumes((c) => c === 'ECG'));
    const t = (await super1.get(`/api/dashboard/turnaround?from=${FROM}&to=${TO}`)).body as DashboardTurnaround;
    expect(new Set(t.rows.map((r) => r.centre.id))).toEqual(new Set([centres.IMAGING!.id]));
    const q = (await super2.get(`/api/dashboard/quality?from=${FROM}&to=${TO}`)).body as DashboardQuality;
    expect(q.rows.reduce((s, r) => s + r.signed, 0)).toBe(known.filter((k) => inPeriod(k.signedAt) && k.kind === 'ECG').length);
    // nobody else
    expect((await tech1.get('/api/dashboard/volumes')).status).toBe(403);
    expect((await reader1.get('/api/dashboard/quality.csv')).status).toBe(403);
  });

  it('exports every figure as CSV for Excel, and refuses a period that ends before it starts', async () => {
    const res = await admin.request('GET', `/api/dashboard/volumes.csv?from=${FROM}&to=${TO}`);
    expect(res.status).toBe(200);
    expect(res.headers.get('content-type')).toBe('text/csv; charset=utf-8');
    expect(res.headers.get('content-disposition')).toBe(`attachment; filename="volumes-${FROM}-${TO}.csv"`);
    const text = Buffer.from(res.body as Uint8Array).toString('utf8');
    expect(text.startsWith('\uFEFF月份,机构,服务,检查类别,数量\r\n')).toBe(true);
    const lines = text.slice(1).trimEnd().split('\r\n').slice(1);
    const label = { IMAGING: '影像诊断', ECG: '心电诊断', CONSULTATION: '远程会诊', REFERRAL_UP: '上转', REFERRAL_DOWN: '下转' } as const;
    const name = (id: string) => Object.values(orgs).find((o) => o.id === id)!.name;
    expect(lines.sort()).toEqual(
      expectedVolumes(() => true)
        .map((r) => [r.month, name(r.organizationId), label[r.service], r.kind ?? '', String(r.count)].join(','))
        .sort(),
    );
    const quality = Buffer.from(
      (await admin.request('GET', `/api/dashboard/quality.csv?from=${FROM}&to=${TO}`)).body as Uint8Array,
    ).toString('utf8');
    const q = (await admin.get(`/api/dashboard/quality?from=${FROM}&to=${TO}`)).body as DashboardQuality;
    const first = q.rows[0]!;
    expect(quality.split('\r\n')[1]).toBe(
      [
        first.organization.name,
        first.signed,
        first.returned,
        ((first.returned * 100) / first.signed).toFixed(1),
        first.returns,
        first.critical,
        ((first.critical * 100) / first.signed).toFixed(1),
      ].join(','),
    );
    const turnaround = Buffer.from(
      (await admin.request('GET', `/api/dashboard/turnaround.csv?from=${FROM}&to=${TO}`)).body as Uint8Array,
    ).toString('utf8');
    const t = (await admin.get(`/api/dashboard/turnaround?from=${FROM}&to=${TO}`)).body as DashboardTurnaround;
    expect(turnaround.split('\r\n').length - 2).toBe(t.rows.length);
    expect(turnaround.split('\r\n')[1]!.startsWith(`${t.rows[0]!.centre.name},`)).toBe(true);
    expect((await admin.get('/api/dashboard/volumes?from=2026-02-01&to=2026-01-01')).status).toBe(400);
    expect((await admin.get('/api/dashboard/volumes?from=2020-01-01&to=2026-01-01')).status).toBe(400);
  });
});
