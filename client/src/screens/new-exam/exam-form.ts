// The new-exam form as plain strings, and its translation into a CreateCaseRequest checked by the very schema
// the server applies, so the form cannot accept what the server would refuse.
import type { CreateCaseRequest } from '../../../../shared/api.ts';
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
};

/** Blank optional inputs mean "not given", not an empty value the schema would refuse. */
const given = (value: string) => (value.trim() === '' ? undefined : value);

function toRequest(f: ExamForm) {
  return {
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
  };
}

export function validateForm(form: ExamForm): { request: CreateCaseRequest; errors?: undefined } | { errors: FieldErrors } {
  const result = createCaseRequestSchema.safeParse(toRequest(form));
  if (result.success) return { request: result.data };
  const errors: FieldErrors = {};
  // issue paths are patient.<field> or <field>; the last segment is the form field of the same name
  for (const issue of result.error.issues) {
    const field = issue.path.at(-1);
    if (typeof field === 'string' && field in form) errors[field as FieldName] = true;
  }
  return { errors };
}
