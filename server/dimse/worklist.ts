// The Modality Worklist (C-FIND SCP, PS3.4 K): a registered exam of the device's township that is not yet imaged
// (DRAFT, no instance received, no completed procedure step) is a scheduled procedure step, so the technician at
// the modality picks the patient instead of retyping them, and the images come back with the case's accession
// number (receive.ts lands them by it). A device sees only its own township's exams. The answer holds only the keys
// the query asked for (and the character set), with the patient's name in the character set the query declared.
import { createHash } from 'node:crypto';
import type { ExamKind } from '../../shared/domain.ts';
import { recordAudit } from '../audit/audit.ts';
import type { CaseStatus } from '../../shared/case-status.ts';
import type { AppContext } from '../context.ts';
import type { Prisma } from '../db/client.ts';
import { personNameMatches, wildcardMatches } from '../dicom/wildcard.ts';
import { answerCharset, encodeImplicit, type OutElement } from './dataset-bytes.ts';
import type { Device } from './receive.ts';

export const MODALITY_WORKLIST_FIND = '1.2.840.10008.5.1.4.31';

/** The modality a scheduled step of each exam kind names, and the modalities a query may ask it by. */
export const WORKLIST_MODALITIES: Record<ExamKind, { answer: string; accepts: readonly string[] }> = {
  DR: { answer: 'DX', accepts: ['DX', 'CR', 'DR'] },
  CT: { answer: 'CT', accepts: ['CT'] },
  MR: { answer: 'MR', accepts: ['MR'] },
  US: { answer: 'US', accepts: ['US'] },
  ECG: { answer: 'ECG', accepts: ['ECG'] },
  OTHER: { answer: 'OT', accepts: ['OT'] },
};

/** C-FIND statuses (PS3.4 C.4.1.1.4) */
export const FIND_STATUS = { success: 0x0000, pending: 0xff00, identifierDoesNotMatch: 0xa900, unableToProcess: 0xc000 } as const;

/** at most this many scheduled steps per answer: a township's open exams, not an archive */
const MAX_MATCHES = 500;

interface KeyDef {
  tag: number;
  vr: string;
}

/** The return keys the worklist knows, top level and within the Scheduled Procedure Step Sequence. */
const TOP_KEYS: Record<string, KeyDef> = {
  SpecificCharacterSet: { tag: 0x00080005, vr: 'CS' },
  AccessionNumber: { tag: 0x00080050, vr: 'SH' },
  ReferringPhysicianName: { tag: 0x00080090, vr: 'PN' },
  PatientName: { tag: 0x00100010, vr: 'PN' },
  PatientID: { tag: 0x00100020, vr: 'LO' },
  PatientBirthDate: { tag: 0x00100030, vr: 'DA' },
  PatientSex: { tag: 0x00100040, vr: 'CS' },
  StudyInstanceUID: { tag: 0x0020000d, vr: 'UI' },
  RequestingPhysician: { tag: 0x00321032, vr: 'PN' },
  RequestingService: { tag: 0x00321033, vr: 'LO' },
  RequestedProcedureDescription: { tag: 0x00321060, vr: 'LO' },
  AdmissionID: { tag: 0x00380010, vr: 'LO' },
  ScheduledProcedureStepSequence: { tag: 0x00400100, vr: 'SQ' },
  RequestedProcedureID: { tag: 0x00401001, vr: 'SH' },
  ReasonForTheRequestedProcedure: { tag: 0x00401002, vr: 'LO' },
  RequestedProcedurePriority: { tag: 0x00401003, vr: 'SH' },
  RequestedProcedureComments: { tag: 0x00401400, vr: 'LT' },
};
const STEP_KEYS: Record<string, KeyDef> = {
  Modality: { tag: 0x00080060, vr: 'CS' },
  ScheduledStationAETitle: { tag: 0x00400001, vr: 'AE' },
  ScheduledProcedureStepStartDate: { tag: 0x00400002, vr: 'DA' },
  ScheduledProcedureStepStartTime: { tag: 0x00400003, vr: 'TM' },
  ScheduledPerformingPhysicianName: { tag: 0x00400006, vr: 'PN' },
  ScheduledProcedureStepDescription: { tag: 0x00400007, vr: 'LO' },
  ScheduledProcedureStepID: { tag: 0x00400009, vr: 'SH' },
  ScheduledProcedureStepStatus: { tag: 0x00400020, vr: 'CS' },
};

