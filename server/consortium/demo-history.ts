// A past for the demo consortium: on a fresh demo seed, a year of signed cases (and the consultations held) spread
// over the townships and months, so that the dashboard and the quality screens show something real at once. The
// rows are generated (a seeded pseudo-random generator: every fresh demo has the same past) and inserted in bulk,
// a chunk per statement; the history ends yesterday (China time), so its exam numbers never meet today's counter.
//
// It is a list of steps: the signed cases first, then whatever else a demo past needs (fee entries, referrals)
// as further steps over the cases just made (DEMO_HISTORY_STEPS). `npm run bench:dashboard` uses the same
// generator for its million cases.
import { randomBytes } from 'node:crypto';
import type { ExamKind, Priority } from '../../shared/domain.ts';
import { accessionDay, formatAccessionNumber } from '../cases/accession.ts';
import { demoFeeStep } from '../billing/demo-billing.ts';
import { bulkInsert } from '../db/bulk-insert.ts';
import type { Db, Provider } from '../db/client.ts';
import { rebuildDashboardRollup } from '../dashboard/rollup.ts';
import type { SlaPolicy } from '../reading/sla.ts';
import { demoReferralStep } from '../referrals/demo-referrals.ts';
import { mulberry32 } from './seeded-random.ts';

const MINUTE = 60_000;
const DAY = 86_400_000;
const CHINA_OFFSET = 8 * 3600_000;

/** The seeded consortium the history is made for, as read back from the database. */
export interface HistoryConsortium {
  townships: { id: string; examCode: string; weight: number; staffId: string }[];
  centres: { id: string; examKinds: ExamKind[]; signerIds: string[] }[];
}

/** One signed case of the history: what the next steps (fees, referrals) may build on. */
export interface HistoryCase {
  id: string;
  originOrgId: string;
  centreId: string;
  examKind: ExamKind;
  priority: Priority;
  submittedAt: Date;
  signedAt: Date;
  signedById: string;
  patientId: string;
  /** the consultation held about it, if one was */
  consultation: { id: string; endedAt: Date } | null;
}

export interface DemoHistoryStep {
  name: string;
  /** `end`: the history's end (today's start, China time): what happens from then on has not happened yet */
  run(db: Db, provider: Provider, consortium: HistoryConsortium, cases: readonly HistoryCase[], end: Date): Promise<void>;
}

export interface HistoryOptions {
  /** signed cases in all */
  cases: number;
  /** the days back from yesterday they are spread over */
  days: number;
  /** write the signed report of each case (the demo: a case page shows it; the benchmark: cases only) */
  reports: boolean;
  seed: number;
  now?: Date;
}

/** The demo's past: a few thousand cases over the last year. */
export const DEMO_HISTORY: HistoryOptions = { cases: 3000, days: 365, reports: true, seed: 2026 };

/** Weights of exam kinds, in about the county's proportions (ECG far ahead of imaging). */
const KIND_WEIGHTS: [ExamKind, number][] = [
  ['ECG', 60],
  ['DR', 20],
  ['CT', 10],
  ['US', 6],
  ['MR', 4],
];
const PRIORITY_WEIGHTS: [Priority, number][] = [
  ['STAT', 5],
  ['URGENT', 15],
  ['ROUTINE', 80],
];
/** minutes from submission to the first claim, and from the claim to the signature: [typical, spread] */
const WAIT: Record<Priority, [number, number]> = { STAT: [6, 20], URGENT: [20, 90], ROUTINE: [60, 900] };
const READ: Record<ExamKind, [number, number]> = {
  ECG: [4, 25],
  DR: [8, 40],
  CT: [15, 80],
  US: [10, 50],
  MR: [25, 120],
  OTHER: [10, 60],
};
const SURNAMES = [...'王李张刘陈杨黄赵吴周徐孙马朱胡郭何高林罗'];
const GIVEN = [...'伟芳娜秀英敏静丽强磊军洋勇艳杰娟涛明超兰霞平刚桂英'];
const PATIENTS_PER_TOWNSHIP = 200;
const CHUNK = 5000;
/** of the cases: returned once for a retake before they were signed; with a critical value; discussed live */
const RETURN_SHARE = 0.03;
const CRITICAL_SHARE = 0.02;
const CONSULTATION_SHARE = 0.02;
/** June to August (0-based months) */
const SUMMER = [5, 6, 7];

