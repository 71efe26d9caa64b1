// Ingest of one batch of received files into a case: classify each file, refuse conflicts, commit the
// accepted bytes to the blob store, then index the whole batch in one transaction with one audit event. Batches of
// one case that reach their transaction while another is being written share the next one (group-commit.ts).
//
// Ordering is what keeps the promise "nothing half-written is visible": blobs are committed (atomic rename)
// before the rows that point at them exist. A crash in between leaves an unreferenced blob, never a row
// pointing at missing or partial bytes.
import type { AcceptedFile, DemographicsMismatch, RejectedFile, UploadResponse } from '../../shared/api.ts';
import { UPLOADABLE_STATUSES, type CaseStatus } from '../../shared/case-status.ts';
import { EXAM_KIND_RULES, examKindAcceptsModality, type ExamKind } from '../../shared/domain.ts';
import type { StagedBlob } from '../../storage/blob-store.ts';
import type { Actor } from '../auth/actor.ts';
import { recordAudit } from '../audit/audit.ts';
import { inTownshipWriteScope } from '../cases/access.ts';
import { assessIdentity, compareWithRegistered, type IdentityRow, type RegisteredPatient } from '../cases/identity.ts';
import type { CaseRef } from '../http/route-spec.ts';
import type { AppContext } from '../context.ts';
import { Prisma, retryOnUniqueViolation, type Db, type Tx } from '../db/client.ts';
import { newId } from '../db/ids.ts';
import { HttpError, notFound } from '../http/errors.ts';
import { analyseNewEcgFiles } from '../ecg/analyses.ts';
import { classifyFile, reject, type Classified } from './classify.ts';
import type { DicomHeader } from './dicom-header.ts';
import { GroupCommit } from './group-commit.ts';

export interface ReceivedFile {
  name: string;
  staged: StagedBlob;
  /** its header, when the channel read it to place the file (C-STORE, STOW-RS): not parsed a second time */
  header?: DicomHeader;
  /** the channel looked its SOP Instance UID up just before and found none stored: the first attempt skips that look-up */
  isNew?: boolean;
}

type Candidate = { file: ReceivedFile; classified: Classified };
type DicomCandidate = { file: ReceivedFile; header: DicomHeader };
type AttachmentCandidate = { file: ReceivedFile; kind: string; mediaType: string };

/**
 * `loaded`: the case as a `/cases/:id…` route loaded it already (cases/case-home.ts), so that it is not read twice;
 * the channels without a route (C-STORE, STOW-RS, tus) leave it out.
 */
export async function ingestFiles(
  ctx: AppContext,
  actor: Actor,
  caseId: string,
  files: ReceivedFile[],
  ip?: string,
  loaded?: CaseRef,
): Promise<UploadResponse> {
  try {
    const kase = await loadWritableCase(ctx, actor, caseId, loaded);
    const options = { defaultCharset: ctx.config.defaultCharset, maxFileBytes: ctx.config.maxFileBytes };
    const candidates: Candidate[] = await Promise.all(
      files.map(async (file) => ({ file, classified: await classifyFile(file.staged, kase.examKind as ExamKind, options, file.header) })),
    );
    // A unique violation means a parallel request indexed the same instance or study first; the second
    // attempt looks every instance up again (`isNew` or not), sees its rows and answers duplicate or conflict.
    let attempt = 0;
    const response = await retryOnUniqueViolation(() => indexBatch(ctx, actor, kase, candidates, ip, attempt++ === 0));
    if (acceptsEcgFiles(kase.examKind as ExamKind)) await analyseEcgAfterUpload(ctx, kase.id);
    return response;
  } finally {
    await Promise.all(files.map((f) => f.staged.discard()));
  }
}

/** Exam kinds that may carry ECG files: an ECG waveform (DICOM modality ECG) or an HL7 aECG attachment. */
const acceptsEcgFiles = (kind: ExamKind) => examKindAcceptsModality(kind, 'ECG') || EXAM_KIND_RULES[kind].attachments.includes('ECG_XML');

/**
 * The upload has committed: its ECG files are analysed now, so that the case (and its priority) is complete when
 * the response arrives. A failure here does not fail the upload; reading the case retries the analysis.
 */
async function analyseEcgAfterUpload(ctx: AppContext, caseId: string): Promise<void> {
  try {
    await analyseNewEcgFiles(ctx, caseId);
  } catch (error) {
    ctx.log.error({ err: error, caseId }, 'ECG analysis failed; it is retried when the case is read');
  }
}

