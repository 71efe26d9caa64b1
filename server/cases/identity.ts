// Patient identity safety: do a case's DICOM files belong to the patient the township registered?
//
// Every instance keeps the patient its own header names (name, patient ID, sex, birth date). The files are grouped
// by that patient, and each group is compared with the registered patient (name: see dicom/person-name.ts; ID:
// the resident ID number or the record id the worklist handed out; sex and birth date) and with the case's other
// groups (two DICOM patients in one exam). A contradiction is a MISMATCH of every file of the group, which blocks
// submission (IDENTITY_MISMATCH) until the technician removes those files or confirms them as the same person,
// with a reason (one audited act). The verdict is computed from the stored facts whenever it is needed, so
// removing a foreign file also clears the "other patient" mark of the rest, and a file arriving after a
// confirmation is judged anew.
import type { CaseIdentityDto, DicomPatientIdentity, IdentityIssue, IdentityState } from '../../shared/api.ts';
import { parseNationalId } from '../../shared/national-id.ts';
import type { Actor } from '../auth/actor.ts';
import { recordAudit } from '../audit/audit.ts';
import type { Db, Prisma, Tx } from '../db/client.ts';
import { compareTypedName, displayPersonName, personNamesDiffer } from '../dicom/person-name.ts';
import { HttpError } from '../http/errors.ts';
import { lockOpenCase } from './open-case.ts';

export interface RegisteredPatient {
  /** the record's id: the worklist hands it out as Patient ID when there is no resident ID number */
  id: string;
  name: string;
  sex: string;
  birthDate: string | null;
  nationalId: string | null;
}

export interface DicomPatient {
  name: string | null;
  id: string | null;
  sex: string | null;
  birthDate: string | null;
}

/** The columns of an instance the check reads. */
export const IDENTITY_SELECT = {
  id: true,
  dicomPatientName: true,
  dicomPatientId: true,
  dicomPatientSex: true,
  dicomBirthDate: true,
  identityConfirmedAt: true,
  identityConfirmedById: true,
  identityConfirmReason: true,
} as const satisfies Prisma.InstanceSelect;
export type IdentityRow = Prisma.InstanceGetPayload<{ select: typeof IDENTITY_SELECT }>;

const normaliseId = (id: string | null | undefined) => id?.trim().toUpperCase() || null;
const knownSex = (sex: string | null | undefined) => (sex === 'M' || sex === 'F' ? sex : null);

/** The registered patient against one DICOM patient: the contradictions, and a name that cannot be compared. */
export function compareWithRegistered(patient: RegisteredPatient, dicom: DicomPatient): IdentityIssue[] {
  const issues: IdentityIssue[] = [];
  if (dicom.name) {
    const verdict = compareTypedName(patient.name, dicom.name);
    if (verdict !== 'match') {
      issues.push({
        field: 'name',
        kind: verdict === 'mismatch' ? 'MISMATCH' : 'UNCOMPARABLE',
        caseValue: patient.name,
        dicomValue: displayPersonName(dicom.name),
      });
    }
  }
  const dicomId = normaliseId(dicom.id);
  const nationalId = normaliseId(patient.nationalId);
  // a device's own patient numbers say nothing either way; a resident ID number other than the registered one does
  if (dicomId && nationalId && dicomId !== nationalId && dicomId !== normaliseId(patient.id) && parseNationalId(dicomId)) {
    issues.push({ field: 'patientId', kind: 'MISMATCH', caseValue: nationalId, dicomValue: dicomId });
  }
  if (dicom.birthDate && patient.birthDate && dicom.birthDate !== patient.birthDate) {
    issues.push({ field: 'birthDate', kind: 'MISMATCH', caseValue: patient.birthDate, dicomValue: dicom.birthDate });
  }
  const sex = knownSex(dicom.sex);
  if (sex && knownSex(patient.sex) && sex !== patient.sex) {
    issues.push({ field: 'sex', kind: 'MISMATCH', caseValue: patient.sex, dicomValue: sex });
  }
  return issues;
}

