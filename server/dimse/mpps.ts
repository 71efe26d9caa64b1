// Modality Performed Procedure Step (MPPS, PS3.4 F.7) as SCP: a device reports it started an exam (N-CREATE,
// IN PROGRESS) and then that it finished it (N-SET, COMPLETED) or gave up (DISCONTINUED). The step is linked to the
// case of its scheduled step by accession number (else by a study the case already holds), within the device's
// township. COMPLETED marks the case "images complete" for the technician and, where the township asked for it
// (Organization.mppsAutoSubmit), submits it through the case lifecycle.
import { recordAudit } from '../audit/audit.ts';
import { transitionCase } from '../cases/lifecycle.ts';
import type { AppContext } from '../context.ts';
import { isUniqueViolation, type Tx } from '../db/client.ts';
import { HttpError } from '../http/errors.ts';
import { prepareSubmission } from '../routing/service.ts';
import { deviceActor, type Device } from './receive.ts';

export const MPPS_SOP_CLASS = '1.2.840.10008.3.1.2.3.3';

/** N-CREATE / N-SET statuses (PS3.4 F.7.2, PS3.7 10.1) */
export const MPPS_STATUS = {
  success: 0x0000,
  processingFailure: 0x0110,
  duplicateInstance: 0x0111,
  noSuchInstance: 0x0112,
  noSuchAttribute: 0x0105,
  invalidAttributeValue: 0x0106,
  missingAttribute: 0x0120,
} as const;
/** Error ID (0000,0903) with 0x0110: "Performed Procedure Step Object may no longer be updated" (PS3.4 F.7.2.2) */
export const NO_LONGER_UPDATABLE = 0xa710;

export type StepStatus = 'IN PROGRESS' | 'COMPLETED' | 'DISCONTINUED';
const FINAL: readonly string[] = ['COMPLETED', 'DISCONTINUED'];

/** The attributes of the MPPS IOD (PS3.3 C.4.13–C.4.16, radiation dose and billing included) a device may send. */
const MPPS_ATTRIBUTES = new Set([
  'SpecificCharacterSet',
  'ScheduledStepAttributesSequence',
  'PatientName',
  'PatientID',
  'IssuerOfPatientID',
  'IssuerOfPatientIDQualifiersSequence',
  'OtherPatientIDsSequence',
  'PatientBirthDate',
  'PatientSex',
  'ReferencedPatientSequence',
  'AdmissionID',
  'IssuerOfAdmissionIDSequence',
  'ServiceEpisodeID',
  'IssuerOfServiceEpisodeIDSequence',
  'ServiceEpisodeDescription',
  'PerformedProcedureStepID',
  'PerformedStationAETitle',
  'PerformedStationName',
  'PerformedLocation',
  'PerformedProcedureStepStartDate',
  'PerformedProcedureStepStartTime',
  'PerformedProcedureStepEndDate',
  'PerformedProcedureStepEndTime',
  'PerformedProcedureStepStatus',
  'PerformedProcedureStepDescription',
  'PerformedProcedureTypeDescription',
  'ProcedureCodeSequence',
  'PerformedProcedureStepDiscontinuationReasonCodeSequence',
  'PerformedStationNameCodeSequence',
  'PerformedStationClassCodeSequence',
  'PerformedStationGeographicLocationCodeSequence',
  'PerformedProcessingApplicationsCodeSequence',
  'ReasonForPerformedProcedureCodeSequence',
  'CommentsOnThePerformedProcedureStep',
  'Modality',
  'StudyID',
  'PerformedProtocolCodeSequence',
  'PerformedSeriesSequence',
  'AnatomicStructureSpaceOrRegionSequence',
  'TotalTimeOfFluoroscopy',
  'TotalNumberOfExposures',
  'DistanceSourceToDetector',
  'DistanceSourceToEntrance',
  'EntranceDose',
  'EntranceDoseInmGy',
  'ExposedArea',
  'ImageAndFluoroscopyAreaDoseProduct',
  'CommentsOnRadiationDose',
  'ExposureDoseSequence',
  'OrganDose',
  'OrganExposed',
  'BillingProcedureStepSequence',
  'FilmConsumptionSequence',
  'BillingSuppliesAndDevicesSequence',
]);

