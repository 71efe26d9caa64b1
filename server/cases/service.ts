// The case's own writes: registering a patient and an exam. (What the screens read of a case is assembled in
// case-views/, above the domains whose parts it shows.)
import type { CreateCaseRequest } from '../../shared/api.ts';
import { createCaseRequestSchema } from '../../shared/api.ts';
import type { CaseStatus } from '../../shared/case-status.ts';
import type { ExamKind, Priority, Sex } from '../../shared/domain.ts';
import type { Actor } from '../auth/actor.ts';
import { recordAudit } from '../audit/audit.ts';
import { retryOnUniqueViolation, type Db, type Tx } from '../db/client.ts';
import { conflict, forbidden, notFound } from '../http/errors.ts';
import { nextAccessionNumber } from './accession.ts';
import { townshipWriteScope } from './access.ts';

/**
 * How long a registration waits for a connection and for the day's counter (whose row lock serialises one
 * township's registrations until each commits): a morning's burst at the desk is served a little later rather than
 * refused with Prisma's 2 s default (503 BUSY), as 50 at once on a loaded server would be.
 */
const REGISTRATION_WAIT = { maxWait: 20_000, timeout: 20_000 };

/** Registers the patient (or finds them by resident ID number) and a DRAFT case; returns the case's id. */
export async function createCase(ctx: { db: Db }, actor: Actor, body: CreateCaseRequest, ip?: string): Promise<string> {
  const { db } = ctx;
  if (!townshipWriteScope(actor)) throw forbidden('only township staff register exams');
  const input = createCaseRequestSchema.parse(body);
  // two registrations of one new resident ID number at once: the one that loses the race finds the patient again
  const caseId = await retryOnUniqueViolation(() =>
    db.$transaction(async (tx) => {
      const patientId = input.patientId
        ? await foundPatient(tx, actor, input.patientId, input.patient)
        : await resolvePatient(tx, actor, input.patient);
      const accessionNumber = await nextAccessionNumber(tx, actor.organizationId);
      const created = await tx.case.create({
        data: {
          accessionNumber,
          patientId,
          originOrgId: actor.organizationId,
          createdById: actor.id,
          examKind: input.examKind,
          bodyPart: input.bodyPart || null,
          clinicalQuestion: input.clinicalQuestion || null,
          visitKind: input.visitKind ?? null,
          visitNumber: input.visitNumber || null,
          requestingDepartment: input.requestingDepartment || null,
          requestingDoctor: input.requestingDoctor || null,
          clinicalHistory: input.clinicalHistory || null,
          laterality: input.laterality ?? null,
          priority: input.priority,
          status: 'DRAFT' satisfies CaseStatus,
        },
      });
      await recordAudit(tx, {
        actorId: actor.id,
        action: 'case.create',
        entityType: 'Case',
        entityId: created.id,
        ip,
        details: { examKind: input.examKind, priority: input.priority, patientId, accessionNumber },
      });
      return created.id;
    }, REGISTRATION_WAIT),
  );
  return caseId;
}

type PatientFields = ReturnType<typeof createCaseRequestSchema.parse>['patient'];

/**
 * The record the form was filled from (GET /api/patients): the township's own only (another's is not found, as a
 * missing one), and still the person whose name the form shows. Gaps it had are filled, as below.
 */
async function foundPatient(tx: Tx, actor: Actor, patientId: string, p: PatientFields): Promise<string> {
  const existing = await tx.patient.findFirst({ where: { id: patientId, organizationId: actor.organizationId } });
  if (!existing) throw notFound('patient');
  if (existing.name !== p.name) throw conflict('PATIENT_MISMATCH', 'the chosen patient has another name than the form');
  await fillGaps(tx, existing, p);
  return existing.id;
}

/** A later exam brings the phone number up to date and adds a birth date the record lacked. */
async function fillGaps(tx: Tx, existing: { id: string; phone: string | null; birthDate: string | null }, p: PatientFields) {
  await tx.patient.update({
    where: { id: existing.id },
    data: { phone: p.phone ?? existing.phone, birthDate: existing.birthDate ?? p.birthDate ?? null },
  });
}