/** The seeded consortium's townships (weighted by size), centres and who works there. */
export async function historyConsortium(db: Db): Promise<HistoryConsortium> {
  const [orgs, centres] = await Promise.all([
    db.organization.findMany({
      where: { kind: { in: ['TOWNSHIP_CENTRE', 'VILLAGE_CLINIC'] }, examCode: { not: null } },
      select: { id: true, examCode: true, kind: true, users: { select: { id: true }, orderBy: { createdAt: 'asc' }, take: 1 } },
      orderBy: { code: 'asc' },
    }),
    db.readingCentre.findMany({
      select: { id: true, examKinds: true, members: { select: { user: { select: { id: true, canSign: true } } } } },
      orderBy: { code: 'asc' },
    }),
  ]);
  return {
    townships: orgs
      .filter((o) => o.users.length > 0)
      .map((o, i) => ({ id: o.id, examCode: o.examCode!, weight: o.kind === 'VILLAGE_CLINIC' ? 1 : 4 - (i % 3), staffId: o.users[0]!.id })),
    centres: centres
      .map((c) => ({
        id: c.id,
        examKinds: c.examKinds.split(',').filter(Boolean) as ExamKind[],
        signerIds: c.members.filter((m) => m.user.canSign).map((m) => m.user.id),
      }))
      .filter((c) => c.signerIds.length > 0),
  };
}

/** The steps of a demo past, in order; each later one may use the cases the first made. */
export const DEMO_HISTORY_STEPS: DemoHistoryStep[] = [demoFeeStep, demoReferralStep];

/** Seeds the demo's past (after seedDemoIfEmpty made the consortium); returns how many cases and how long it took. */
export async function seedDemoHistory(
  db: Db,
  provider: Provider,
  sla: SlaPolicy,
  options: HistoryOptions = DEMO_HISTORY,
): Promise<{ cases: number; ms: number }> {
  const started = performance.now();
  const consortium = await historyConsortium(db);
  const cases = await insertHistory(db, provider, consortium, options);
  const end = new Date(todayStartOf(options.now ?? new Date()));
  for (const step of DEMO_HISTORY_STEPS) await step.run(db, provider, consortium, cases, end);
  // the signed year bypassed the state machine: the dashboard's rollup is counted from the rows
  await rebuildDashboardRollup(db, provider, sla);
  return { cases: cases.length, ms: Math.round(performance.now() - started) };
}

/**
 * Generates and inserts `options.cases` signed cases with their patients (and reports, and a share of
 * consultations), in bulk (db/bulk-insert.ts). Returns the cases unless `keep` is false (the benchmark's million).
 * The dashboard's rollup is not written: the caller rebuilds it after (rebuildDashboardRollup).
 */
