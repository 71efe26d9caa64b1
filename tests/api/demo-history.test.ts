// The demo's past (TELEDX_DEMO_HISTORY): besides its year of signed cases, the fee entries of those cases and of
// the consultations held, under the demo agreements at the time of the signature, and two-way referrals up and
// down over the year. Checked through the API as finance, the administrator and the coordinator see them: a past
// month's settlements total exactly the agreement prices of that month's cases (counted here from the cases);
// the dashboard's referral volumes are the referrals the database holds; every referral's status is reached from
// REQUESTED by the state machine's moves, in the order of its door times. On SQLite and PostgreSQL.
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { chinaMonth, reportService, splitFee, type SettlementStatementDto, type SettlementSummaryDto } from '../../shared/billing.ts';
import type { DashboardVolumes } from '../../shared/dashboard.ts';
import type { ExamKind } from '../../shared/domain.ts';
import { REFERRAL_TRANSITIONS, type ReferralDto, type ReferralEvent, type ReferralStatus } from '../../shared/referrals.ts';
import { DEMO_PRICES } from '../../server/billing/demo-billing.ts';
import { BACKENDS, startTestServer, type TestServer } from '../helpers/test-server.ts';

const CHINA = 8 * 3600_000;
const chinaDay = (ms: number) => new Date(ms + CHINA).toISOString().slice(0, 10);

