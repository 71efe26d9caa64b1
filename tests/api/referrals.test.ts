// Two-way referral (双向转诊) on SQLite and PostgreSQL: the state machine up (request → accept with a booking →
// depart → arrive → complete, each move audited) and down (回转 with the discharge summary and follow-up plan, the
// township's arrival and follow-ups); the race of two coordinators accepting the same referral (exactly one wins,
// the other gets 409 REFERRAL_ALREADY_ANSWERED); the scoping (a township sees only its referrals, a coordinator only
// its departments'); the sides (403 NOT_YOUR_SIDE); the consortium's rules; the green channel from a critical ECG,
// announced to the department's coordinators at once.
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { ReferralChangedEvent, ReferralDto } from '../../shared/referrals.ts';
import { hashPassword } from '../../server/auth/passwords.ts';
import { writeDicomEcg } from '../fixtures/ecg-files.ts';
import { synthesizeEcg } from '../fixtures/ecg-synth.ts';
import { syntheticCt } from '../fixtures/dicom-writer.ts';
import type { ApiClient } from '../helpers/api-client.ts';
import { connectSocket, type TestSocket } from '../helpers/sockets.ts';
import { BACKENDS, DEMO_PASSWORD, startTestServer, type TestServer } from '../helpers/test-server.ts';

const USERS = ['tech1', 'tech2', 'coord1', 'coord2', 'ortho1', 'reader1', 'ecg1', 'admin'] as const;
type User = (typeof USERS)[number];

