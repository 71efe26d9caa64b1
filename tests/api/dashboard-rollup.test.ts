// The dashboard's rollup (server/dashboard/rollup.ts), on SQLite and PostgreSQL: cases moved through the real API
// (signed; amended, with and without a critical finding; returned for a retake and signed after; flagged critical at
// signing, or first by an amendment; left unsigned) leave in the rollup exactly what a GROUP BY over their Case rows
// counts, per China-time day and month; the backfill (rebuildDashboardRollup, the migration's SQL) writes the same
// rows; the dashboard answers the same figures for a day (the day rows), its whole month (the month rows) and, for the
// turnaround, its year (the year rows);
// and racing signatures count a case once (two amendments sent at once flagging the first critical value, once).
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { DashboardQuality, DashboardTurnaround, DashboardVolumes } from '../../shared/dashboard.ts';
import { COARSE_MINUTES, rebuildDashboardRollup } from '../../server/dashboard/rollup.ts';
import type { ApiClient } from '../helpers/api-client.ts';
import { signCase, submittedCase } from '../helpers/fhir.ts';
import { BACKENDS, DEMO_PASSWORD, startTestServer, type TestServer } from '../helpers/test-server.ts';

const MINUTE = 60_000;
const CHINA = 8 * 3600_000;
const chinaDay = (at: Date) => new Date(at.getTime() + CHINA).toISOString().slice(0, 10);
const SLA = { STAT: 30, URGENT: 120, ROUTINE: 1440 } as Record<string, number>;

