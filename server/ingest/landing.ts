// Where an instance that arrives without a case lands, for every channel that receives them that way (DICOM C-STORE
// in dimse/receive.ts, STOW-RS in dicomweb/stow.ts), always within the sender's township: the case of its Accession
// Number; else the case that already holds its very instance or its study; else a new DRAFT case with the patient
// of its header, marked as arrived. Then the instance goes through the one ingest core (ingest.ts ingestFiles).
import type { AcceptedFile, RejectionCode } from '../../shared/api.ts';
import { EXAM_KINDS, EXAM_KIND_RULES, type ExamKind, type Sex } from '../../shared/domain.ts';
import type { StagedBlob } from '../../storage/blob-store.ts';
import type { Actor } from '../auth/actor.ts';
import { createArrivedCase, type Arrival } from '../cases/service.ts';
import type { AppContext } from '../context.ts';
import { displayPersonName } from '../dicom/person-name.ts';
import { MAX_INFLATED_BYTES, readDicomHeader, type DicomHeader } from './dicom-header.ts';
import { ingestFiles } from './ingest.ts';

export type { Arrival } from '../cases/service.ts';

/**
 * PS3.4 C-STORE status codes (PS3.4 B.2.3; 0x0110/0x0111 are PS3.7's general failures), which STOW-RS answers as
 * its Failure Reasons too (PS3.18 10.5.3)
 */
export const STORE_STATUS = {
  success: 0x0000,
  outOfResources: 0xa700,
  dataSetDoesNotMatchSopClass: 0xa900,
  cannotUnderstand: 0xc000,
  processingFailure: 0x0110,
  duplicateSopInstance: 0x0111,
} as const;

const STATUS_OF_REJECTION: Record<RejectionCode, number> = {
  EMPTY_FILE: STORE_STATUS.cannotUnderstand,
  TOO_LARGE: STORE_STATUS.outOfResources,
  DECOMPRESSION_LIMIT: STORE_STATUS.outOfResources,
  UNSUPPORTED_TYPE: STORE_STATUS.cannotUnderstand,
  WRONG_TYPE_FOR_EXAM: STORE_STATUS.dataSetDoesNotMatchSopClass,
  WRONG_MODALITY: STORE_STATUS.dataSetDoesNotMatchSopClass,
  DICOM_TRUNCATED: STORE_STATUS.cannotUnderstand,
  DICOM_CORRUPT: STORE_STATUS.cannotUnderstand,
  DICOM_MISSING_ATTRIBUTE: STORE_STATUS.dataSetDoesNotMatchSopClass,
  DICOMDIR: STORE_STATUS.dataSetDoesNotMatchSopClass,
  DICOM_NOT_PART10: STORE_STATUS.cannotUnderstand,
  INSTANCE_CONFLICT: STORE_STATUS.duplicateSopInstance,
  INSTANCE_IN_OTHER_CASE: STORE_STATUS.duplicateSopInstance,
};

/** Why an instance did not land: the ingest core's refusal, or a study other than the one the sender named. */
export type LandingFailure = RejectionCode | 'STUDY_MISMATCH';

/** The store status of an instance that did not land. */
export const storeStatusOf = (code: LandingFailure): number =>
  code === 'STUDY_MISMATCH' ? STORE_STATUS.dataSetDoesNotMatchSopClass : STATUS_OF_REJECTION[code];

/**
 * Serialises the "find the case, else open one" step per township on this instance, so that the instances of one
 * new study arriving on parallel associations or requests open one case, not several. It also remembers the case it
 * opened for a new study for a while: the instances placed before the first is ingested (a STOW-RS body is placed
 * whole, then ingested) find it, though no row of the study exists yet.
 */
export class LandingLocks {
  private tails = new Map<string, Promise<unknown>>();
  private opened = new Map<string, { caseId: string; until: number }>();
  run<T>(key: string, work: () => Promise<T>): Promise<T> {
    const previous = this.tails.get(key) ?? Promise.resolve();
    const next = previous.then(work, work);
    const tail = next.catch(() => undefined);
    this.tails.set(key, tail);
    void tail.then(() => {
      if (this.tails.get(key) === tail) this.tails.delete(key);
    });
    return next;
  }
  remember(township: string, studyInstanceUid: string, caseId: string): void {
    if (this.opened.size >= REMEMBERED_MAX) this.opened.delete(this.opened.keys().next().value!); // oldest first
    this.opened.set(`${township} ${studyInstanceUid}`, { caseId, until: Date.now() + REMEMBERED_MS });
  }
  recall(township: string, studyInstanceUid: string): string | undefined {
    const key = `${township} ${studyInstanceUid}`;
    const entry = this.opened.get(key);
    if (entry && entry.until > Date.now()) return entry.caseId;
    this.opened.delete(key);
    return undefined;
  }
}