describe.each(BACKENDS)('two-way referral (%s)', (backend) => {
  let server: TestServer;
  const as = {} as Record<User, ApiClient>;
  const dept: Record<string, string> = {};

  beforeAll(async () => {
    server = await startTestServer(backend);
    const db = server.server.ctx.db;
    for (const d of await db.department.findMany()) dept[d.code] = d.id;
    const county = await db.organization.findFirstOrThrow({ where: { kind: 'COUNTY_HOSPITAL' } });
    // a second coordinator of coord1's departments (for the race), and one of orthopaedics only (for the scoping)
    for (const [username, codes] of [
      ['coord2', ['CARDIOLOGY', 'NEUROLOGY', 'EMERGENCY', 'RESPIRATORY']],
      ['ortho1', ['ORTHOPAEDICS']],
    ] as const) {
      await db.user.create({
        data: {
          username,
          displayName: username,
          role: 'REFERRAL_COORDINATOR',
          passwordHash: await hashPassword(DEMO_PASSWORD),
          organizationId: county.id,
          coordinatedDepartments: { create: codes.map((code) => ({ departmentId: dept[code]! })) },
        },
      });
    }
    for (const user of USERS) as[user] = await server.login(user);
  });
  afterAll(() => server?.close());

  async function ctCase(tech: ApiClient = as.tech1, name = '转诊患者'): Promise<string> {
    const id = (await tech.post('/api/cases', { patient: { name, sex: 'M', birthDate: '1960-05-01' }, examKind: 'CT', bodyPart: '头部' }))
      .body.id;
    await tech.upload(id, [{ name: 'ct.dcm', data: syntheticCt({ rows: 16, columns: 16 }).bytes }]);
    expect((await tech.post(`/api/cases/${id}/submit`)).status).toBe(200);
    return id;
  }

  async function refer(caseId: string, tech: ApiClient = as.tech1, departmentId = dept.NEUROLOGY!): Promise<ReferralDto> {
    const res = await tech.post('/api/referrals', {
      direction: 'UP',
      caseId,
      departmentId,
      reason: '头痛加重，需专科诊治',
      diagnosis: '颅内占位？',
      urgency: 'URGENT',
      proposedAt: '2026-12-04T09:00:00+08:00',
    });
    expect(res.status, JSON.stringify(res.body)).toBe(201);
    return res.body;
  }

  const actionsOf = async (id: string) =>
    (
      await server.server.ctx.db.auditEvent.findMany({
        where: { entityType: 'Referral', entityId: id },
        orderBy: [{ at: 'asc' }, { id: 'asc' }],
      })
    ).map((a) => a.action);

  it('goes up: requested, accepted with a booking, departed, arrived, completed; each move audited with its door time', async () => {
    const caseId = await ctCase();
    const r = await refer(caseId);
    expect(r).toMatchObject({
      direction: 'UP',
      status: 'REQUESTED',
      urgency: 'URGENT',
      greenChannel: false,
      department: { id: dept.NEUROLOGY, name: '神经内科' },
      hospital: { name: '县人民医院' },
      patient: { name: '转诊患者', sex: 'M', birthDate: '1960-05-01' },
      caseId,
      proposedAt: '2026-12-04T01:00:00.000Z',
      booking: null,
    });
    expect(r.number).toMatch(/^ZZ-\d{8}-\d{4}$/);
    expect(r.attachments).toEqual([
      expect.objectContaining({ caseId, examKind: 'CT', bodyPart: '头部', status: 'SUBMITTED', impression: null }),
    ]);

    const booking = {
      doctorName: '吴主任',
      appointmentAt: '2026-12-04T10:30:00+08:00',
      admission: true,
      ward: '神经内科一病区',
      bedNumber: '8',
    };
    const accepted = await as.coord1.post(`/api/referrals/${r.id}/accept`, booking);
    expect(accepted.status).toBe(200);
    expect(accepted.body).toMatchObject({
      status: 'ACCEPTED',
      answeredBy: { displayName: '周协调员' },
      booking: {
        doctorName: '吴主任',
        appointmentAt: '2026-12-04T02:30:00.000Z',
        admission: true,
        ward: '神经内科一病区',
        bedNumber: '8',
        note: null,
      },
    });
    // an admission books a bed
    const noBed = await as.coord1.post(`/api/referrals/${(await refer(await ctCase())).id}/accept`, { admission: true });
    expect(noBed.status).toBe(400);

    const departed = await as.tech1.post(`/api/referrals/${r.id}/depart`);
    expect(departed.body.status).toBe('IN_TRANSIT');
    const arrived = await as.coord1.post(`/api/referrals/${r.id}/arrive`);
    expect(arrived.body.status).toBe('ARRIVED');
    expect(Date.parse(arrived.body.arrivedAt)).toBeGreaterThanOrEqual(Date.parse(departed.body.departedAt));
    // a referral cannot be withdrawn once the patient is there
    const late = await as.tech1.post(`/api/referrals/${r.id}/cancel`, { reason: '不去了' });
    expect([late.status, late.body.error.code]).toEqual([409, 'INVALID_TRANSITION']);
    const completed = await as.coord1.post(`/api/referrals/${r.id}/complete`, { note: '已出院' });
    expect(completed.body).toMatchObject({ status: 'COMPLETED', completionNote: '已出院' });
    expect(await actionsOf(r.id)).toEqual([
      'referral.request',
      'referral.accept',
      'referral.depart',
      'referral.arrive',
      'referral.complete',
    ]);
    const audit = await server.server.ctx.db.auditEvent.findFirstOrThrow({ where: { entityId: r.id, action: 'referral.arrive' } });
    expect(JSON.parse(audit.details!)).toMatchObject({ from: 'IN_TRANSIT', to: 'ARRIVED', arrivedAt: arrived.body.arrivedAt });
  });

  it('of two coordinators accepting the same referral at once, exactly one wins; the other gets 409 REFERRAL_ALREADY_ANSWERED', async () => {
    for (let round = 0; round < 4; round++) {
      const r = await refer(await ctCase());
      const answers = await Promise.all([
        as.coord1.post(`/api/referrals/${r.id}/accept`, { doctorName: '甲' }),
        round % 2
          ? as.coord2.post(`/api/referrals/${r.id}/decline`, { reason: '无床位' })
          : as.coord2.post(`/api/referrals/${r.id}/accept`, { doctorName: '乙' }),
      ]);
      const statuses = answers.map((a) => a.status).sort();
      expect(statuses).toEqual([200, 409]);
      const loser = answers.find((a) => a.status === 409)!;
      expect(loser.body.error.code).toBe('REFERRAL_ALREADY_ANSWERED');
      const winner = answers.find((a) => a.status === 200)!;
      const stored = (await as.tech1.get(`/api/referrals/${r.id}`)).body as ReferralDto;
      expect(stored.status).toBe(winner.body.status);
      expect(stored.answeredBy!.id).toBe(winner.body.answeredBy.id);
      // one answer in the trail
      expect((await actionsOf(r.id)).filter((a) => a === 'referral.accept' || a === 'referral.decline')).toHaveLength(1);
    }
  });

  it('is scoped: a township sees only its own referrals, a coordinator only its departments’, a reader none', async () => {
    const own = await refer(await ctCase(as.tech1));
    const other = await refer(await ctCase(as.tech2, '石桥患者'), as.tech2, dept.ORTHOPAEDICS);
    const ids = async (user: User) => ((await as[user].get('/api/referrals')).body.referrals as ReferralDto[]).map((r) => r.id);
    expect(await ids('tech1')).toContain(own.id);
    expect(await ids('tech1')).not.toContain(other.id);
    expect(await ids('tech2')).toEqual(expect.arrayContaining([other.id]));
    expect(await ids('tech2')).not.toContain(own.id);
    expect(await ids('coord1')).toContain(own.id);
    expect(await ids('coord1')).not.toContain(other.id);
    expect(await ids('ortho1')).toEqual([other.id]);
    expect(await ids('reader1')).toEqual([]);
    expect(await ids('admin')).toEqual(expect.arrayContaining([own.id, other.id]));
    expect((await as.tech2.get(`/api/referrals/${own.id}`)).status).toBe(404);
    expect((await as.ortho1.get(`/api/referrals/${own.id}`)).status).toBe(404);
    expect((await as.ortho1.post(`/api/referrals/${own.id}/accept`, {})).status).toBe(404);
    expect((await as.tech2.get(`/api/referrals/${own.id}/slip.pdf`)).status).toBe(404);
    // and the sides: the township does not answer its own referral, the county does not withdraw it
    const self = await as.tech1.post(`/api/referrals/${own.id}/accept`, {});
    expect([self.status, self.body.error.code]).toEqual([403, 'NOT_YOUR_SIDE']);
    expect((await as.coord1.post(`/api/referrals/${own.id}/cancel`, { reason: '—' })).body.error.code).toBe('NOT_YOUR_SIDE');
    // another township's case cannot be referred
    expect(
      (await as.tech2.post('/api/referrals', { direction: 'UP', caseId: own.caseId, departmentId: dept.NEUROLOGY, reason: '—' })).status,
    ).toBe(404);
    const withdrawn = await as.tech1.post(`/api/referrals/${own.id}/cancel`, { reason: '患者拒绝转诊' });
    expect(withdrawn.body).toMatchObject({ status: 'CANCELLED', cancelReason: '患者拒绝转诊' });
  });

  it("follows the consortium's rules: a department takes referrals only where a rule lets it", async () => {
    const caseId = await ctCase();
    const rules = (await as.admin.get('/api/referral-rules')).body.rules as { id: string; department: { id: string }; direction: string }[];
    const orthoUp = rules.find((r) => r.department.id === dept.ORTHOPAEDICS && r.direction === 'UP')!;
    const off = await as.admin.request('PUT', `/api/referral-rules/${orthoUp.id}`, {
      json: { departmentId: dept.ORTHOPAEDICS, direction: 'UP', active: false },
    });
    expect(off.status).toBe(200);
    // the township's referral form offers only the departments the rules let take its referrals (?referrable=true)
    const offered = async (client: ApiClient) =>
      ((await client.get('/api/departments?referrable=true')).body.departments as { code: string }[]).map((d) => d.code);
    expect(await offered(as.tech1)).not.toContain('ORTHOPAEDICS');
    expect(await offered(as.tech1)).toContain('NEUROLOGY');
    expect(((await as.tech1.get('/api/departments')).body.departments as { code: string }[]).map((d) => d.code)).toContain('ORTHOPAEDICS');
    const body = { direction: 'UP', caseId, departmentId: dept.ORTHOPAEDICS, reason: '骨折' };
    const refused = await as.tech1.post('/api/referrals', body);
    expect([refused.status, refused.body.error.code]).toEqual([409, 'NOT_ALLOWED_BY_RULES']);
    // a rule for 城关镇 alone lets tech1's township refer there, and not 石桥镇
    const township = (await as.tech1.get('/api/me')).body.organization.id;
    const own = await as.admin.post('/api/referral-rules', {
      departmentId: dept.ORTHOPAEDICS,
      direction: 'UP',
      townshipId: township,
      note: '城关镇骨科',
    });
    expect(own.status).toBe(201);
    expect((await as.tech1.post('/api/referrals', body)).status).toBe(201);
    expect(await offered(as.tech1)).toContain('ORTHOPAEDICS');
    expect(await offered(as.tech2)).not.toContain('ORTHOPAEDICS');
    const tech2Case = await ctCase(as.tech2);
    expect((await as.tech2.post('/api/referrals', { ...body, caseId: tech2Case })).body.error.code).toBe('NOT_ALLOWED_BY_RULES');
    expect(
      await server.server.ctx.db.auditEvent.count({ where: { action: { in: ['referral.rule_update', 'referral.rule_create'] } } }),
    ).toBe(2);
    expect((await as.tech1.post('/api/referral-rules', { departmentId: dept.ORTHOPAEDICS, direction: 'UP' })).status).toBe(403);
    // the administrator names coordinators from the users with that role
    const coordinators = (await as.admin.get('/api/referral-coordinators')).body.coordinators as { displayName: string }[];
    expect(coordinators.map((c) => c.displayName).sort()).toEqual(['coord2', 'ortho1', '周协调员'].sort());
  });

  it('goes back down: the coordinator refers an arrived patient back with the discharge summary; the township confirms and follows up', async () => {
    const up = await refer(await ctCase());
    expect((await as.coord1.post(`/api/referrals/${up.id}/accept`, {})).status).toBe(200);
    const down = {
      direction: 'DOWN',
      upReferralId: up.id,
      departmentId: dept.NEUROLOGY,
      reason: '病情稳定，回基层康复',
      dischargeSummary: '住院 10 天，症状缓解。',
      followUpPlan: '每两周随访一次。',
    };
    const early = await as.coord1.post('/api/referrals', down);
    expect([early.status, early.body.error.code]).toEqual([409, 'PATIENT_NOT_ARRIVED']);
    expect((await as.coord1.post(`/api/referrals/${up.id}/arrive`)).status).toBe(200);
    expect((await as.tech1.post('/api/referrals', down)).status).toBe(403); // a township does not refer down
    expect((await as.ortho1.post('/api/referrals', { ...down, departmentId: dept.ORTHOPAEDICS })).status).toBe(404); // not its patient
    const made = await as.coord1.post('/api/referrals', down);
    expect(made.status).toBe(201);
    const r = made.body as ReferralDto;
    expect(r).toMatchObject({
      direction: 'DOWN',
      status: 'REQUESTED',
      upReferralId: up.id,
      patient: { name: '转诊患者' },
      township: up.township,
    });
    expect((await as.tech2.get(`/api/referrals/${r.id}`)).status).toBe(404);
    // the township answers a referral down to it; follow-ups come once the patient is there
    expect((await as.coord1.post(`/api/referrals/${r.id}/accept`, {})).body.error.code).toBe('NOT_YOUR_SIDE');
    expect((await as.tech1.post(`/api/referrals/${r.id}/accept`, { note: '已安排家庭医生' })).status).toBe(200);
    const tooSoon = await as.tech1.post(`/api/referrals/${r.id}/follow-ups`, { note: '电话随访' });
    expect([tooSoon.status, tooSoon.body.error.code]).toEqual([409, 'REFERRAL_NOT_ARRIVED']);
    expect((await as.tech1.post(`/api/referrals/${r.id}/arrive`)).body.status).toBe('ARRIVED');
    const f1 = await as.tech1.post(`/api/referrals/${r.id}/follow-ups`, {
      note: '血压平稳',
      at: '2026-12-10T09:00:00+08:00',
      nextAt: '2026-12-24T09:00:00+08:00',
    });
    expect(f1.status).toBe(201);
    const f2 = await as.tech1.post(`/api/referrals/${r.id}/follow-ups`, { note: '肢体功能改善', at: '2026-12-24T09:30:00+08:00' });
    expect(
      f2.body.followUps.map((f: { note: string; at: string; nextAt: string | null; by: { displayName: string } }) => [
        f.note,
        f.at,
        f.nextAt,
        f.by.displayName,
      ]),
    ).toEqual([
      ['血压平稳', '2026-12-10T01:00:00.000Z', '2026-12-24T01:00:00.000Z', '王技师'],
      ['肢体功能改善', '2026-12-24T01:30:00.000Z', null, '王技师'],
    ]);
    expect((await as.coord1.post(`/api/referrals/${r.id}/follow-ups`, { note: '—' })).status).toBe(403); // a township's act
    expect((await as.tech1.post(`/api/referrals/${up.id}/follow-ups`, { note: '—' })).body.error.code).toBe('NOT_A_DOWNWARD_REFERRAL');
    expect((await as.tech1.post(`/api/referrals/${r.id}/complete`)).body.status).toBe('COMPLETED');
    expect((await as.tech1.post(`/api/referrals/${r.id}/follow-ups`, { note: '—' })).body.error.code).toBe('REFERRAL_NOT_ARRIVED');
    expect(await actionsOf(r.id)).toEqual([
      'referral.request',
      'referral.accept',
      'referral.arrive',
      'referral.follow_up',
      'referral.follow_up',
      'referral.complete',
    ]);
  });

  describe('the green channel', () => {
    const sockets: TestSocket[] = [];
    afterAll(() => sockets.forEach((s) => s.close()));

    async function ecgCase(stElevation: boolean): Promise<string> {
      const id = (await as.tech1.post('/api/cases', { patient: { name: '胸痛患者' }, examKind: 'ECG', priority: 'ROUTINE' })).body.id;
      const ecg = synthesizeEcg(stElevation ? { stElevation: { territory: 'inferior', microvolts: 250 } } : {});
      await as.tech1.upload(id, [{ name: 'ecg.dcm', data: writeDicomEcg(ecg.recording).bytes }]);
      return id;
    }

    it('refers a critical ECG in one step to the department the rules name, and tells its coordinators at once', async () => {
      const coordSocket = await connectSocket(as.coord1);
      const orthoSocket = await connectSocket(as.ortho1);
      const otherTownship = await connectSocket(as.tech2);
      sockets.push(coordSocket, orthoSocket, otherTownship);
      const heard: Record<string, ReferralChangedEvent[]> = { coord1: [], ortho1: [], tech2: [] };
      coordSocket.on('referral:changed', (e) => heard.coord1!.push(e));
      orthoSocket.on('referral:changed', (e) => heard.ortho1!.push(e));
      otherTownship.on('referral:changed', (e) => heard.tech2!.push(e));

      const normal = await ecgCase(false);
      const refused = await as.tech1.post('/api/referrals/green-channel', { caseId: normal });
      expect([refused.status, refused.body.error.code]).toEqual([409, 'NO_CRITICAL_VALUE']);

      const critical = await ecgCase(true);
      expect((await as.tech1.get(`/api/cases/${critical}`)).body.priority).toBe('STAT'); // the ECG's automatic critical flag
      expect((await as.tech2.post('/api/referrals/green-channel', { caseId: critical })).status).toBe(404);
      const made = await as.tech1.post('/api/referrals/green-channel', { caseId: critical });
      expect(made.status).toBe(201);
      const r = made.body as ReferralDto;
      expect(r).toMatchObject({
        greenChannel: true,
        urgency: 'EMERGENCY',
        status: 'REQUESTED',
        department: { id: dept.CARDIOLOGY },
        caseId: critical,
      });
      expect(r.reason).toContain('ST_ELEVATION');
      await expect.poll(() => heard.coord1!.length).toBe(1);
      expect(heard.coord1![0]).toMatchObject({ event: 'green-channel', referral: { id: r.id, greenChannel: true } });
      const again = await as.tech1.post('/api/referrals/green-channel', { caseId: critical });
      expect([again.status, again.body.error.code]).toEqual([409, 'GREEN_CHANNEL_OPEN']);

      // the door times: made, accepted, arrived
      expect((await as.coord1.post(`/api/referrals/${r.id}/accept`, { doctorName: '心内科值班医生' })).status).toBe(200);
      const arrived = (await as.coord1.post(`/api/referrals/${r.id}/arrive`)).body as ReferralDto;
      expect(Date.parse(arrived.createdAt)).toBeLessThanOrEqual(Date.parse(arrived.acceptedAt!));
      expect(Date.parse(arrived.acceptedAt!)).toBeLessThanOrEqual(Date.parse(arrived.arrivedAt!));
      await expect.poll(() => heard.coord1!.map((e) => e.event)).toEqual(['green-channel', 'accept', 'arrive']);
      const audit = await server.server.ctx.db.auditEvent.findFirstOrThrow({ where: { entityId: r.id, action: 'referral.green_channel' } });
      expect(JSON.parse(audit.details!).critical).toEqual(['ST_ELEVATION']);
      expect(heard.ortho1).toEqual([]);
      expect(heard.tech2).toEqual([]);
    });

    it('sends a critical value of another exam kind to the emergency department', async () => {
      const id = await ctCase();
      expect((await as.reader1.post(`/api/cases/${id}/claim`)).status).toBe(200);
      const draft = {
        templateId: 'head-ct',
        findings: '左侧基底节区高密度影。',
        impression: '左侧基底节区脑出血。',
        criticalFinding: true,
      };
      expect((await as.reader1.request('PUT', `/api/cases/${id}/report`, { json: draft })).status).toBe(200);
      expect((await as.reader1.post(`/api/cases/${id}/report/sign`, { password: DEMO_PASSWORD })).status).toBe(200);
      const r = (await as.tech1.post('/api/referrals/green-channel', { caseId: id })).body as ReferralDto;
      expect(r).toMatchObject({ department: { id: dept.EMERGENCY }, reason: '左侧基底节区脑出血。', diagnosis: '左侧基底节区脑出血。' });
      expect(r.attachments[0]).toMatchObject({ caseId: id, critical: true, impression: '左侧基底节区脑出血。', status: 'SIGNED' });
    });
  });
});