describe.each(BACKENDS)('the demo past (%s)', (backend) => {
  let server: TestServer;

  beforeAll(async () => {
    server = await startTestServer(backend, { TELEDX_DEMO_HISTORY: 'true' });
  }, 120_000);
  afterAll(() => server?.close());

  it('bills every signed case and held consultation of a past month at the agreement prices', async () => {
    const db = server.server.ctx.db;
    const finance = await server.login('finance1');
    // two months back: a whole month of the history
    const month = chinaMonth(new Date(Date.now() - 62 * 86_400_000));
    const res = await finance.get(`/api/settlements?month=${month}`);
    expect(res.status).toBe(200);
    const summaries = (res.body as SettlementSummaryDto[]).filter((s) => s.totals.entries > 0);
    expect(summaries.length).toBeGreaterThanOrEqual(3);

    // what the month's cases and consultations cost, counted here from the rows and the demo's prices
    const expected = new Map<string, { entries: number; priceFen: number; invitedShareFen: number }>();
    const add = (orgId: string, service: keyof typeof DEMO_PRICES) => {
      const terms = DEMO_PRICES[service];
      const e = expected.get(orgId) ?? { entries: 0, priceFen: 0, invitedShareFen: 0 };
      e.entries++;
      e.priceFen += terms.priceFen;
      e.invitedShareFen += splitFee(terms.priceFen, terms).invitedShareFen;
      expected.set(orgId, e);
    };
    const cases = await db.case.findMany({ where: { status: 'SIGNED' }, select: { originOrgId: true, examKind: true, signedAt: true } });
    for (const c of cases.filter((c) => chinaMonth(c.signedAt!) === month)) add(c.originOrgId, reportService(c.examKind as ExamKind));
    const consultations = await db.consultation.findMany({
      where: { status: 'ENDED' },
      select: { requestingOrgId: true, endedAt: true, case: { select: { priority: true } } },
    });
    for (const c of consultations.filter((c) => chinaMonth(c.endedAt!) === month)) {
      add(c.requestingOrgId, c.case?.priority === 'STAT' ? 'CONSULT_URGENT' : 'CONSULT_REGULAR');
    }
    expect([...expected.values()].reduce((s, e) => s + e.entries, 0)).toBeGreaterThan(50);

    for (const s of summaries) {
      const want = expected.get(s.inviting.id)!;
      expect(s.status).toBe('OPEN');
      expect(s.totals).toMatchObject({
        entries: want.entries,
        priceFen: want.priceFen,
        invitedShareFen: want.invitedShareFen,
        flaggedEntries: 0,
      });
      expect(s.totals.invitingShareFen + s.totals.invitedShareFen).toBe(s.totals.priceFen);
      // the statement: each entry is one case's (or its consultation's) charge, at the agreement's price
      const statement = (await finance.get(`/api/settlements/${month}/${s.inviting.id}/${s.invited.id}`)).body as SettlementStatementDto;
      expect(statement.entries).toHaveLength(want.entries);
      expect(statement.entries.reduce((sum, e) => sum + e.priceFen, 0)).toBe(want.priceFen);
      for (const e of statement.entries) {
        expect(e.kind).toBe('CHARGE');
        expect(e.caseId).not.toBeNull();
        expect(e.accessionNumber).not.toBeNull();
        expect(e.agreementTitle).toContain('远程医疗合作协议');
        expect(e.priceFen).toBe(DEMO_PRICES[e.service].priceFen);
        expect(chinaMonth(new Date(e.serviceAt))).toBe(month);
      }
    }
    // the settlement rows count their entries (a review and lock of the month work on them)
    const rows = await db.settlement.findMany({ where: { month } });
    for (const s of summaries) {
      expect(rows.find((r) => r.invitingOrgId === s.inviting.id)?.entryCount).toBe(s.totals.entries);
    }
    // one charge per report and per consultation, nothing left unbilled
    expect(await db.feeEntry.count({ where: { source: 'REPORT' } })).toBe(cases.length);
    expect(await db.feeEntry.count({ where: { source: 'CONSULTATION' } })).toBe(consultations.length);
  });

  it("shows referrals up and down in the dashboard's volumes, as many as the database holds", async () => {
    const db = server.server.ctx.db;
    const admin = await server.login('admin');
    const from = chinaDay(Date.now() - 400 * 86_400_000);
    const to = chinaDay(Date.now());
    const v = (await admin.get(`/api/dashboard/volumes?from=${from}&to=${to}`)).body as DashboardVolumes;
    const total = (service: string) => v.rows.filter((r) => r.service === service).reduce((s, r) => s + r.count, 0);
    const up = await db.referral.count({ where: { direction: 'UP' } });
    const down = await db.referral.count({ where: { direction: 'DOWN' } });
    expect(up).toBeGreaterThan(100);
    expect(down).toBeGreaterThan(10);
    expect(total('REFERRAL_UP')).toBe(up);
    expect(total('REFERRAL_DOWN')).toBe(down);
    // spread over the year: referrals in at least ten months
    expect(new Set(v.rows.filter((r) => r.service === 'REFERRAL_UP').map((r) => r.month)).size).toBeGreaterThanOrEqual(10);
  });

  it("gives every referral a status its moves reach, and coord1's open list rows in several states", async () => {
    const db = server.server.ctx.db;
    const rows = await db.referral.findMany({ include: { followUps: true, attachments: true } });
    /** the moves a referral's recorded times and answers say it made, in order of time */
    for (const r of rows) {
      const moves: [ReferralEvent, Date][] = [];
      if (r.declineReason) moves.push(['decline', r.updatedAt]);
      if (r.cancelReason) moves.push(['cancel', r.updatedAt]);
      if (r.acceptedAt) moves.push(['accept', r.acceptedAt]);
      if (r.departedAt) moves.push(['depart', r.departedAt]);
      if (r.arrivedAt) moves.push(['arrive', r.arrivedAt]);
      if (r.completedAt) moves.push(['complete', r.completedAt]);
      let status: ReferralStatus = 'REQUESTED';
      let at = r.createdAt;
      for (const [event, when] of moves) {
        expect(REFERRAL_TRANSITIONS[event].from, `${r.number}: ${event} from ${status}`).toContain(status);
        expect(when.getTime()).toBeGreaterThanOrEqual(at.getTime());
        status = REFERRAL_TRANSITIONS[event].to;
        at = when;
      }
      expect(r.status, r.number).toBe(status);
      // the history ends before today: nothing of it happened after now
      expect(r.updatedAt.getTime()).toBeLessThanOrEqual(Date.now());
      if (r.status === 'ACCEPTED' || r.acceptedAt) expect(r.answeredById).not.toBeNull();
      if (r.admission) expect(r.bedNumber).not.toBeNull();
      if (r.direction === 'DOWN') {
        const up = rows.find((u) => u.id === r.upReferralId)!;
        expect(up.status).toBe('COMPLETED');
        expect(up.patientId).toBe(r.patientId);
        expect(r.dischargeSummary && r.followUpPlan).toBeTruthy();
        for (const f of r.followUps) expect(f.at.getTime()).toBeGreaterThanOrEqual(r.arrivedAt!.getTime());
      } else {
        expect(r.followUps).toHaveLength(0);
        expect(r.attachments.map((a) => a.caseId)).toEqual(r.caseId ? [r.caseId] : []);
      }
    }
    const states = new Set(rows.map((r) => r.status));
    for (const s of ['REQUESTED', 'ACCEPTED', 'ARRIVED', 'COMPLETED', 'DECLINED', 'CANCELLED'] as const) expect(states).toContain(s);
    // the referral numbers are unique and each of the days' counters is at its last number
    const counters = await db.referralCounter.findMany();
    for (const c of counters) {
      const numbers = rows.filter((r) => r.number.startsWith(`ZZ-${c.day}-`));
      expect(numbers.length).toBe(c.value);
    }

    // coord1's list (the open ones by default on the screen) has rows waiting, booked and in hospital
    const coord1 = await server.login('coord1');
    const open = (await coord1.get('/api/referrals?status=REQUESTED,ACCEPTED,IN_TRANSIT,ARRIVED')).body as { referrals: ReferralDto[] };
    const openStates = new Set(open.referrals.map((r) => r.status));
    for (const s of ['REQUESTED', 'ACCEPTED', 'ARRIVED'] as const) expect(openStates).toContain(s);
    expect(open.referrals.some((r) => r.direction === 'DOWN')).toBe(true);
  });
});
