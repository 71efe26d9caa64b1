// The demo past's two-way referrals (a step of consortium/demo-history.ts): over the generated year, a share of the
// signed cases' patients referred up to a county department (on the case, its exam going with them, or later on
// the patient alone), answered by the department's coordinator (accepted with a booking, or declined), some
// withdrawn, the accepted ones arriving and discharged; of those admitted, about half referred back down to their
// township with a discharge summary and a follow-up plan, and followed up there. Every referral's status is where
// its own timeline (each step a move of shared/referrals.ts REFERRAL_TRANSITIONS) stands at the history's end
// (yesterday, China time), so the recent ones are still open: waiting, booked, in hospital, being followed up.
// Only pairs of department and township the consortium's rules allow, only departments with a coordinator.
// Generated with a seeded generator and inserted in bulk, like the cases; numbers ZZ-<day>-<sequence> with the
// days' counters.
import { randomBytes } from 'node:crypto';
import type { ExamKind } from '../../shared/domain.ts';
import type { ReferralStatus, ReferralUrgency } from '../../shared/referrals.ts';
import { accessionDay } from '../cases/accession.ts';
import type { DemoHistoryStep } from '../consortium/demo-history.ts';
import { mulberry32 } from '../consortium/seeded-random.ts';
import { bulkInsert } from '../db/bulk-insert.ts';

const MINUTE = 60_000;
const HOUR = 3600_000;
const DAY = 86_400_000;
const SEED = 2027;
/** of the signed cases: the patient was referred up afterwards (on the case, or later on the patient alone) */
const REFERRAL_SHARE = 0.05;
/** more in the last two weeks, so that the open lists (waiting, booked, in hospital) have rows in every state */
const RECENT_SHARE = 0.15;
const RECENT_DAYS = 14;
const ON_THE_CASE = 0.6;
const DECLINED = 0.1;
const CANCELLED = 0.05;
const ADMITTED = 0.6;
/** of the admitted patients discharged: referred back down to their township */
const RETURNED = 0.5;

/** which departments an exam's patient is referred to, in order of preference */
const DEPARTMENTS_BY_KIND: Record<ExamKind, string[]> = {
  ECG: ['CARDIOLOGY', 'EMERGENCY'],
  DR: ['RESPIRATORY', 'ORTHOPAEDICS', 'EMERGENCY'],
  CT: ['NEUROLOGY', 'RESPIRATORY', 'EMERGENCY'],
  MR: ['NEUROLOGY', 'ORTHOPAEDICS'],
  US: ['EMERGENCY', 'CARDIOLOGY'],
  OTHER: ['EMERGENCY'],
};
const TEXTS: Record<string, { reason: string; diagnosis: string }[]> = {
  CARDIOLOGY: [
    { reason: '反复胸闷、心悸，心电图提示 ST-T 改变', diagnosis: '冠状动脉粥样硬化性心脏病？' },
    { reason: '阵发性心悸，心电图示心房颤动', diagnosis: '心房颤动' },
    { reason: '活动后气促、双下肢水肿', diagnosis: '慢性心力衰竭' },
  ],
  NEUROLOGY: [
    { reason: '头晕、一侧肢体麻木，需进一步检查', diagnosis: '短暂性脑缺血发作？' },
    { reason: '言语不清一天，CT 未见出血', diagnosis: '脑梗死？' },
  ],
  RESPIRATORY: [
    { reason: '咳嗽、发热一周，胸片示片状影，抗感染效果不佳', diagnosis: '社区获得性肺炎' },
    { reason: '反复咳嗽、气促加重', diagnosis: '慢性阻塞性肺疾病急性加重' },
  ],
  EMERGENCY: [
    { reason: '腹痛伴呕吐，基层处理后未缓解', diagnosis: '急腹症？' },
    { reason: '外伤后疼痛、活动受限', diagnosis: '多发伤？' },
  ],
  ORTHOPAEDICS: [
    { reason: '跌倒后髋部疼痛，不能站立', diagnosis: '股骨颈骨折？' },
    { reason: '腰腿痛加重，保守治疗无效', diagnosis: '腰椎间盘突出症' },
  ],
};
const DOCTORS = ['吴主任', '郑医生', '冯主任', '何医生', '许医生'];
const DECLINE_REASONS = ['床位已满，建议转至市级医院', '病情可在基层继续治疗，已给出用药建议'];
const CANCEL_REASONS = ['患者及家属决定暂不转诊', '病情好转，暂缓转诊'];
const FOLLOW_UP_NOTES = ['血压、心率平稳，按时服药，无不适。', '一般情况良好，已指导康复锻炼。', '症状较前好转，继续随访。'];