export interface MppsOutcome {
  status: number;
  comment?: string;
  errorId?: number;
}

const isPrivate = (key: string) => /^[0-9A-F]{8}$/i.test(key) && parseInt(key.slice(0, 4), 16) % 2 === 1;
const textOf = (v: unknown): string => (Array.isArray(v) ? textOf(v[0]) : v === undefined || v === null ? '' : String(v).trim());

/** The first attribute that is neither of the MPPS IOD nor private (private attributes are ignored), if any. */
function unknownAttribute(elements: Record<string, unknown>): string | undefined {
  return Object.keys(elements).find((k) => !k.startsWith('_') && !MPPS_ATTRIBUTES.has(k) && !isPrivate(k));
}

/** The case a step performs: its scheduled step's accession number, else a study the case holds; in the township. */
async function linkedCase(ctx: AppContext, device: Device, elements: Record<string, unknown>): Promise<string | null> {
  const steps = Array.isArray(elements.ScheduledStepAttributesSequence)
    ? (elements.ScheduledStepAttributesSequence as Record<string, unknown>[])
    : [];
  const township = { originOrgId: device.organizationId };
  for (const step of steps) {
    const accessionNumber = textOf(step.AccessionNumber);
    if (!accessionNumber) continue;
    const kase = await ctx.db.case.findFirst({ where: { ...township, accessionNumber }, select: { id: true } });
    if (kase) return kase.id;
  }
  for (const step of steps) {
    const studyInstanceUid = textOf(step.StudyInstanceUID);
    if (!studyInstanceUid) continue;
    const study = await ctx.db.study.findFirst({ where: { studyInstanceUid, case: township }, select: { caseId: true } });
    if (study) return study.caseId;
  }
  return null;
}

/** N-CREATE: a new step, IN PROGRESS, under the SOP Instance UID the device chose. */
export async function createPerformedStep(
  ctx: AppContext,
  device: Device,
  sopInstanceUid: string | undefined,
  elements: Record<string, unknown>,
  ip: string | undefined,
): Promise<MppsOutcome> {
  if (!sopInstanceUid) return { status: MPPS_STATUS.missingAttribute, comment: 'the SOP Instance UID is required' };
  const unknown = unknownAttribute(elements);
  if (unknown) return { status: MPPS_STATUS.noSuchAttribute, comment: `${unknown} is not an MPPS attribute` };
  const status = textOf(elements.PerformedProcedureStepStatus);
  if (!status) return { status: MPPS_STATUS.missingAttribute, comment: 'PerformedProcedureStepStatus is required' };
  if (status !== 'IN PROGRESS') return { status: MPPS_STATUS.invalidAttributeValue, comment: 'a new step must be IN PROGRESS' };
  if (await ctx.db.performedProcedureStep.findUnique({ where: { sopInstanceUid } }))
    return { status: MPPS_STATUS.duplicateInstance, comment: 'this step exists already' };
  const caseId = await linkedCase(ctx, device, elements);
  const created = await ctx.db
    .$transaction(async (tx) => {
      const step = await tx.performedProcedureStep.create({ data: { sopInstanceUid, deviceId: device.id, caseId, status } });
      await recordAudit(tx, {
        actorId: device.userId,
        action: 'dicom.mpps_create',
        entityType: 'PerformedProcedureStep',
        entityId: step.id,
        ip,
        details: { sopInstanceUid, aeTitle: device.aeTitle, caseId, status },
      });
    })
    .then(() => true)
    // the same UID on two associations at once: the one that loses the race is a duplicate too
    .catch((error: unknown) => (isUniqueViolation(error) ? false : Promise.reject(error)));
  if (!created) return { status: MPPS_STATUS.duplicateInstance, comment: 'this step exists already' };
  return { status: MPPS_STATUS.success };
}