/** What ingest needs of the case it adds files to. */
interface WritableCase {
  id: string;
  status: string;
  examKind: string;
  originOrgId: string;
  patient: RegisteredPatient;
}

// The reads of every upload, and the case's status re-check, are plain SQL, one text for SQLite and PostgreSQL (quoted
// identifiers, parameters bound by $queryRaw): a Prisma model query costs about 0.45 ms of CPU more than the same
// statement through $queryRaw (measured 0.65 against 0.19 ms per query on SQLite), and a one-file upload ran four.
// A Date bound by $executeRaw is stored exactly as Prisma stores it on both databases. The instance and audit
// inserts are plain SQL too, with ids of Prisma's shape (db/ids.ts); the rarer study and series inserts stay Prisma's.
type PatientRow = RegisteredPatient;
type CaseRow = Omit<WritableCase, 'patient'> & { patientId: string } & Omit<PatientRow, 'id'>;

async function caseWithPatient(db: Db, caseId: string): Promise<WritableCase | null> {
  const [row] = await db.$queryRaw<CaseRow[]>`
    SELECT c."id", c."status", c."examKind", c."originOrgId", c."patientId", p."name", p."sex", p."birthDate", p."nationalId"
    FROM "Case" c JOIN "Patient" p ON p."id" = c."patientId" WHERE c."id" = ${caseId}`;
  if (!row) return null;
  const { patientId, name, sex, birthDate, nationalId, ...kase } = row;
  return { ...kase, patient: { id: patientId, name, sex, birthDate, nationalId } };
}

async function patientById(db: Db, id: string): Promise<PatientRow> {
  const [row] = await db.$queryRaw<PatientRow[]>`
    SELECT "id", "name", "sex", "birthDate", "nationalId" FROM "Patient" WHERE "id" = ${id}`;
  if (!row) throw new Error(`the patient ${id} of a case is missing`);
  return row;
}

/** The stored instances of these SOP Instance UIDs, wherever they are. */
function instancesByUid(db: Db, uids: string[]) {
  return db.$queryRaw<{ id: string; sopInstanceUid: string; sha256: string; caseId: string }[]>`
    SELECT "id", "sopInstanceUid", "sha256", "caseId" FROM "Instance" WHERE "sopInstanceUid" IN (${Prisma.join(uids)})`;
}

/** A series of the case by its own and its study's UIDs (files arrive one per request into a series that exists). */
async function seriesOfCase(tx: Tx, caseId: string, studyInstanceUid: string, seriesInstanceUid: string) {
  const [row] = await tx.$queryRaw<{ id: string; studyId: string }[]>`
    SELECT s."id", s."studyId" FROM "Series" s JOIN "Study" st ON st."id" = s."studyId"
    WHERE s."seriesInstanceUid" = ${seriesInstanceUid} AND st."caseId" = ${caseId} AND st."studyInstanceUid" = ${studyInstanceUid}
    LIMIT 1`;
  return row ?? null;
}

/**
 * The case the actor may add files to (township staff of its organization), in a status that takes files. With the
 * case a route `loaded`, only its patient is read.
 */
export async function loadWritableCase(ctx: AppContext, actor: Actor, caseId: string, loaded?: CaseRef): Promise<WritableCase> {
  const kase = loaded
    ? loaded.id === caseId
      ? { ...loaded, patient: await patientById(ctx.db, loaded.patientId) }
      : null
    : await caseWithPatient(ctx.db, caseId);
  if (!kase || !inTownshipWriteScope(actor, kase)) throw notFound('case');
  if (!UPLOADABLE_STATUSES.includes(kase.status as CaseStatus)) {
    throw new HttpError(409, 'CASE_NOT_UPLOADABLE', `files cannot be added to a case that is ${kase.status}`);
  }
  return kase;
}