/** how long, and for how many studies, a case opened for a new study is remembered (by then its rows exist) */
const REMEMBERED_MS = 10 * 60_000;
const REMEMBERED_MAX = 10_000;

const locksOfServer = new WeakMap<object, LandingLocks>();

/** The locks of one server (its AppContext): DICOM C-STORE and STOW-RS of a township wait for each other. */
export function landingLocksOf(ctx: AppContext): LandingLocks {
  let locks = locksOfServer.get(ctx);
  if (!locks) locksOfServer.set(ctx, (locks = new LandingLocks()));
  return locks;
}

/**
 * Where the instances of one association (or one STOW-RS request) went, and by which step of the rule: the next
 * instance with the same accession number and study skips that step's look-up. The look-up of its very instance
 * still runs wherever the rule has it, so an instance already stored keeps its case.
 */
export class LandingMemo {
  private readonly cases = new Map<string, { caseId: string; by: LandingStep }>();
  private static key = (header: DicomHeader) => `${header.accessionNumber ?? ''}\\${header.studyInstanceUid}`;
  recall(header: DicomHeader, by: LandingStep): string | undefined {
    const entry = this.cases.get(LandingMemo.key(header));
    return entry?.by === by ? entry.caseId : undefined;
  }
  remember(header: DicomHeader, by: LandingStep, caseId: string): void {
    this.cases.set(LandingMemo.key(header), { caseId, by });
  }
}
type LandingStep = 'accession' | 'study';

/** Why an instance did not land, with its header when that could be read. */
export type NotLanded = { ok: false; code: LandingFailure; reason: string; caseId?: string; header?: DicomHeader };

/**
 * The case an instance goes to, once its header is read; not yet ingested. `isNew`: no instance of its SOP Instance
 * UID was stored when it was placed (the ingest core need not look again).
 */
export type Placed = { ok: true; caseId: string; header: DicomHeader; isNew?: boolean } | NotLanded;

/** One landed instance: stored (or a duplicate of what was), or refused with the ingest core's reason. */
export type Landed = { ok: true; caseId: string; accepted: AcceptedFile; header: DicomHeader } | NotLanded;

/**
 * Reads the instance's header and finds or opens its case (the rule at the top of this file); with `study`, only an
 * instance of that study is placed (STOW-RS to /studies/{uid}). The staged bytes are kept for the ingest.
 */
export async function placeInstance(
  ctx: AppContext,
  locks: LandingLocks,
  arrival: Arrival,
  staged: StagedBlob,
  ip: string | undefined,
  { study, memo }: { study?: string; memo?: LandingMemo } = {},
): Promise<Placed> {
  // before the header is read: nothing of a file over the limit was kept
  if (staged.tooLarge) return { ok: false, code: 'TOO_LARGE', reason: `larger than the limit of ${ctx.config.maxFileBytes} bytes` };
  const parsed = await readDicomHeader(staged, {
    defaultCharset: ctx.config.defaultCharset,
    maxInflatedBytes: Math.min(ctx.config.maxFileBytes, MAX_INFLATED_BYTES),
  });
  if (!parsed.ok) return { ok: false, code: parsed.code, reason: parsed.reason };
  const header = parsed.header;
  if (study !== undefined && header.studyInstanceUid !== study) {
    return { ok: false, code: 'STUDY_MISMATCH', reason: `the instance is of study ${header.studyInstanceUid}, not ${study}`, header };
  }
  // Looked up before the township's lock, so that parallel associations do not queue for it: an instance stored
  // meanwhile by another is answered as a duplicate by the ingest core (its insert fails, the retry looks again).
  const known = await storedInstance(ctx, header.sopInstanceUid);
  const { caseId, isNew } = await locks.run(arrival.organizationId, () => landingCase(ctx, locks, arrival, header, known, ip, memo));
  if (!caseId) {
    return {
      ok: false,
      code: 'INSTANCE_IN_OTHER_CASE',
      reason: `SOP Instance UID ${header.sopInstanceUid} is already stored in another case`,
      header,
    };
  }
  return { ok: true, caseId, header, isNew };
}