describe.each(BACKENDS)('the dashboard rollup (%s)', (backend) => {
  let server: TestServer;
  let tech1: ApiClient, tech2: ApiClient, reader1: ApiClient, ecg1: ApiClient, admin: ApiClient;
  beforeAll(async () => {
    server = await startTestServer(backend);
    [tech1, tech2, reader1, ecg1, admin] = await Promise.all([
      server.login('tech1'),
      server.login('tech2'),
      server.login('reader1'),
      server.login('ecg1'),
      server.login('admin'),
    ]);
  }, 120_000);
  afterAll(() => server?.close());

  const ok = async (res: Promise<{ status: number; body: unknown }>, what: string) => {
    const r = await res;
    if (r.status !== 200) throw new Error(`${what}: ${r.status} ${JSON.stringify(r.body)}`);
  };
  const draft = (critical: boolean) => ({
    templateId: 'general',
    findings: '所见。',
    impression: critical ? '危急值。' : '未见异常。',
    criticalFinding: critical,
  });
  const amend = (reader: ApiClient, id: string, critical: boolean) =>
    reader.post(`/api/cases/${id}/report/amend`, { ...draft(critical), reason: '补充', password: DEMO_PASSWORD });
  async function claimedWithDraft(tech: ApiClient, critical = false): Promise<string> {
    const { caseId } = await submittedCase(tech, { name: '统计' });
    await ok(reader1.post(`/api/cases/${caseId}/claim`), 'claim');
    await ok(reader1.request('PUT', `/api/cases/${caseId}/report`, { json: draft(critical) }), 'draft');
    return caseId;
  }
  const sign = (reader: ApiClient, id: string) => reader.post(`/api/cases/${id}/report/sign`, { password: DEMO_PASSWORD });

  /** what the rollup should hold, counted here from the Case rows */
  async function fromCaseRows() {
    const cases = await server.server.ctx.db.case.findMany({ where: { signedAt: { not: null } } });
    const counts = new Map<string, { signed: number; returned: number; returns: number; critical: number }>();
    const bins = new Map<string, { cases: number; onTime: number }>();
    for (const c of cases) {
      const day = chinaDay(c.signedAt!);
      for (const [grain, bucket] of [
        ['D', day],
        ['M', day.slice(0, 7)],
        ['Y', day.slice(0, 4)],
      ]) {
        // the counts per day and month; the turnaround also per year
        if (grain !== 'Y') {
          const key = [grain, bucket, c.originOrgId, c.centreId ?? '', c.examKind].join('|');
          const row = counts.get(key) ?? { signed: 0, returned: 0, returns: 0, critical: 0 };
          row.signed += 1;
          row.returned += c.returnCount > 0 ? 1 : 0;
          row.returns += c.returnCount;
          row.critical += c.criticalFlaggedAt ? 1 : 0;
          counts.set(key, row);
        }
        const total = c.signedAt!.getTime() - c.submittedAt!.getTime();
        const add = (measure: string, ms: number, onTime: number) => {
          for (const width of [1, COARSE_MINUTES]) {
            const minutes = Math.floor(Math.round(ms / MINUTE) / width) * width;
            const k = [grain, bucket, width, c.centreId, c.priority, measure, minutes].join('|');
            const bin = bins.get(k) ?? { cases: 0, onTime: 0 };
            bins.set(k, { cases: bin.cases + 1, onTime: bin.onTime + onTime });
          }
        };
        add('TOTAL', total, total <= SLA[c.priority]! * MINUTE ? 1 : 0);
        if (c.firstClaimedAt) add('CLAIM', c.firstClaimedAt.getTime() - c.submittedAt!.getTime(), 0);
      }
    }
    return { counts: Object.fromEntries([...counts].sort()), bins: Object.fromEntries([...bins].sort()) };
  }
  async function rollup() {
    const db = server.server.ctx.db;
    const counts = (await db.dashboardCaseRollup.findMany()).map(({ grain, bucket, originOrgId, centreId, examKind, ...n }) => [
      [grain, bucket, originOrgId, centreId, examKind].join('|'),
      n,
    ]);
    const bins = (await db.dashboardTurnaroundRollup.findMany()).map(
      ({ grain, bucket, width, centreId, priority, measure, minutes, ...n }) => [
        [grain, bucket, width, centreId, priority, measure, minutes].join('|'),
        n,
      ],
    );
    return { counts: Object.fromEntries(counts.sort()), bins: Object.fromEntries(bins.sort()) };
  }

  it('holds what a GROUP BY over the signed cases counts, after signings, amendments, returns and critical values', async () => {
    // signed once
    const plain = await claimedWithDraft(tech1);
    await ok(sign(reader1, plain), 'sign');
    // signed, then amended twice: one signature
    const amended = await claimedWithDraft(tech2);
    await ok(sign(reader1, amended), 'sign');
    await ok(amend(reader1, amended, false), 'amend');
    await ok(amend(reader1, amended, false), 'amend');
    // returned twice for a retake, then signed
    const { caseId: returned } = await submittedCase(tech1, { name: '重拍' });
    for (let i = 0; i < 2; i++) {
      await ok(reader1.post(`/api/cases/${returned}/claim`), 'claim');
      await ok(reader1.post(`/api/cases/${returned}/return-for-quality`, { codes: ['POSITIONING'] }), 'return');
      await ok(tech1.post(`/api/cases/${returned}/resubmit`), 'resubmit');
    }
    await ok(reader1.post(`/api/cases/${returned}/claim`), 'claim');
    await ok(reader1.request('PUT', `/api/cases/${returned}/report`, { json: draft(false) }), 'draft');
    await ok(sign(reader1, returned), 'sign');
    // a critical value at signing, then amended without and with it again (flagged anew, counted once)
    const critical = await claimedWithDraft(tech1, true);
    await ok(sign(reader1, critical), 'sign');
    await ok(amend(reader1, critical, false), 'amend');
    await ok(amend(reader1, critical, true), 'amend');
    // the first critical value flagged by an amendment, then amended again with it
    const late = await claimedWithDraft(tech2);
    await ok(sign(reader1, late), 'sign');
    await ok(amend(reader1, late, true), 'amend');
    await ok(amend(reader1, late, true), 'amend');
    // an ECG of the ECG centre
    const { caseId: ecg } = await submittedCase(tech2, { name: '心电' }, 'ECG');
    await signCase(ecg1, ecg, true);
    // not signed: submitted, claimed with a draft
    await submittedCase(tech1, { name: '未签' });
    await claimedWithDraft(tech2);

    const expected = await fromCaseRows();
    expect(Object.values(expected.counts).reduce((s, r) => s + r.signed, 0)).toBe(12); // 6 cases, a day and a month row each
    const crit = Object.entries(expected.counts).filter(([k]) => k.startsWith('D|'));
    expect(crit.reduce((s, [, r]) => s + r.critical, 0)).toBe(2);
    expect(crit.reduce((s, [, r]) => s + r.returns, 0)).toBe(2);
    const live = await rollup();
    expect(live).toEqual(expected);
    // the backfill (the migration's SQL, run after bulk inserts) writes the same rows
    await rebuildDashboardRollup(server.server.ctx.db, server.server.ctx.provider, server.server.ctx.config.sla);
    expect(await rollup()).toEqual(live);
  });

  it('answers the same figures for a day (its day rows) as for its whole month (the month rows) and year', async () => {
    const today = chinaDay(new Date());
    const month = today.slice(0, 7);
    const [y, m] = [Number(month.slice(0, 4)), Number(month.slice(5, 7))];
    const lastDay = `${month}-${String(new Date(Date.UTC(y, m, 0)).getUTCDate()).padStart(2, '0')}`;
    for (const figure of ['volumes', 'turnaround', 'quality'] as const) {
      const day = (await admin.get(`/api/dashboard/${figure}?from=${today}&to=${today}`)).body as
        DashboardVolumes | DashboardTurnaround | DashboardQuality;
      const whole = (await admin.get(`/api/dashboard/${figure}?from=${month}-01&to=${lastDay}`)).body as typeof day;
      // the signed cases' figures (the demo seed has referrals on other days of the month)
      const ofCases = (rows: typeof day.rows) =>
        figure === 'volumes' ? (rows as DashboardVolumes['rows']).filter((r) => r.service === 'IMAGING' || r.service === 'ECG') : rows;
      expect(ofCases(day.rows).length, figure).toBeGreaterThan(0);
      expect(ofCases(day.rows), figure).toEqual(ofCases(whole.rows));
    }
    // and the turnaround of the whole year (its year rows)
    const turnaround = async (from: string, to: string) =>
      ((await admin.get(`/api/dashboard/turnaround?from=${from}&to=${to}`)).body as DashboardTurnaround).rows;
    expect(await turnaround(`${y}-01-01`, `${y}-12-31`)).toEqual(await turnaround(today, today));
    const quality = (await admin.get(`/api/dashboard/quality?from=${today}&to=${today}`)).body as DashboardQuality;
    expect(quality.rows.reduce((s, r) => s + r.signed, 0)).toBe(6);
    // yesterday has none of them
    const yesterday = chinaDay(new Date(Date.now() - 86_400_000));
    expect(((await admin.get(`/api/dashboard/quality?from=${yesterday}&to=${yesterday}`)).body as DashboardQuality).rows).toEqual([]);
  });

  it('counts a case once when three signatures race, and its first critical value once when two amendments sent at once flag it', async () => {
    const today = async () => {
      const day = chinaDay(new Date());
      const rows = ((await admin.get(`/api/dashboard/quality?from=${day}&to=${day}`)).body as DashboardQuality).rows;
      return { signed: rows.reduce((s, r) => s + r.signed, 0), critical: rows.reduce((s, r) => s + r.critical, 0) };
    };
    const before = await today();
    const id = await claimedWithDraft(tech1);
    const statuses = (await Promise.all([sign(reader1, id), sign(reader1, id), sign(reader1, id)])).map((r) => r.status);
    expect(statuses.filter((s) => s === 200)).toHaveLength(1);
    expect(statuses.filter((s) => s !== 200).every((s) => s === 409)).toBe(true);
    const flags = (await Promise.all([amend(reader1, id, true), amend(reader1, id, true)])).map((r) => r.status);
    expect(flags.filter((s) => s === 200).length).toBeGreaterThanOrEqual(1);
    expect(await rollup()).toEqual(await fromCaseRows());
    expect(await today()).toEqual({ signed: before.signed + 1, critical: before.critical + 1 });
  });
});