export interface DateRange {
  /** YYYYMMDD, inclusive; absent: open */
  from?: string;
  to?: string;
}

export interface WorklistQuery {
  /** the known keys asked for at the top level, and within the step sequence */
  keys: string[];
  stepKeys: string[];
  patientName?: string;
  patientId?: string;
  accessionNumber?: string;
  modality?: string;
  stationAeTitle?: string;
  date?: DateRange;
}

export class WorklistQueryError extends Error {}

/** A query key's value as dcmjs naturalises it (string, number, list, PN object) → its text, '' when empty. */
function textOf(value: unknown): string {
  if (value === undefined || value === null) return '';
  if (Array.isArray(value)) return value.length ? textOf(value[0]) : '';
  if (typeof value === 'object') {
    const pn = value as Record<string, unknown>;
    const groups = ['Alphabetic', 'Ideographic', 'Phonetic'].map((g) => (typeof pn[g] === 'string' ? (pn[g] as string) : ''));
    return groups.join('=').replace(/=+$/, '').trim();
  }
  return String(value).replace(/\0/g, '').trim();
}

const DA = /^\d{8}$/;
function checkDate(value: string): string {
  if (!DA.test(value)) throw new WorklistQueryError(`ScheduledProcedureStepStartDate: ${value.slice(0, 20)} is not a DICOM date`);
  const y = Number(value.slice(0, 4));
  const m = Number(value.slice(4, 6));
  const d = Number(value.slice(6, 8));
  const date = new Date(Date.UTC(y, m - 1, d));
  if (date.getUTCFullYear() !== y || date.getUTCMonth() !== m - 1 || date.getUTCDate() !== d)
    throw new WorklistQueryError(`ScheduledProcedureStepStartDate: ${value} is not a calendar date`);
  return value;
}

/** DA matching (PS3.4 C.2.2.2.5): a single date, or a range with either end open. */
export function parseDateRange(value: string): DateRange | undefined {
  if (!value) return undefined;
  const dash = value.indexOf('-');
  if (dash < 0) return { from: checkDate(value), to: value };
  const from = value.slice(0, dash).trim();
  const to = value.slice(dash + 1).trim();
  if (!from && !to) throw new WorklistQueryError('ScheduledProcedureStepStartDate: a range needs at least one end');
  const range: DateRange = { ...(from ? { from: checkDate(from) } : {}), ...(to ? { to: checkDate(to) } : {}) };
  if (range.from && range.to && range.from > range.to)
    throw new WorklistQueryError('ScheduledProcedureStepStartDate: the range ends before it starts');
  return range;
}

/** generous bounds: our accession numbers are longer than an SH's 16 characters, and devices send them back */
const LIMITS: Record<string, number> = { PN: 324 };
function matchingValue(key: string, vr: string, value: unknown): string | undefined {
  const text = textOf(value);
  if (!text || /^\*+$/.test(text)) return undefined; // universal matching
  if (text.length > (LIMITS[vr] ?? 64)) throw new WorklistQueryError(`${key}: longer than its VR ${vr} allows`);
  return text;
}

