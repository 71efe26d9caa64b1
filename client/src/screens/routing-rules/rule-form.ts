// The routing-rule editor's state and its checks, kept apart from the JSX. The server checks the same things
// (server/routing/service.ts); checking here first lets the error name the field in the user's language.
import type { ConsortiumDto, RoutingRuleDto, RoutingRuleInput } from '../../../../shared/api.ts';
import { EXAM_KIND_RULES, EXAM_KINDS, type ExamKind } from '../../../../shared/domain.ts';

/** Empty strings stand for "any" in the selects; they become null in the request. */
export interface RuleForm {
  examKind: ExamKind | '';
  modality: string;
  originOrgId: string;
  centreId: string;
  active: boolean;
  note: string;
}

export const EMPTY_RULE: RuleForm = { examKind: '', modality: '', originOrgId: '', centreId: '', active: true, note: '' };

export const NOTE_MAX = 200;

export function formOf(rule: RoutingRuleDto): RuleForm {
  return {
    examKind: rule.examKind ?? '',
    modality: rule.modality ?? '',
    originOrgId: rule.originOrg?.id ?? '',
    centreId: rule.centre.id,
    active: rule.active,
    note: rule.note ?? '',
  };
}

export function inputOf(form: RuleForm): RoutingRuleInput {
  return {
    examKind: form.examKind || null,
    modality: form.modality || null,
    originOrgId: form.originOrgId || null,
    centreId: form.centreId,
    active: form.active,
    note: form.note.trim() || null,
  };
}

/** The PUT replaces the whole rule: switching it on or off must restate everything else as it is. */
export const withActive = (rule: RoutingRuleDto, active: boolean): RoutingRuleInput => ({ ...inputOf(formOf(rule)), active });

/**
 * The DICOM modalities a rule may name: those of the chosen exam kind, or of every kind. The rule's current
 * value stays offered even if unusual, so that editing a rule never silently changes it.
 */
export function modalityChoices(examKind: ExamKind | '', current: string): string[] {
  const kinds = examKind ? [examKind] : EXAM_KINDS;
  const all = kinds.flatMap((k) => {
    const allowed = EXAM_KIND_RULES[k].modalities;
    return allowed === 'any' ? [] : allowed;
  });
  return [...new Set([...all, ...(current ? [current] : [])])];
}

export type RuleProblem =
  { field: 'centreId'; kind: 'required' } | { field: 'centreId'; kind: 'doesNotRead'; centre: string } | { field: 'note'; kind: 'tooLong' };

export function checkRule(form: RuleForm, consortium: ConsortiumDto): RuleProblem | null {
  const centre = consortium.centres.find((c) => c.id === form.centreId);
  if (!centre) return { field: 'centreId', kind: 'required' };
  if (form.examKind && !centre.examKinds.includes(form.examKind)) return { field: 'centreId', kind: 'doesNotRead', centre: centre.name };
  if (form.note.trim().length > NOTE_MAX) return { field: 'note', kind: 'tooLong' };
  return null;
}