async function indexBatch(
  ctx: AppContext,
  actor: Actor,
  kase: WritableCase,
  candidates: Candidate[],
  ip: string | undefined,
  firstAttempt: boolean,
): Promise<UploadResponse> {
  const accepted: AcceptedFile[] = [];
  const rejected: RejectedFile[] = [];
  const newDicom: DicomCandidate[] = [];
  const newAttachments: AttachmentCandidate[] = [];

  const dicom = candidates.filter(
    (c): c is { file: ReceivedFile; classified: Extract<Classified, { type: 'dicom' }> } => c.classified.type === 'dicom',
  );
  const attachmentShas = candidates.filter((c) => c.classified.type === 'attachment').map((c) => c.file.staged.sha256);
  // Skip the look-ups a batch does not need: most batches are all DICOM, and C-STORE has just looked its instance up.
  const unknown = dicom.filter((c) => !(firstAttempt && c.file.isNew));
  const existing = unknown.length
    ? await instancesByUid(
        ctx.db,
        unknown.map((c) => c.classified.header.sopInstanceUid),
      )
    : [];
  const known = new Map(existing.map((e) => [e.sopInstanceUid, { id: e.id, sha256: e.sha256, caseId: e.caseId }]));
  const existingAttachments = attachmentShas.length
    ? await ctx.db.attachment.findMany({ where: { caseId: kase.id, sha256: { in: attachmentShas } }, select: { id: true, sha256: true } })
    : [];
  const knownAttachments = new Map(existingAttachments.map((a) => [a.sha256, a.id]));

  for (const { file, classified } of candidates) {
    if (classified.type === 'rejected') {
      rejected.push(toRejected(file.name, classified));
    } else if (classified.type === 'dicom') {
      const { header } = classified;
      const prior = known.get(header.sopInstanceUid);
      if (!prior) {
        newDicom.push({ file, header });
        // a second copy later in the same batch is compared against this one
        known.set(header.sopInstanceUid, { id: '', sha256: file.staged.sha256, caseId: kase.id });
      } else if (prior.caseId !== kase.id) {
        rejected.push(
          toRejected(
            file.name,
            reject('INSTANCE_IN_OTHER_CASE', `SOP Instance UID ${header.sopInstanceUid} is already stored in another case`),
          ),
        );
      } else if (prior.sha256 !== file.staged.sha256) {
        rejected.push(
          toRejected(
            file.name,
            reject('INSTANCE_CONFLICT', `SOP Instance UID ${header.sopInstanceUid} is already stored with different content`, {
              sopInstanceUid: header.sopInstanceUid,
            }),
          ),
        );
      } else {
        accepted.push({
          file: file.name,
          kind: 'dicom',
          id: prior.id,
          sopInstanceUid: header.sopInstanceUid,
          duplicate: true,
          warnings: [],
        });
      }
    } else {
      const priorId = knownAttachments.get(file.staged.sha256);
      if (priorId !== undefined) {
        accepted.push({ file: file.name, kind: 'attachment', id: priorId, attachmentKind: classified.kind, duplicate: true, warnings: [] });
      } else {
        knownAttachments.set(file.staged.sha256, '');
        newAttachments.push({ file, kind: classified.kind, mediaType: classified.mediaType });
      }
    }
  }

  // Bytes first, rows second (see the header comment).
  const stored = new Map<ReceivedFile, string>();
  for (const { file } of [...newDicom, ...newAttachments]) stored.set(file, (await file.staged.commit()).key);

  const created = await indexWriterOf(ctx).submit(kase.id, {
    actor,
    kase,
    ip,
    newDicom,
    newAttachments,
    stored,
    audited: { duplicates: accepted.length, rejected: rejected.map((r) => ({ file: r.file, code: r.code })) },
  });
  // A file repeated within this batch is a duplicate of the row created just now for its first copy.
  const idByContent = new Map<string, string>();
  created.dicomAccepted.forEach((a) => idByContent.set(a.sopInstanceUid!, a.id));
  created.attachmentAccepted.forEach((a, i) => idByContent.set(newAttachments[i]!.file.staged.sha256, a.id));
  const candidateOf = new Map(candidates.map((c) => [c.file.name, c.file.staged.sha256]));
  for (const a of accepted) {
    if (a.id) continue;
    a.id = idByContent.get(a.sopInstanceUid ?? candidateOf.get(a.file) ?? '') ?? '';
  }
  return { accepted: [...created.dicomAccepted, ...created.attachmentAccepted, ...accepted], rejected };
}

/** One batch's rows to write, after its bytes were committed. */
interface RowsToWrite {
  actor: Actor;
  kase: WritableCase;
  ip: string | undefined;
  newDicom: DicomCandidate[];
  newAttachments: AttachmentCandidate[];
  stored: Map<ReceivedFile, string>;
  /** what the batch's audit event says of the files that made no row */
  audited: { duplicates: number; rejected: { file: string; code: string }[] };
}

interface WrittenRows {
  dicomAccepted: AcceptedFile[];
  attachmentAccepted: AcceptedFile[];
}