/** The query identifier (a C-FIND data set, naturalised by dcmjs) → the keys asked for and the matching values. */
export function parseWorklistQuery(elements: Record<string, unknown>): WorklistQuery {
  if (!elements || typeof elements !== 'object') throw new WorklistQueryError('the query has no identifier');
  const keys = Object.keys(elements).filter((k) => Object.hasOwn(TOP_KEYS, k) && k !== 'SpecificCharacterSet');
  const sequence = elements.ScheduledProcedureStepSequence;
  if (sequence !== undefined && sequence !== '' && !Array.isArray(sequence))
    throw new WorklistQueryError('ScheduledProcedureStepSequence is not a sequence');
  const items = (Array.isArray(sequence) ? sequence : []) as unknown[];
  if (items.length > 1) throw new WorklistQueryError('ScheduledProcedureStepSequence: a query holds at most one item');
  const step = (items[0] && typeof items[0] === 'object' ? items[0] : {}) as Record<string, unknown>;
  const stepKeys = Object.keys(step).filter((k) => Object.hasOwn(STEP_KEYS, k));
  const pick = (source: Record<string, unknown>, key: string, defs: Record<string, KeyDef>) =>
    matchingValue(key, defs[key]!.vr, source[key]);
  const query: WorklistQuery = { keys, stepKeys };
  const set = <K extends keyof WorklistQuery>(name: K, value: WorklistQuery[K] | undefined) => {
    if (value !== undefined) query[name] = value;
  };
  set('patientName', pick(elements, 'PatientName', TOP_KEYS));
  set('patientId', pick(elements, 'PatientID', TOP_KEYS));
  set('accessionNumber', pick(elements, 'AccessionNumber', TOP_KEYS));
  set('modality', pick(step, 'Modality', STEP_KEYS)?.toUpperCase());
  set('stationAeTitle', pick(step, 'ScheduledStationAETitle', STEP_KEYS));
  set('date', parseDateRange(textOf(step.ScheduledProcedureStepStartDate)));
  return query;
}

// ---- the scheduled steps ----

const CHINA_OFFSET_MS = 8 * 60 * 60 * 1000;
const chinaDay = (day: string) => Date.UTC(Number(day.slice(0, 4)), Number(day.slice(4, 6)) - 1, Number(day.slice(6, 8))) - CHINA_OFFSET_MS;
const DAY_MS = 24 * 60 * 60 * 1000;

/** A stable Study Instance UID for an exam not yet imaged: the UUID-derived form (2.25.…) of a hash of the case id. */
export function worklistStudyUid(caseId: string): string {
  const hex = createHash('sha256').update(`teledx-case:${caseId}`).digest('hex').slice(0, 32);
  return `2.25.${BigInt(`0x${hex}`).toString()}`;
}

/** The step and requested procedure ID (SH, 16 characters): the accession number's day and sequence. */
const stepIdOf = (accessionNumber: string) => accessionNumber.split('-').slice(-2).join('').slice(0, 16);

const hasWildcard = (v: string) => /[*?]/.test(v);
const textMatches = (pattern: string | undefined, value: string) =>
  pattern === undefined || (hasWildcard(pattern) ? wildcardMatches(pattern, value) : pattern === value);

const caseSelect = {
  id: true,
  accessionNumber: true,
  examKind: true,
  bodyPart: true,
  clinicalQuestion: true,
  clinicalHistory: true,
  laterality: true,
  visitNumber: true,
  requestingDepartment: true,
  requestingDoctor: true,
  priority: true,
  createdAt: true,
  patient: { select: { id: true, name: true, sex: true, birthDate: true, nationalId: true } },
} satisfies Prisma.CaseSelect;
type ScheduledCase = Prisma.CaseGetPayload<{ select: typeof caseSelect }>;

/** DICOM's Patient ID of a township's patient: the resident ID number when registered, else the record's id. */
const patientIdOf = (c: ScheduledCase) => c.patient.nationalId ?? c.patient.id;

export interface WorklistMatch {
  kase: ScheduledCase;
  stationAeTitle: string;
  modality: string;
}

