// One instance received over DICOM C-STORE: decide the case it lands in, then hand it to the same ingest core as
// the browser upload (ingest/ingest.ts ingestFiles), acting as the device's service account. Answers the PS3.4
// C-STORE status for it.
import type { RejectionCode } from '../../shared/api.ts';
import { EXAM_KINDS, EXAM_KIND_RULES, type ExamKind, type Sex } from '../../shared/domain.ts';
import type { StagedBlob } from '../../storage/blob-store.ts';
import type { Actor } from '../auth/actor.ts';
import { createCaseFromDevice } from '../cases/service.ts';
import type { AppContext } from '../context.ts';
import { HttpError } from '../http/errors.ts';
import { displayPersonName } from '../ingest/charset.ts';
import { MAX_INFLATED_BYTES, readDicomHeader, type DicomHeader } from '../ingest/dicom-header.ts';
import { ingestFiles } from '../ingest/ingest.ts';

export interface Device {
  id: string;
  aeTitle: string;
  organizationId: string;
  userId: string;
}

/** PS3.4 C-STORE status codes (PS3.4 B.2.3; 0x0110/0x0111 are PS3.7's general failures) */
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

export interface StoreOutcome {
  status: number;
  /** the reason, for the Error Comment (0000,0902) of a failure */
  comment?: string;
  code?: string;
  caseId?: string;
}

/** The device's service account as the ingest core's actor: a technician of the device's township. */
export function deviceActor(device: Device): Actor {
  return {
    id: device.userId,
    username: `device:${device.aeTitle}`,
    displayName: `设备 ${device.aeTitle}`,
    role: 'TECHNICIAN',
    canSign: false,
    organizationId: device.organizationId,
    centreIds: [],
    sessionId: '',
  };
}

/**
 * Serialises the "find the case, else open one" step per township on this instance, so that the instances of one
 * new study arriving on parallel associations open one case, not several.
 */
export class LandingLocks {
  private tails = new Map<string, Promise<unknown>>();
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
}

export async function receiveInstance(
  ctx: AppContext,
  locks: LandingLocks,
  device: Device,
  staged: StagedBlob,
  ip: string | undefined,
): Promise<StoreOutcome> {
  try {
    const parsed = await readDicomHeader(staged, {
      defaultCharset: ctx.config.defaultCharset,
      maxInflatedBytes: Math.min(ctx.config.maxFileBytes, MAX_INFLATED_BYTES),
    });
    if (!parsed.ok) return { status: STATUS_OF_REJECTION[parsed.code], comment: parsed.reason, code: parsed.code };
    const header = parsed.header;
    const caseId = await locks.run(device.organizationId, () => landingCase(ctx, device, header, ip));
    const result = await ingestFiles(ctx, deviceActor(device), caseId, [{ name: header.sopInstanceUid, staged }], ip);
    const rejected = result.rejected[0];
    if (rejected) return { status: STATUS_OF_REJECTION[rejected.code], comment: rejected.reason, code: rejected.code, caseId };
    return { status: STORE_STATUS.success, caseId };
  } catch (error) {
    if (error instanceof HttpError) return { status: STORE_STATUS.processingFailure, comment: error.message, code: error.code };
    ctx.log.error({ err: error, device: device.aeTitle }, 'C-STORE failed');
    return { status: STORE_STATUS.processingFailure, comment: 'internal error', code: 'INTERNAL' };
  } finally {
    await staged.discard();
  }
}

/**
 * Where an image lands, always within the device's township: the case of its Accession Number; else the case that
 * already holds its study (or its very instance); else a new DRAFT case with the patient of its header.
 */
async function landingCase(ctx: AppContext, device: Device, header: DicomHeader, ip: string | undefined): Promise<string> {
  const { db } = ctx;
  const township = { originOrgId: device.organizationId };
  if (header.accessionNumber) {
    const byAccession = await db.case.findFirst({ where: { ...township, accessionNumber: header.accessionNumber }, select: { id: true } });
    if (byAccession) return byAccession.id;
  }
  const known = await db.instance.findUnique({
    where: { sopInstanceUid: header.sopInstanceUid },
    select: { caseId: true, case: { select: { originOrgId: true } } },
  });
  if (known && known.case.originOrgId === device.organizationId) return known.caseId;
  if (known)
    throw new HttpError(409, 'INSTANCE_IN_OTHER_CASE', `SOP Instance UID ${header.sopInstanceUid} is already stored in another case`);
  const byStudy = await db.study.findFirst({
    where: { studyInstanceUid: header.studyInstanceUid, case: township },
    orderBy: { createdAt: 'desc' },
    select: { caseId: true },
  });
  if (byStudy) return byStudy.caseId;
  const rawName = header.patient.name ? displayPersonName(header.patient.name) : '';
  return createCaseFromDevice(
    ctx,
    device,
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