const writersOfServer = new WeakMap<AppContext, GroupCommit<RowsToWrite, WrittenRows>>();

/** The server's writer of batch rows: the batches of one case that meet at its transaction are written in one. */
function indexWriterOf(ctx: AppContext): GroupCommit<RowsToWrite, WrittenRows> {
  let writer = writersOfServer.get(ctx);
  if (!writer) writersOfServer.set(ctx, (writer = new GroupCommit((batches) => writeRows(ctx, batches))));
  return writer;
}

/** The rows of one or more batches of one case, in one transaction, with one audit event per batch. */
function writeRows(ctx: AppContext, batches: RowsToWrite[]): Promise<WrittenRows[]> {
  const kase = batches[0]!.kase;
  return ctx.db.$transaction(async (tx) => {
    // The case may have been submitted since it was loaded: re-check its status under a row lock, so files
    // never join a case after it left the township (the submit's compare-and-set takes the same lock).
    const count = await tx.$executeRaw`
      UPDATE "Case" SET "updatedAt" = ${new Date()} WHERE "id" = ${kase.id} AND "status" IN (${Prisma.join(UPLOADABLE_STATUSES)})`;
    if (count !== 1) throw new HttpError(409, 'CASE_NOT_UPLOADABLE', 'the case was submitted or cancelled meanwhile');
    const stored = new Map(batches.flatMap((b) => [...b.stored]));
    const dicomAccepted = await indexDicom(
      tx,
      kase,
      batches.map((b) => b.newDicom),
      stored,
    );
    const written: WrittenRows[] = [];
    for (const [i, batch] of batches.entries()) {
      const attachmentAccepted = await indexAttachments(tx, kase.id, batch.newAttachments, stored);
      await recordAudit(tx, {
        actorId: batch.actor.id,
        action: 'ingest.batch',
        entityType: 'Case',
        entityId: kase.id,
        ip: batch.ip,
        details: {
          instances: dicomAccepted[i]!.length,
          attachments: attachmentAccepted.length,
          duplicates: batch.audited.duplicates,
          rejected: batch.audited.rejected,
        },
      });
      written.push({ dicomAccepted: dicomAccepted[i]!, attachmentAccepted });
    }
    return written;
  });
}