/** The township's scheduled steps that match the query, oldest first. */
export async function findScheduledSteps(ctx: AppContext, device: Device, query: WorklistQuery): Promise<WorklistMatch[]> {
  const stations = (
    await ctx.db.dicomDevice.findMany({ where: { organizationId: device.organizationId, active: true }, orderBy: { aeTitle: 'asc' } })
  ).map((d) => d.aeTitle);
  // the township's exams are scheduled on each of its devices: on the caller, unless the query names another
  const station = [device.aeTitle, ...stations].find((ae) => textMatches(query.stationAeTitle, ae));
  if (!station) return [];
  const kinds = (Object.keys(WORKLIST_MODALITIES) as ExamKind[]).filter(
    (k) => !query.modality || WORKLIST_MODALITIES[k].accepts.some((m) => textMatches(query.modality, m)),
  );
  if (!kinds.length) return [];
  const where: Prisma.CaseWhereInput = {
    originOrgId: device.organizationId,
    status: 'DRAFT' satisfies CaseStatus,
    imagesCompleteAt: null,
    instances: { none: {} },
    examKind: { in: kinds },
    ...(query.accessionNumber && !hasWildcard(query.accessionNumber) ? { accessionNumber: query.accessionNumber } : {}),
    ...(query.patientId && !hasWildcard(query.patientId)
      ? { OR: [{ patient: { nationalId: query.patientId } }, { patientId: query.patientId }] }
      : {}),
    ...(query.date
      ? {
          createdAt: {
            ...(query.date.from ? { gte: new Date(chinaDay(query.date.from)) } : {}),
            ...(query.date.to ? { lt: new Date(chinaDay(query.date.to) + DAY_MS) } : {}),
          },
        }
      : {}),
  };
  const rows = await ctx.db.case.findMany({ where, select: caseSelect, orderBy: { createdAt: 'asc' }, take: 2 * MAX_MATCHES });
  const namePatterns = query.patientName?.split('=').filter(Boolean) ?? [];
  return rows
    .filter((c) => textMatches(query.accessionNumber, c.accessionNumber))
    .filter((c) => textMatches(query.patientId, patientIdOf(c)))
    .filter((c) => !namePatterns.length || namePatterns.some((p) => personNameMatches(p, c.patient.name)))
    .slice(0, MAX_MATCHES)
    .map((kase) => {
      const { answer, accepts } = WORKLIST_MODALITIES[kase.examKind as ExamKind];
      // a CR asking for CR gets CR back: a modality may drop items naming another modality
      const modality = query.modality && accepts.includes(query.modality) ? query.modality : answer;
      return { kase, stationAeTitle: station, modality };
    });
}

const PRIORITY_OF: Record<string, string> = { STAT: 'STAT', URGENT: 'HIGH', ROUTINE: 'ROUTINE' };
const EXAM_LABEL: Record<string, string> = { DR: 'DR 摄片', CT: 'CT', MR: 'MR', US: '超声', ECG: '心电图', OTHER: '其他检查' };
const SIDE_LABEL: Record<string, string> = { LEFT: '左侧', RIGHT: '右侧', BILATERAL: '双侧' };
/** LO holds 64 characters, LT 10,240 (PS3.5 6.2) */
const lo = (text: string | null) => text?.slice(0, 64) ?? '';