/**
 * One instance placed and ingested in its case as `actor` (a township actor of `arrival.organizationId`), as C-STORE
 * receives them. Errors of the ingest core other than a file's refusal (an HttpError such as a case no longer
 * uploadable) are thrown. The staged bytes are discarded in every case.
 */
export async function landInstance(
  ctx: AppContext,
  locks: LandingLocks,
  arrival: Arrival,
  actor: Actor,
  staged: StagedBlob,
  ip: string | undefined,
  memo?: LandingMemo,
): Promise<Landed> {
  try {
    const placed = await placeInstance(ctx, locks, arrival, staged, ip, { memo });
    if (!placed.ok) return placed;
    const file = { name: placed.header.sopInstanceUid, staged, header: placed.header, isNew: placed.isNew };
    const result = await ingestFiles(ctx, actor, placed.caseId, [file], ip);
    const rejected = result.rejected[0];
    if (rejected) return { ok: false, code: rejected.code, reason: rejected.reason, caseId: placed.caseId, header: placed.header };
    return { ...placed, accepted: result.accepted[0]! };
  } finally {
    await staged.discard();
  }
}

/**
 * The case the instance lands in, or null when its SOP Instance UID is already another township's; `isNew` when the
 * rule looked its instance up and found none.
 */
async function landingCase(
  ctx: AppContext,
  locks: LandingLocks,
  arrival: Arrival,
  header: DicomHeader,
  known: StoredInstance | undefined,
  ip: string | undefined,
  memo?: LandingMemo,
): Promise<{ caseId: string | null; isNew?: boolean }> {
  const { db } = ctx;
  const township = { originOrgId: arrival.organizationId };
  const found = (by: LandingStep, caseId: string) => {
    memo?.remember(header, by, caseId);
    return caseId;
  };
  if (header.accessionNumber) {
    const byAccession =
      memo?.recall(header, 'accession') ??
      (await db.case.findFirst({ where: { ...township, accessionNumber: header.accessionNumber }, select: { id: true } }))?.id;
    if (byAccession) return { caseId: found('accession', byAccession), isNew: !known };
  }
  if (known) return { caseId: known.originOrgId === arrival.organizationId ? known.caseId : null };
  const byStudy =
    memo?.recall(header, 'study') ??
    (
      await db.study.findFirst({
        where: { studyInstanceUid: header.studyInstanceUid, case: township },
        orderBy: { createdAt: 'desc' },
        select: { caseId: true },
      })
    )?.caseId ??
    locks.recall(arrival.organizationId, header.studyInstanceUid);
  if (byStudy) return { caseId: found('study', byStudy), isNew: true };
  const rawName = header.patient.name ? displayPersonName(header.patient.name) : '';
  const caseId = await createArrivedCase(
    ctx,
    arrival,
    {
      examKind: examKindOf(header.modality),
      bodyPart: header.bodyPart?.slice(0, 100) ?? null,
      patient: {
        name: rawName || header.patient.id || '未知',
        sex: (['M', 'F', 'O'].includes(header.patient.sex ?? '') ? header.patient.sex : 'U') as Sex,
        birthDate: header.patient.birthDate ?? null,
        dicomPatientId: header.patient.id ?? null,
      },
    },
    ip,
  );
  locks.remember(arrival.organizationId, header.studyInstanceUid, caseId);
  return { caseId: found('study', caseId), isNew: true };
}

interface StoredInstance {
  caseId: string;
  originOrgId: string;
}

/** The case (and its township) already holding this SOP Instance UID; plain SQL, paid once per received instance. */
async function storedInstance(ctx: AppContext, sopInstanceUid: string): Promise<StoredInstance | undefined> {
  const [row] = await ctx.db.$queryRaw<StoredInstance[]>`
    SELECT i."caseId", c."originOrgId" FROM "Instance" i JOIN "Case" c ON c."id" = i."caseId" WHERE i."sopInstanceUid" = ${sopInstanceUid}`;
  return row;
}

/** The exam kind whose rules name the modality (CT → CT, DX/CR → DR, ECG → ECG …), else OTHER. */
export function examKindOf(modality: string | undefined): ExamKind {
  if (!modality) return 'OTHER';
  for (const kind of EXAM_KINDS) {
    const allowed = EXAM_KIND_RULES[kind].modalities;
    if (allowed !== 'any' && allowed.includes(modality)) return kind;
  }
  return 'OTHER';
}