/** The new instances of one or more batches of a case (with their studies and series); the accepted files per batch. */
async function indexDicom(
  tx: Tx,
  kase: WritableCase,
  batches: DicomCandidate[][],
  stored: Map<ReceivedFile, string>,
): Promise<AcceptedFile[][]> {
  const items = batches.flat();
  const studyIds = new Map<string, { id: string }>();
  const seriesIds = new Map<string, string>();
  const rows: Prisma.InstanceCreateManyInput[] = [];
  const patientFill: { sex?: string; birthDate?: string } = {};

  // The first sight in this batch of a study (found or created): its demographics may fill blanks, unless they
  // contradict the registered patient (a wrong patient's file must not make the right patient's files disagree).
  const seeStudy = (header: DicomHeader, id: string) => {
    const study = { id };
    studyIds.set(header.studyInstanceUid, study);
    if (compareDemographics(kase.patient, header.patient).length > 0) return study;
    if (kase.patient.sex === 'U' && (header.patient.sex === 'M' || header.patient.sex === 'F')) patientFill.sex = header.patient.sex;
    if (!kase.patient.birthDate && header.patient.birthDate) patientFill.birthDate = header.patient.birthDate;
    return study;
  };

  for (const { file, header } of items) {
    let study = studyIds.get(header.studyInstanceUid);
    let seriesId = seriesIds.get(header.seriesInstanceUid);
    if (!study && !seriesId) {
      // Files arrive one per request (STOW-RS, tus, C-STORE) into a series that exists: one statement finds both.
      const known = await seriesOfCase(tx, kase.id, header.studyInstanceUid, header.seriesInstanceUid);
      if (known) {
        study = seeStudy(header, known.studyId);
        seriesId = known.id;
        seriesIds.set(header.seriesInstanceUid, seriesId);
      }
    }
    if (!study) {
      const mismatch = compareDemographics(kase.patient, header.patient);
      // find, else create: a native upsert costs SQLite three statements per call. A racing request that
      // creates the same study first makes the create fail with P2002, and the batch is retried.
      const row =
        (await tx.study.findUnique({
          where: { caseId_studyInstanceUid: { caseId: kase.id, studyInstanceUid: header.studyInstanceUid } },
          select: { id: true },
        })) ??
        (await tx.study.create({
          data: {
            caseId: kase.id,
            studyInstanceUid: header.studyInstanceUid,
            studyDate: header.studyDate ?? null,
            studyDescription: header.studyDescription ?? null,
            accessionNumber: header.accessionNumber ?? null,
            dicomPatientName: header.patient.name ?? null,
            dicomPatientId: header.patient.id ?? null,
            dicomPatientSex: header.patient.sex ?? null,
            dicomBirthDate: header.patient.birthDate ?? null,
            demographicsMismatch: mismatch.length ? JSON.stringify(mismatch) : null,
          },
          select: { id: true },
        }));
      study = seeStudy(header, row.id);
    }
    if (!seriesId) {
      const row =
        (await tx.series.findUnique({
          where: { studyId_seriesInstanceUid: { studyId: study.id, seriesInstanceUid: header.seriesInstanceUid } },
          select: { id: true },
        })) ??
        (await tx.series.create({
          data: {
            studyId: study.id,
            seriesInstanceUid: header.seriesInstanceUid,
            modality: header.modality ?? null,
            seriesNumber: header.seriesNumber ?? null,
            seriesDescription: header.seriesDescription ?? null,
            bodyPart: header.bodyPart ?? null,
          },
          select: { id: true },
        }));
      seriesId = row.id;
      seriesIds.set(header.seriesInstanceUid, seriesId);
    }
    rows.push({
      seriesId,
      caseId: kase.id,
      sopInstanceUid: header.sopInstanceUid,
      sopClassUid: header.sopClassUid,
      instanceNumber: header.instanceNumber ?? null,
      transferSyntaxUid: header.transferSyntaxUid,
      rows: header.rows ?? null,
      columns: header.columns ?? null,
      frames: header.frames ?? null,
      byteSize: BigInt(file.staged.size),
      sha256: file.staged.sha256,
      storageKey: stored.get(file)!,
      dicomPatientName: header.patient.name ?? null,
      dicomPatientId: header.patient.id ?? null,
      dicomPatientSex: header.patient.sex ?? null,
      dicomBirthDate: header.patient.birthDate ?? null,
    });
  }
  // the identity check compares the files of one batch (one request), not of requests that happened to meet here
  let offset = 0;
  const warnings = batches.flatMap((batch) => identityWarnings(kase.patient, rows.slice(offset, (offset += batch.length))));
  const ids = await insertInstances(tx, rows);
  const idOf = new Map(rows.map((row, i) => [row.sopInstanceUid, ids[i]!]));
  const accepted = items.map(({ file, header }, i): AcceptedFile => ({
    file: file.name,
    kind: 'dicom',
    id: idOf.get(header.sopInstanceUid)!,
    sopInstanceUid: header.sopInstanceUid,
    duplicate: false,
    warnings: warnings[i]!,
  }));
  offset = 0;
  const results = batches.map((batch) => accepted.slice(offset, (offset += batch.length)));
  // DICOM fills what the township left blank; it never overwrites what was typed.
  if (patientFill.sex || patientFill.birthDate) await tx.patient.update({ where: { id: kase.patient.id }, data: patientFill });
  return results;
}

const INSTANCE_COLUMNS = [
  'id',
  'seriesId',
  'caseId',
  'sopInstanceUid',
  'sopClassUid',
  'instanceNumber',
  'transferSyntaxUid',
  'rows',
  'columns',
  'frames',
  'byteSize',
  'sha256',
  'storageKey',
  'dicomPatientName',
  'dicomPatientId',
  'dicomPatientSex',
  'dicomBirthDate',
  'createdAt',
] as const;
const INSTANCE_COLUMN_LIST = Prisma.raw(INSTANCE_COLUMNS.map((c) => `"${c}"`).join(', '));

/** rows per INSERT: 18 parameters each stays far below SQLite's 32,766 and PostgreSQL's 65,535 bound values */
const INSTANCE_ROWS_PER_INSERT = 500;

/**
 * The rows in plain multi-row INSERTs, ids made here (Prisma's shape, db/ids.ts): a Prisma create cost ~0.45 ms of
 * CPU more per statement, and its createMany is compiled anew on every call. A unique violation (a racing request
 * stored the same SOP Instance UID first) is recognised by isUniqueViolation like Prisma's own.
 */