/** N-SET: the step moves on (or only its attributes change while IN PROGRESS); final steps no longer change. */
export async function updatePerformedStep(
  ctx: AppContext,
  device: Device,
  sopInstanceUid: string,
  elements: Record<string, unknown>,
  ip: string | undefined,
): Promise<MppsOutcome> {
  // another township's step is as unknown to this device as one that does not exist
  const step = await ctx.db.performedProcedureStep.findFirst({
    where: { sopInstanceUid, device: { organizationId: device.organizationId } },
  });
  if (!step) return { status: MPPS_STATUS.noSuchInstance, comment: 'no such performed procedure step' };
  const unknown = unknownAttribute(elements);
  if (unknown) return { status: MPPS_STATUS.noSuchAttribute, comment: `${unknown} is not an MPPS attribute` };
  const next = textOf(elements.PerformedProcedureStepStatus) || step.status;
  if (!['IN PROGRESS', ...FINAL].includes(next))
    return { status: MPPS_STATUS.invalidAttributeValue, comment: `${next.slice(0, 20)} is not a step status` };
  const stale = {
    status: MPPS_STATUS.processingFailure,
    comment: `the step is ${step.status} and may no longer be updated`,
    errorId: NO_LONGER_UPDATABLE,
  };
  if (FINAL.includes(step.status)) return stale;
  const moved = await ctx.db.$transaction(async (tx) => {
    const { count } = await tx.performedProcedureStep.updateMany({ where: { id: step.id, status: 'IN PROGRESS' }, data: { status: next } });
    if (count !== 1) return false; // a concurrent N-SET finished it first
    await recordAudit(tx, {
      actorId: device.userId,
      action: 'dicom.mpps_set',
      entityType: 'PerformedProcedureStep',
      entityId: step.id,
      ip,
      details: { sopInstanceUid, aeTitle: device.aeTitle, caseId: step.caseId, from: step.status, to: next },
    });
    if (next === 'COMPLETED' && step.caseId) await markImagesComplete(tx, device, step.caseId, sopInstanceUid, ip);
    return true;
  });
  if (!moved) return stale;
  if (next === 'COMPLETED' && step.caseId) {
    ctx.notify.caseChanged(step.caseId, 'imagesComplete');
    await autoSubmit(ctx, device, step.caseId, ip);
  }
  return { status: MPPS_STATUS.success };
}

async function markImagesComplete(tx: Tx, device: Device, caseId: string, sopInstanceUid: string, ip: string | undefined) {
  const { count } = await tx.case.updateMany({ where: { id: caseId, imagesCompleteAt: null }, data: { imagesCompleteAt: new Date() } });
  if (count === 1)
    await recordAudit(tx, {
      actorId: device.userId,
      action: 'case.images_complete',
      entityType: 'Case',
      entityId: caseId,
      ip,
      details: { aeTitle: device.aeTitle, mpps: sopInstanceUid },
    });
}

/** The township's choice: a completed step also submits its case, as the technician's button would. */
async function autoSubmit(ctx: AppContext, device: Device, caseId: string, ip: string | undefined) {
  const township = await ctx.db.organization.findUnique({ where: { id: device.organizationId }, select: { mppsAutoSubmit: true } });
  if (!township?.mppsAutoSubmit) return;
  try {
    await transitionCase(ctx, {
      caseId,
      event: 'submit',
      actor: deviceActor(device),
      scope: { originOrgId: device.organizationId },
      ip,
      prepare: (tx, current) => prepareSubmission(tx, current.id),
      details: { by: 'mpps', aeTitle: device.aeTitle },
    });
  } catch (error) {
    // the step itself is recorded; a case that cannot go yet (no files, already sent) waits for the technician
    if (!(error instanceof HttpError)) throw error;
    await recordAudit(ctx.db, {
      actorId: device.userId,
      action: 'case.auto_submit_refused',
      entityType: 'Case',
      entityId: caseId,
      ip,
      details: { aeTitle: device.aeTitle, code: error.code, reason: error.message },
    });
  }
}