/**
 * The township's own record of the patient: one per resident ID number within the organization. A later exam of
 * the same number reuses it (filling gaps), but a different name is refused: a typo in the number or another
 * person, not something to merge silently. Other townships' records are neither read nor written here, so the
 * answer is the same whether or not the number is registered elsewhere, and what one township typed is never
 * changed by another (priors.ts links the records across townships for the reading centre).
 */
async function resolvePatient(tx: Tx, actor: Actor, p: PatientFields): Promise<string> {
  if (p.nationalId) {
    const existing = await tx.patient.findUnique({
      where: { organizationId_nationalId: { organizationId: actor.organizationId, nationalId: p.nationalId } },
    });
    if (existing) {
      if (existing.name !== p.name) {
        throw conflict('PATIENT_ID_CONFLICT', 'your organization registered this ID number to a patient with a different name');
      }
      await fillGaps(tx, existing, p);
      return existing.id;
    }
  }
  const created = await tx.patient.create({
    data: {
      name: p.name,
      sex: p.sex,
      birthDate: p.birthDate ?? null,
      nationalId: p.nationalId ?? null,
      phone: p.phone ?? null,
      organizationId: actor.organizationId,
    },
  });
  return created.id;
}

/** Who sent images that open a case: a township's user, and the device they came from if by DICOM C-STORE. */
export interface Arrival {
  organizationId: string;
  userId: string;
  device: { id: string; aeTitle: string } | null;
}

/** What the first image of an arrived exam says about it (decoded from its DICOM header). */
export interface ArrivedCaseInput {
  examKind: ExamKind;
  bodyPart: string | null;
  patient: { name: string; sex: Sex; birthDate: string | null; dicomPatientId: string | null };
}

/**
 * A DRAFT case opened by images that arrived without a known accession number or study: from a registered device
 * (DICOM C-STORE, authored by its service account and marked with it) or over DICOMweb (STOW-RS, authored by the
 * township user or token that stored them), in the sender's township, for the technician to check and submit. The
 * patient is the township's existing record only when the DICOM patient ID (as the record's resident ID number or as
 * the patient ID of one of its earlier studies) comes with the same name and birth date; anything less is a new
 * record, never a guess.
 */
export async function createArrivedCase(ctx: { db: Db }, arrival: Arrival, input: ArrivedCaseInput, ip?: string): Promise<string> {
  const device = arrival.device;
  return ctx.db.$transaction(async (tx) => {
    const p = input.patient;
    const match =
      p.dicomPatientId && p.birthDate
        ? await tx.patient.findFirst({
            where: {
              organizationId: arrival.organizationId,
              name: p.name,
              birthDate: p.birthDate,
              OR: [{ nationalId: p.dicomPatientId }, { cases: { some: { studies: { some: { dicomPatientId: p.dicomPatientId } } } } }],
            },
            orderBy: { createdAt: 'asc' },
          })
        : null;
    const patientId =
      match?.id ??
      (
        await tx.patient.create({
          data: { name: p.name, sex: p.sex, birthDate: p.birthDate, organizationId: arrival.organizationId },
        })
      ).id;
    const accessionNumber = await nextAccessionNumber(tx, arrival.organizationId);
    const created = await tx.case.create({
      data: {
        accessionNumber,
        patientId,
        originOrgId: arrival.organizationId,
        createdById: arrival.userId,
        deviceId: device?.id ?? null,
        arrivedVia: device ? 'DIMSE' : 'DICOMWEB',
        examKind: input.examKind,
        bodyPart: input.bodyPart,
        priority: 'ROUTINE' satisfies Priority,
        status: 'DRAFT' satisfies CaseStatus,
      },
    });
    await recordAudit(tx, {
      actorId: arrival.userId,
      action: 'case.create',
      entityType: 'Case',
      entityId: created.id,
      ip,
      details: {
        examKind: input.examKind,
        priority: 'ROUTINE',
        patientId,
        accessionNumber,
        ...(device ? { device: device.aeTitle } : { via: 'DICOMWEB' }),
        patientMatched: !!match,
      },
    });
    return created.id;
  });
}