async function insertInstances(tx: Tx, rows: Prisma.InstanceCreateManyInput[]): Promise<string[]> {
  const createdAt = new Date();
  const ids = rows.map(() => newId());
  const values = rows.map((row, i) => {
    const record: Record<(typeof INSTANCE_COLUMNS)[number], unknown> = { ...row, id: ids[i], createdAt } as never;
    return Prisma.sql`(${Prisma.join(INSTANCE_COLUMNS.map((c) => record[c] ?? null))})`;
  });
  for (let i = 0; i < values.length; i += INSTANCE_ROWS_PER_INSERT) {
    const slice = values.slice(i, i + INSTANCE_ROWS_PER_INSERT);
    await tx.$executeRaw`INSERT INTO "Instance" (${INSTANCE_COLUMN_LIST}) VALUES ${Prisma.join(slice)}`;
  }
  return ids;
}

async function indexAttachments(
  tx: Tx,
  caseId: string,
  items: AttachmentCandidate[],
  stored: Map<ReceivedFile, string>,
): Promise<AcceptedFile[]> {
  const results: AcceptedFile[] = [];
  for (const { file, kind, mediaType } of items) {
    const row = await tx.attachment.create({
      data: {
        caseId,
        fileName: file.name.slice(0, 255),
        mediaType,
        kind,
        byteSize: BigInt(file.staged.size),
        sha256: file.staged.sha256,
        storageKey: stored.get(file)!,
      },
      select: { id: true },
    });
    results.push({
      file: file.name,
      kind: 'attachment',
      id: row.id,
      attachmentKind: kind as AcceptedFile['attachmentKind'],
      duplicate: false,
      warnings: [],
    });
  }
  return results;
}

/**
 * Differences between what the township registered and what the device wrote, per study (the study's first file).
 * Reported, never merged: a mismatch may mean the wrong patient was selected on the modality. The identity check
 * proper (cases/identity.ts) judges every file; this is its record on the study.
 */
export function compareDemographics(patient: WritableCase['patient'], dicom: DicomHeader['patient']): DemographicsMismatch[] {
  const dicomPatient = { name: dicom.name ?? null, id: dicom.id ?? null, sex: dicom.sex ?? null, birthDate: dicom.birthDate ?? null };
  return compareWithRegistered(patient, dicomPatient).flatMap((issue) =>
    issue.kind === 'MISMATCH' && (issue.field === 'name' || issue.field === 'sex' || issue.field === 'birthDate')
      ? [{ field: issue.field, caseValue: issue.caseValue, dicomValue: issue.dicomValue }]
      : [],
  );
}

/**
 * The upload's word on each new file: what contradicts the registered patient, and files of this batch that name
 * another DICOM patient than their neighbours. The case page shows the verdict over all the case's files.
 */
function identityWarnings(patient: WritableCase['patient'], rows: readonly Prisma.InstanceCreateManyInput[]): string[][] {
  const identityRows: IdentityRow[] = rows.map((row, i) => ({
    id: String(i),
    dicomPatientName: row.dicomPatientName ?? null,
    dicomPatientId: row.dicomPatientId ?? null,
    dicomPatientSex: row.dicomPatientSex ?? null,
    dicomBirthDate: row.dicomBirthDate ?? null,
    identityConfirmedAt: null,
    identityConfirmedById: null,
    identityConfirmReason: null,
  }));
  const { issuesByInstance } = assessIdentity(patient, identityRows);
  return identityRows.map((row) =>
    issuesByInstance
      .get(row.id)!
      .filter((issue) => issue.kind === 'MISMATCH')
      .map((issue) =>
        issue.field === 'otherPatient'
          ? `DICOM patient "${issue.dicomValue}" differs from another file's "${issue.caseValue}"`
          : `DICOM patient ${issue.field} "${issue.dicomValue}" differs from the case's "${issue.caseValue}"`,
      ),
  );
}

/**
 * 200 when anything was accepted. When every file was refused, the status of the refusals if they agree
 * (409 for conflicts, 413 too large, 415 wrong type), else 422.
 */
export function batchStatus({ accepted, rejected }: UploadResponse): number {
  if (accepted.length > 0) return 200;
  const statuses = new Set(rejected.map((r) => r.status));
  return statuses.size === 1 ? [...statuses][0]! : 422;
}

function toRejected(file: string, r: Extract<Classified, { type: 'rejected' }>): RejectedFile {
  return { file, code: r.code, reason: r.reason, status: r.status, ...(r.params ? { params: r.params } : {}) };
}