/** Whether two DICOM patients are known to be different people: a field both state, stated differently. */
export function dicomPatientsDiffer(a: DicomPatient, b: DicomPatient): boolean {
  const idA = normaliseId(a.id);
  const idB = normaliseId(b.id);
  if (idA && idB && idA !== idB) return true;
  if (a.name && b.name && personNamesDiffer(a.name, b.name)) return true;
  if (a.birthDate && b.birthDate && a.birthDate !== b.birthDate) return true;
  const sexA = knownSex(a.sex);
  const sexB = knownSex(b.sex);
  return !!sexA && !!sexB && sexA !== sexB;
}

/** How a DICOM patient is named in another group's "other patient" issue. */
const describe = (p: DicomPatient) => [p.name && displayPersonName(p.name), p.id, p.birthDate].filter(Boolean).join(' · ') || '?';

interface Group {
  patient: DicomPatient;
  rows: IdentityRow[];
  issues: IdentityIssue[];
}

function groupByDicomPatient(rows: readonly IdentityRow[]): Group[] {
  const groups = new Map<string, Group>();
  for (const row of rows) {
    const patient = { name: row.dicomPatientName, id: row.dicomPatientId, sex: row.dicomPatientSex, birthDate: row.dicomBirthDate };
    const key = JSON.stringify([patient.name, normaliseId(patient.id), knownSex(patient.sex), patient.birthDate]);
    const group = groups.get(key) ?? { patient, rows: [], issues: [] };
    group.rows.push(row);
    groups.set(key, group);
  }
  return [...groups.values()];
}

const blocking = (issues: readonly IdentityIssue[]) => issues.some((i) => i.kind === 'MISMATCH');
const STATE_ORDER: IdentityState[] = ['MATCH', 'UNCOMPARABLE', 'CONFIRMED', 'MISMATCH'];
const worst = (states: Iterable<IdentityState>) =>
  [...states].reduce<IdentityState>((a, b) => (STATE_ORDER.indexOf(b) > STATE_ORDER.indexOf(a) ? b : a), 'MATCH');

export interface IdentityAssessment {
  /** each instance's verdict, by instance id */
  byInstance: Map<string, IdentityState>;
  /** what contradicts (or cannot be compared with) the registered patient and the case's other files, by instance id */
  issuesByInstance: Map<string, IdentityIssue[]>;
  /** the case's DICOM patients, without the confirmers' names (see toCaseIdentityDto) */
  patients: (Omit<DicomPatientIdentity, 'confirmation'> & { confirmation: { at: Date; byId: string | null; reason: string } | null })[];
  state: IdentityState;
}

/** The verdict on every instance of a case, from the stored facts. */
export function assessIdentity(patient: RegisteredPatient, rows: readonly IdentityRow[]): IdentityAssessment {
  const groups = groupByDicomPatient(rows);
  for (const group of groups) {
    group.issues = compareWithRegistered(patient, group.patient);
    for (const other of groups) {
      if (other !== group && dicomPatientsDiffer(group.patient, other.patient)) {
        group.issues.push({
          field: 'otherPatient',
          kind: 'MISMATCH',
          caseValue: describe(other.patient),
          dicomValue: describe(group.patient),
        });
      }
    }
  }
  const byInstance = new Map<string, IdentityState>();
  const issuesByInstance = new Map<string, IdentityIssue[]>();
  const patients = groups.map((group) => {
    const states = group.rows.map((row): IdentityState => {
      if (blocking(group.issues)) return row.identityConfirmedAt ? 'CONFIRMED' : 'MISMATCH';
      return group.issues.length > 0 ? 'UNCOMPARABLE' : 'MATCH';
    });
    group.rows.forEach((row, i) => {
      byInstance.set(row.id, states[i]!);
      issuesByInstance.set(row.id, group.issues);
    });
    const confirmed = group.rows
      .filter((r) => r.identityConfirmedAt)
      .sort((a, b) => b.identityConfirmedAt!.getTime() - a.identityConfirmedAt!.getTime())[0];
    return {
      ...group.patient,
      instanceCount: group.rows.length,
      state: worst(states),
      issues: group.issues,
      confirmation: confirmed
        ? { at: confirmed.identityConfirmedAt!, byId: confirmed.identityConfirmedById, reason: confirmed.identityConfirmReason ?? '' }
        : null,
    };
  });
  return { byInstance, issuesByInstance, patients, state: worst(byInstance.values()) };
}

