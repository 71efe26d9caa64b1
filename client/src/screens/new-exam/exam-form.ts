// The new-exam form as plain strings, and its translation into a CreateCaseRequest checked by the very schema
// the server applies, so the form cannot accept what the server would refuse.
import type { CreateCaseRequest, Laterality, PatientMatchDto, VisitKind } from '../../../../shared/api.ts';
import { createCaseRequestSchema } from '../../../../shared/api.ts';
import type { ExamKind, Priority, Sex } from '../../../../shared/domain.ts';

export interface ExamForm {
  name: string;
  nationalId: string;
  sex: Sex | '';
  birthDate: string;
  phone: string;
  examKind: ExamKind | '';
  bodyPart: string;
  clinicalQuestion: string;
  priority: Priority;
  // the requisition (检查申请单)
  visitKind: VisitKind | '';
  visitNumber: string;
  requestingDepartment: string;
  requestingDoctor: string;
  clinicalHistory: string;
  laterality: Laterality | '';
}
export type FieldName = keyof ExamForm;
export type FieldErrors = Partial<Record<FieldName, true>>;

export const EMPTY_FORM: ExamForm = {
  name: '',
  nationalId: '',
  sex: '',
  birthDate: '',
  phone: '',
  examKind: '',
  bodyPart: '',
  clinicalQuestion: '',
  priority: 'ROUTINE',
  visitKind: '',
  visitNumber: '',
  requestingDepartment: '',
  requestingDoctor: '',
  clinicalHistory: '',
  laterality: '',
};

/** The patient fields, as a found record fills them (and clears them again when the choice is undone). */
export function patientFields(p: PatientMatchDto | null): Pick<ExamForm, 'name' | 'nationalId' | 'sex' | 'birthDate' | 'phone'> {
  return {
    name: p?.name ?? '',
    nationalId: p?.nationalId ?? '',
    sex: p?.sex ?? '',
    birthDate: p?.birthDate ?? '',
    phone: p?.phone ?? '',
  };
}

/** Blank optional inputs mean "not given", not an empty value the schema would refuse. */
const given = (value: string) => (value.trim() === '' ? undefined : value);

function toRequest(f: ExamForm, patientId: string | undefined) {
  return {
    patientId,
    patient: {
      name: f.name,
      nationalId: given(f.nationalId),
      sex: given(f.sex),
      birthDate: given(f.birthDate),
      phone: given(f.phone),
    },
    examKind: f.examKind,
    bodyPart: given(f.bodyPart),
    clinicalQuestion: given(f.clinicalQuestion),
    priority: f.priority,
    visitKind: given(f.visitKind),
    visitNumber: given(f.visitNumber),
    requestingDepartment: given(f.requestingDepartment),
    requestingDoctor: given(f.requestingDoctor),
    clinicalHistory: given(f.clinicalHistory),
    // an ECG has no side: a side chosen before the kind changed to ECG is dropped rather than refused
    laterality: f.examKind === 'ECG' ? undefined : given(f.laterality),
  };
}

/** `patientId`: the township's record the patient fields were filled from (GET /api/patients), if any. */
export function validateForm(
  form: ExamForm,
  patientId?: string,
): { request: CreateCaseRequest; errors?: undefined } | { errors: FieldErrors } {
  const result = createCaseRequestSchema.safeParse(toRequest(form, patientId));
  if (result.success) return { request: result.data };
  const errors: FieldErrors = {};
  // issue paths are patient.<field> or <field>; the last segment is the form field of the same name
  for (const issue of result.error.issues) {
    const field = issue.path.at(-1);
    if (typeof field === 'string' && field in form) errors[field as FieldName] = true;
  }
  return { errors };
}