const URGENCY_OF = { STAT: 'EMERGENCY', URGENT: 'URGENT', ROUTINE: 'ROUTINE' } as const satisfies Record<string, ReferralUrgency>;
/** minutes from the request to the answer, and days from the answer to the appointment */
const ANSWER: Record<ReferralUrgency, [number, number]> = { EMERGENCY: [5, 25], URGENT: [30, 150], ROUTINE: [120, 900] };
const TO_APPOINTMENT: Record<ReferralUrgency, [number, number]> = { EMERGENCY: [0.04, 0.05], URGENT: [0.2, 1], ROUTINE: [1, 5] };

/** every column a generated referral writes (bulkInsert takes the first row's columns for all) */
const BLANK = {
  caseId: null,
  upReferralId: null,
  proposedAt: null,
  answeredById: null,
  acceptedAt: null,
  doctorName: null,
  appointmentAt: null,
  admission: false,
  ward: null,
  bedNumber: null,
  declineReason: null,
  cancelReason: null,
  departedAt: null,
  arrivedAt: null,
  completedAt: null,
  completionNote: null,
  dischargeSummary: null,
  followUpPlan: null,
};

/** One event of a referral's timeline: the move, when, and the state it leads to. */
type Step = [at: Date, status: ReferralStatus];

export const demoReferralStep: DemoHistoryStep = {
  name: 'referrals',
  async run(db, provider, consortium, cases, end) {
    const [departments, rules] = await Promise.all([
      db.department.findMany({
        where: { active: true, coordinators: { some: {} } },
        select: { id: true, code: true, name: true, coordinators: { select: { userId: true }, orderBy: { userId: 'asc' }, take: 1 } },
      }),
      db.referralRule.findMany({
        where: { active: true, greenChannel: false },
        select: { departmentId: true, direction: true, townshipId: true },
      }),
    ]);
    if (departments.length === 0 || cases.length === 0) return;
    const allows = (departmentId: string, direction: 'UP' | 'DOWN', townshipId: string) =>
      rules.some(
        (r) => r.departmentId === departmentId && r.direction === direction && (r.townshipId === null || r.townshipId === townshipId),
      );
    const staffOf = new Map(consortium.townships.map((t) => [t.id, t.staffId]));
    const random = mulberry32(SEED);
    const between = ([low, high]: [number, number]) => low + random() * (high - low);
    const one = <T>(list: readonly T[]): T => list[Math.floor(random() * list.length)]!;
    const prefix = randomBytes(4).toString('hex');
    let serial = 0;
    const newId = () => `r${prefix}${(serial++).toString(36).padStart(7, '0')}`;
    const sequence = new Map<string, number>();
    const numberAt = (at: Date) => {
      const day = accessionDay(at);
      const seq = (sequence.get(day) ?? 0) + 1;
      sequence.set(day, seq);
      return `ZZ-${day}-${String(seq).padStart(4, '0')}`;
    };
    /** the state its timeline reached by the history's end, and when it last moved */
    const reached = (steps: Step[]): Step => steps.filter(([at]) => at < end).at(-1)!;
    const happened = (at: Date | null) => (at && at < end ? at : null);

    const referrals: Record<string, unknown>[] = [];
    const attachments: { referralId: string; caseId: string }[] = [];
    const followUps: Record<string, unknown>[] = [];
    for (const kase of [...cases].sort((a, b) => a.signedAt.getTime() - b.signedAt.getTime())) {
      const recent = end.getTime() - kase.signedAt.getTime() < RECENT_DAYS * DAY;
      if (random() >= (recent ? RECENT_SHARE : REFERRAL_SHARE)) continue;
      const allowed = departments.filter((d) => allows(d.id, 'UP', kase.originOrgId));
      const department = DEPARTMENTS_BY_KIND[kase.examKind].flatMap((code) => allowed.filter((d) => d.code === code))[0] ?? allowed[0];
      if (!department) continue;
      const coordinatorId = department.coordinators[0]!.userId;
      const staffId = staffOf.get(kase.originOrgId)!;
      const onCase = random() < ON_THE_CASE;
      const createdAt = new Date(kase.signedAt.getTime() + (onCase ? between([20, 240]) * MINUTE : between([2, 20]) * DAY));
      if (createdAt >= end) continue;
      const urgency: ReferralUrgency = onCase ? URGENCY_OF[kase.priority] : 'ROUTINE';
      const text = one(TEXTS[department.code] ?? TEXTS.EMERGENCY!);
      const outcome = random();
      const answeredAt = new Date(createdAt.getTime() + between(ANSWER[urgency]) * MINUTE);
      const id = newId();
      const row: Record<string, unknown> = {
        ...BLANK,
        id,
        number: numberAt(createdAt),
        direction: 'UP',
        urgency,
        greenChannel: false,
        townshipId: kase.originOrgId,
        departmentId: department.id,
        patientId: kase.patientId,
        caseId: onCase ? kase.id : null,
        requestedById: staffId,
        reason: text.reason,
        diagnosis: text.diagnosis,
        proposedAt: urgency === 'ROUTINE' ? new Date(createdAt.getTime() + 2 * DAY) : null,
        admission: false,
        createdAt,
      };
      let steps: Step[] = [[createdAt, 'REQUESTED']];
      let returning: (() => void) | undefined;
      if (outcome < DECLINED) {
        steps.push([answeredAt, 'DECLINED']);
        if (happened(answeredAt)) Object.assign(row, { answeredById: coordinatorId, declineReason: one(DECLINE_REASONS) });
      } else if (outcome < DECLINED + CANCELLED) {
        const cancelledAt = new Date(createdAt.getTime() + between([0.2, 0.9]) * (answeredAt.getTime() - createdAt.getTime()));
        steps.push([cancelledAt, 'CANCELLED']);
        if (happened(cancelledAt)) row.cancelReason = one(CANCEL_REASONS);
      } else {
        const admission = urgency === 'EMERGENCY' || random() < ADMITTED;
        const appointmentAt = new Date(answeredAt.getTime() + between(TO_APPOINTMENT[urgency]) * DAY);
        const departedAt = random() < 0.5 ? new Date(appointmentAt.getTime() - between([0.5, 2]) * HOUR) : null;
        const arrivedAt = new Date(appointmentAt.getTime() + between([-0.3, 0.5]) * HOUR);
        const completedAt = new Date(arrivedAt.getTime() + (admission ? between([3, 14]) * DAY : between([2, 6]) * HOUR));
        steps = [
          ...steps,
          [answeredAt, 'ACCEPTED'],
          ...(departedAt && departedAt > answeredAt ? [[departedAt, 'IN_TRANSIT'] as Step] : []),
          [arrivedAt, 'ARRIVED'],
          [completedAt, 'COMPLETED'],
        ];
        if (happened(answeredAt)) {
          Object.assign(row, {
            answeredById: coordinatorId,
            acceptedAt: answeredAt,
            doctorName: one(DOCTORS),
            appointmentAt,
            admission,
            ward: admission ? `${department.name}一病区` : null,
            bedNumber: admission ? String(1 + Math.floor(random() * 40)) : null,
          });
        }
        row.departedAt = departedAt && departedAt > answeredAt ? happened(departedAt) : null;
        row.arrivedAt = happened(arrivedAt);
        row.completedAt = happened(completedAt);
        if (row.completedAt) row.completionNote = admission ? '好转出院' : '门诊诊治后返回';
        if (admission && row.completedAt && random() < RETURNED && allows(department.id, 'DOWN', kase.originOrgId)) {
          returning = () => returnDown(row, completedAt, department.id, coordinatorId, staffId);
        }
      }
      const [updatedAt, status] = reached(steps);
      row.status = status;
      row.updatedAt = updatedAt;
      referrals.push(row);
      if (onCase) attachments.push({ referralId: id, caseId: kase.id });
      // after its upward referral: the rows go in in order (a DOWN names its UP)
      returning?.();
    }

    /** the patient discharged up there, referred back down to the township and followed up */
    function returnDown(up: Record<string, unknown>, dischargedAt: Date, departmentId: string, coordinatorId: string, staffId: string) {
      const createdAt = new Date(dischargedAt.getTime() + between([5, 60]) * MINUTE);
      const acceptedAt = new Date(createdAt.getTime() + between([1, 6]) * HOUR);
      const arrivedAt = new Date(acceptedAt.getTime() + between([3, 24]) * HOUR);
      const completedAt = new Date(arrivedAt.getTime() + between([30, 90]) * DAY);
      const id = newId();
      const steps: Step[] = [
        [createdAt, 'REQUESTED'],
        [acceptedAt, 'ACCEPTED'],
        [arrivedAt, 'ARRIVED'],
        [completedAt, 'COMPLETED'],
      ];
      if (createdAt >= end) return;
      const [updatedAt, status] = reached(steps);
      referrals.push({
        ...BLANK,
        id,
        number: numberAt(createdAt),
        direction: 'DOWN',
        status,
        urgency: 'ROUTINE',
        greenChannel: false,
        townshipId: up.townshipId,
        departmentId,
        patientId: up.patientId,
        caseId: null,
        upReferralId: up.id,
        requestedById: coordinatorId,
        reason: '病情稳定，转回基层康复及随访',
        diagnosis: up.diagnosis,
        admission: false,
        answeredById: happened(acceptedAt) ? staffId : null,
        acceptedAt: happened(acceptedAt),
        arrivedAt: happened(arrivedAt),
        completedAt: happened(completedAt),
        completionNote: happened(completedAt) ? '随访结束，病情稳定' : null,
        dischargeSummary: `住院 ${Math.round((dischargedAt.getTime() - (up.arrivedAt as Date).getTime()) / DAY)} 天，经治疗好转出院。`,
        followUpPlan: '按时服药；每月随访一次，复查相关指标；如有不适及时就诊。',
        createdAt,
        updatedAt,
      });
      // follow-ups a month apart once the patient is back, up to the episode's close or the history's end
      for (let at = arrivedAt.getTime() + 7 * DAY; at < Math.min(completedAt.getTime(), end.getTime()); at += 30 * DAY) {
        followUps.push({
          id: newId(),
          referralId: id,
          at: new Date(at),
          note: one(FOLLOW_UP_NOTES),
          nextAt: new Date(at + 30 * DAY),
          byId: staffId,
          createdAt: new Date(at),
        });
      }
    }

    await bulkInsert(db, provider, 'Referral', referrals);
    await bulkInsert(db, provider, 'ReferralAttachment', attachments);
    await bulkInsert(db, provider, 'ReferralFollowUp', followUps);
    await bulkInsert(
      db,
      provider,
      'ReferralCounter',
      [...sequence].map(([day, value]) => ({ day, value })),
    );
  },
};