/** The assessment as the case page shows it, the confirmers named. */
export async function toCaseIdentityDto(db: Db, assessment: IdentityAssessment): Promise<CaseIdentityDto> {
  const confirmerIds = [...new Set(assessment.patients.map((p) => p.confirmation?.byId).filter((id): id is string => !!id))];
  const confirmers = confirmerIds.length
    ? new Map(
        (await db.user.findMany({ where: { id: { in: confirmerIds } }, select: { id: true, displayName: true } })).map((u) => [u.id, u]),
      )
    : new Map<string, { id: string; displayName: string }>();
  return {
    state: assessment.state,
    patients: assessment.patients.map(({ confirmation, ...p }) => ({
      ...p,
      confirmation: confirmation
        ? {
            at: confirmation.at.toISOString(),
            by: (confirmation.byId && confirmers.get(confirmation.byId)) || null,
            reason: confirmation.reason,
          }
        : null,
    })),
  };
}

async function assessCase(tx: Tx | Db, caseId: string): Promise<IdentityAssessment> {
  const kase = await tx.case.findUniqueOrThrow({
    where: { id: caseId },
    select: {
      patient: { select: { id: true, name: true, sex: true, birthDate: true, nationalId: true } },
      instances: { select: IDENTITY_SELECT },
    },
  });
  return assessIdentity(kase.patient, kase.instances);
}

/** Submission's precondition: no file of another patient unless confirmed (409 IDENTITY_MISMATCH). */
export async function assertIdentityResolved(tx: Tx, caseId: string): Promise<void> {
  const assessment = await assessCase(tx, caseId);
  const open = [...assessment.byInstance.values()].filter((s) => s === 'MISMATCH').length;
  if (open > 0) {
    throw new HttpError(
      409,
      'IDENTITY_MISMATCH',
      `${open} file(s) name another patient than the registered one: remove them, or confirm they are the same person`,
    );
  }
}

/**
 * The technician confirms that the mismatching files are the registered patient's ("same person"), with a reason:
 * every file MISMATCH now is marked confirmed, in one transaction with one audit event naming them and why.
 */
export async function confirmIdentity(
  db: Db,
  actor: Actor,
  caseId: string,
  writeScope: Prisma.CaseWhereInput,
  reason: string,
  ip?: string,
): Promise<void> {
  await db.$transaction(async (tx) => {
    await lockOpenCase(tx, caseId, writeScope);
    const assessment = await assessCase(tx, caseId);
    const ids = [...assessment.byInstance].filter(([, state]) => state === 'MISMATCH').map(([id]) => id);
    if (ids.length === 0) throw new HttpError(409, 'NO_IDENTITY_MISMATCH', 'no file of this case waits for an identity confirmation');
    const at = new Date();
    await tx.instance.updateMany({
      where: { id: { in: ids }, caseId, identityConfirmedAt: null },
      data: { identityConfirmedAt: at, identityConfirmedById: actor.id, identityConfirmReason: reason },
    });
    await recordAudit(tx, {
      actorId: actor.id,
      action: 'case.identity_confirmed',
      entityType: 'Case',
      entityId: caseId,
      ip,
      details: {
        reason,
        instances: ids.length,
        patients: assessment.patients
          .filter((p) => p.state === 'MISMATCH')
          .map((p) => ({ name: p.name, id: p.id, birthDate: p.birthDate, sex: p.sex, issues: p.issues.map((i) => i.field) })),
      },
    });
  });
}