/** Every value the worklist holds for one scheduled step, by keyword. */
function valuesOf({ kase, stationAeTitle, modality }: WorklistMatch): { top: Record<string, string>; step: Record<string, string> } {
  const local = new Date(kase.createdAt.getTime() + CHINA_OFFSET_MS).toISOString();
  // the technician at the console reads what to image from this: kind, body part and side of the requisition
  const side = kase.laterality ? SIDE_LABEL[kase.laterality] : undefined;
  const description = lo([EXAM_LABEL[kase.examKind] ?? kase.examKind, kase.bodyPart, side].filter(Boolean).join(' '));
  const stepId = stepIdOf(kase.accessionNumber);
  return {
    top: {
      AccessionNumber: kase.accessionNumber,
      // the township's requesting doctor is the one who refers the patient to the exam
      ReferringPhysicianName: kase.requestingDoctor ?? '',
      RequestingPhysician: kase.requestingDoctor ?? '',
      RequestingService: lo(kase.requestingDepartment),
      // the visit's 门诊号/住院号: the HIS's key for the visit the exam belongs to
      AdmissionID: lo(kase.visitNumber),
      PatientName: kase.patient.name,
      PatientID: patientIdOf(kase),
      PatientBirthDate: kase.patient.birthDate?.replace(/-/g, '') ?? '',
      PatientSex: ['M', 'F', 'O'].includes(kase.patient.sex) ? kase.patient.sex : '',
      StudyInstanceUID: worklistStudyUid(kase.id),
      RequestedProcedureDescription: description,
      RequestedProcedureID: stepId,
      ReasonForTheRequestedProcedure: lo(kase.clinicalQuestion),
      RequestedProcedurePriority: PRIORITY_OF[kase.priority] ?? '',
      RequestedProcedureComments: kase.clinicalHistory?.slice(0, 10240) ?? '',
    },
    step: {
      Modality: modality,
      ScheduledStationAETitle: stationAeTitle,
      ScheduledProcedureStepStartDate: local.slice(0, 10).replace(/-/g, ''),
      ScheduledProcedureStepStartTime: local.slice(11, 19).replace(/:/g, ''),
      ScheduledPerformingPhysicianName: '',
      ScheduledProcedureStepDescription: description,
      ScheduledProcedureStepID: stepId,
      ScheduledProcedureStepStatus: 'SCHEDULED',
    },
  };
}

const elementsOf = (keys: string[], defs: Record<string, KeyDef>, values: Record<string, string>): OutElement[] =>
  keys.map((k) => ({ ...defs[k]!, value: values[k] ?? '' }));

/** One C-FIND pending answer: the asked keys (and the character set) of a scheduled step, as bytes. */
export function encodeMatch(match: WorklistMatch, query: WorklistQuery, charset: string): Buffer {
  const { top, step } = valuesOf(match);
  const elements = elementsOf(
    query.keys.filter((k) => k !== 'ScheduledProcedureStepSequence'),
    TOP_KEYS,
    top,
  );
  elements.push({ ...TOP_KEYS.SpecificCharacterSet!, value: charset });
  if (query.keys.includes('ScheduledProcedureStepSequence'))
    elements.push({
      ...TOP_KEYS.ScheduledProcedureStepSequence!,
      value: [elementsOf(sortByTag(query.stepKeys, STEP_KEYS), STEP_KEYS, step)],
    });
  return encodeImplicit(
    elements.sort((a, b) => a.tag - b.tag),
    charset,
  );
}

const sortByTag = (keys: string[], defs: Record<string, KeyDef>) => [...keys].sort((a, b) => defs[a]!.tag - defs[b]!.tag);

export interface WorklistAnswer {
  status: number;
  comment?: string;
  /** the pending answers' data sets */
  matches: Buffer[];
}

/** A device's worklist query → its answers; audited (the query's keys and the number of matches). */
export async function answerWorklistQuery(
  ctx: AppContext,
  device: Device,
  identifier: Record<string, unknown> | undefined,
  declaredCharset: string[] | undefined,
  ip: string | undefined,
): Promise<WorklistAnswer> {
  let query: WorklistQuery;
  try {
    query = parseWorklistQuery(identifier as Record<string, unknown>);
  } catch (error) {
    if (!(error instanceof WorklistQueryError)) throw error;
    await audit(ctx, device, ip, { error: error.message });
    return { status: FIND_STATUS.identifierDoesNotMatch, comment: error.message, matches: [] };
  }
  const charset = answerCharset(declaredCharset);
  const found = await findScheduledSteps(ctx, device, query);
  const { keys, stepKeys, ...matching } = query;
  await audit(ctx, device, ip, { matching, keys: [...keys, ...stepKeys], charset, matches: found.length });
  return { status: FIND_STATUS.success, matches: found.map((m) => encodeMatch(m, query, charset)) };
}

function audit(ctx: AppContext, device: Device, ip: string | undefined, details: Record<string, unknown>) {
  return recordAudit(ctx.db, {
    actorId: device.userId,
    action: 'dicom.worklist_query',
    entityType: 'DicomDevice',
    entityId: device.id,
    ip,
    details: { aeTitle: device.aeTitle, ...details },
  });
}