export async function insertHistory(
  db: Db,
  provider: Provider,
  consortium: HistoryConsortium,
  options: HistoryOptions,
  keep = true,
): Promise<HistoryCase[]> {
  if (consortium.townships.length === 0 || consortium.centres.length === 0) return [];
  const random = mulberry32(options.seed);
  const pick = <T>(weighted: [T, number][]): T => {
    const total = weighted.reduce((s, [, w]) => s + w, 0);
    let r = random() * total;
    for (const [value, w] of weighted) if ((r -= w) < 0) return value;
    return weighted.at(-1)![0];
  };
  const prefix = randomBytes(4).toString('hex');
  let serial = 0;
  const newId = () => `h${prefix}${(serial++).toString(36).padStart(7, '0')}`;

  const now = options.now ?? new Date();
  const patients = new Map<string, string[]>();
  for (const township of consortium.townships) {
    const rows = Array.from({ length: PATIENTS_PER_TOWNSHIP }, () => ({
      id: newId(),
      name: `${SURNAMES[Math.floor(random() * SURNAMES.length)]}${GIVEN[Math.floor(random() * GIVEN.length)]}${random() < 0.5 ? GIVEN[Math.floor(random() * GIVEN.length)] : ''}`,
      sex: random() < 0.5 ? 'M' : 'F',
      birthDate: `${1940 + Math.floor(random() * 70)}-${String(1 + Math.floor(random() * 12)).padStart(2, '0')}-${String(1 + Math.floor(random() * 28)).padStart(2, '0')}`,
      organizationId: township.id,
      createdAt: now,
    }));
    await bulkInsert(db, provider, 'Patient', rows);
    patients.set(
      township.id,
      rows.map((r) => r.id),
    );
  }

  // yesterday's end, China time: the history never reaches today's exam numbers
  const todayStart = todayStartOf(now);
  const townshipWeights = consortium.townships.map((t): [(typeof consortium.townships)[number], number] => [t, t.weight]);
  const centreOf = (kind: ExamKind) => consortium.centres.find((c) => c.examKinds.includes(kind)) ?? consortium.centres[0]!;
  const sequence = new Map<string, number>();
  const kept: HistoryCase[] = [];

  for (let done = 0; done < options.cases; done += CHUNK) {
    const size = Math.min(CHUNK, options.cases - done);
    const cases = [];
    const reports = [];
    const consultations = [];
    for (let i = 0; i < size; i++) {
      const township = pick(townshipWeights);
      const kind = pick(KIND_WEIGHTS);
      const priority = pick(PRIORITY_WEIGHTS);
      const centre = centreOf(kind);
      // more cases in recent months (the network growing) and fewer in summer, in working hours
      let dayStart: number;
      do dayStart = todayStart - (Math.floor(Math.pow(random(), 1.3) * options.days) + 1) * DAY;
      while (SUMMER.includes(new Date(dayStart + CHINA_OFFSET).getUTCMonth()) && random() < 0.25);
      const submittedAt = new Date(dayStart + (7.5 + random() * 10) * 3600_000);
      const [wait, waitSpread] = WAIT[priority];
      const [read, readSpread] = READ[kind];
      const claimedAt = new Date(submittedAt.getTime() + Math.round(wait + random() * random() * waitSpread) * MINUTE);
      const signedAt = new Date(claimedAt.getTime() + Math.round(read + random() * random() * readSpread) * MINUTE);
      const critical = random() < (priority === 'STAT' ? CRITICAL_SHARE * 5 : CRITICAL_SHARE);
      const returned = kind !== 'ECG' && random() < RETURN_SHARE * 1.5;
      const day = accessionDay(submittedAt);
      const seqKey = `${township.id}|${day}`;
      const seq = (sequence.get(seqKey) ?? 0) + 1;
      sequence.set(seqKey, seq);
      const signerIds = centre.signerIds;
      const signedById = signerIds[Math.floor(random() * signerIds.length)]!;
      const ids = patients.get(township.id)!;
      const id = newId();
      const patientId = ids[Math.floor(random() * ids.length)]!;
      let consultation: HistoryCase['consultation'] = null;
      cases.push({
        id,
        accessionNumber: formatAccessionNumber(township.examCode, day, seq),
        patientId,
        originOrgId: township.id,
        createdById: township.staffId,
        examKind: kind,
        bodyPart: kind === 'ECG' ? null : kind === 'DR' ? '胸部' : kind === 'US' ? '腹部' : '头颅',
        priority,
        status: 'SIGNED',
        centreId: centre.id,
        createdAt: new Date(submittedAt.getTime() - 10 * MINUTE),
        updatedAt: signedAt,
        submittedAt,
        firstClaimedAt: claimedAt,
        signedAt,
        returnCount: returned ? 1 : 0,
        returnedAt: returned ? new Date(claimedAt.getTime() + 5 * MINUTE) : null,
        returnCodes: returned ? 'POSITIONING' : null,
        criticalFlaggedAt: critical ? signedAt : null,
        criticalAckAt: critical ? new Date(signedAt.getTime() + (3 + Math.floor(random() * 10)) * MINUTE) : null,
        criticalAckById: critical ? township.staffId : null,
      });
      if (options.reports) {
        reports.push({
          id: newId(),
          caseId: id,
          version: 1,
          status: 'SIGNED',
          templateId: kind === 'ECG' ? 'ecg-12lead' : 'general',
          findings: kind === 'ECG' ? '窦性心律，心率 72 次/分。' : '所见未见明显异常。',
          impression: critical ? '危急值：请立即处理。' : kind === 'ECG' ? '正常心电图。' : '未见明显异常。',
          criticalFinding: critical,
          keyImageIds: '[]',
          authorId: signedById,
          signedById,
          signedAt,
          createdAt: claimedAt,
          updatedAt: signedAt,
        });
      }
      if (random() < CONSULTATION_SHARE) {
        const startedAt = new Date(signedAt.getTime() + 30 * MINUTE);
        consultation = { id: newId(), endedAt: new Date(startedAt.getTime() + (10 + Math.floor(random() * 30)) * MINUTE) };
        consultations.push({
          id: consultation.id,
          caseId: id,
          requestedById: township.staffId,
          requestingOrgId: township.id,
          centreId: centre.id,
          specialistId: signedById,
          status: 'ENDED',
          topic: '远程会诊',
          acceptedAt: new Date(signedAt.getTime() + 10 * MINUTE),
          startedAt,
          endedAt: consultation.endedAt,
          createdAt: signedAt,
          updatedAt: startedAt,
        });
      }
      if (keep)
        kept.push({
          id,
          originOrgId: township.id,
          centreId: centre.id,
          examKind: kind,
          priority,
          submittedAt,
          signedAt,
          signedById,
          patientId,
          consultation,
        });
    }
    await bulkInsert(db, provider, 'Case', cases);
    await bulkInsert(db, provider, 'Report', reports);
    await bulkInsert(db, provider, 'Consultation', consultations);
  }
  return kept;
}

/** The start of the China calendar day of `now`, in ms. */
function todayStartOf(now: Date): number {
  return Math.floor((now.getTime() + CHINA_OFFSET) / DAY) * DAY - CHINA_OFFSET;
}
