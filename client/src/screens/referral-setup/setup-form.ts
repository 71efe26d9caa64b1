// The referral setup's forms and their checks, kept apart from the JSX. The server checks the same things
// (server/referrals/rules.ts, shared/referrals.ts); checking here first names the field in the user's language.
import type { ExamKind } from '../../../../shared/domain.ts';
import type {
  DepartmentDto,
  DepartmentInput,
  ReferralDirection,
  ReferralRuleDto,
  ReferralRuleInput,
} from '../../../../shared/referrals.ts';

export const DEPARTMENT_CODE = /^[A-Z][A-Z0-9-]{1,31}$/;
export const NAME_MAX = 64;
export const NOTE_MAX = 200;

export interface DepartmentForm {
  code: string;
  name: string;
  active: boolean;
  coordinatorIds: string[];
}

export const EMPTY_DEPARTMENT: DepartmentForm = { code: '', name: '', active: true, coordinatorIds: [] };

export const departmentFormOf = (d: DepartmentDto): DepartmentForm => ({
  code: d.code,
  name: d.name,
  active: d.active,
  coordinatorIds: d.coordinators.map((c) => c.id),
});

export const departmentInputOf = (f: DepartmentForm): DepartmentInput => ({
  code: f.code.trim().toUpperCase(),
  name: f.name.trim(),
  active: f.active,
  coordinatorIds: f.coordinatorIds,
});

export type DepartmentProblem = 'code' | 'name' | null;

export function checkDepartment(f: DepartmentForm): DepartmentProblem {
  if (!DEPARTMENT_CODE.test(f.code.trim().toUpperCase())) return 'code';
  const name = f.name.trim();
  if (!name || name.length > NAME_MAX) return 'name';
  return null;
}

/** Empty strings stand for "all townships" and "any exam kind" in the selects; they become null in the request. */
export interface RuleForm {
  departmentId: string;
  direction: ReferralDirection;
  townshipId: string;
  examKind: ExamKind | '';
  greenChannel: boolean;
  active: boolean;
  note: string;
}

export const EMPTY_RULE: RuleForm = {
  departmentId: '',
  direction: 'UP',
  townshipId: '',
  examKind: '',
  greenChannel: false,
  active: true,
  note: '',
};

export const ruleFormOf = (r: ReferralRuleDto): RuleForm => ({
  departmentId: r.department.id,
  direction: r.direction,
  townshipId: r.township?.id ?? '',
  examKind: r.examKind ?? '',
  greenChannel: r.greenChannel,
  active: r.active,
  note: r.note ?? '',
});

export const ruleInputOf = (f: RuleForm): ReferralRuleInput => ({
  departmentId: f.departmentId,
  direction: f.direction,
  townshipId: f.townshipId || null,
  // the exam kind only chooses a green-channel department
  examKind: f.greenChannel ? f.examKind || null : null,
  greenChannel: f.direction === 'UP' && f.greenChannel,
  active: f.active,
  note: f.note.trim() || null,
});

/** The PUT replaces the whole rule: switching it on or off restates everything else as it is. */
export const ruleWithActive = (r: ReferralRuleDto, active: boolean): ReferralRuleInput => ({ ...ruleInputOf(ruleFormOf(r)), active });
export const departmentWithActive = (d: DepartmentDto, active: boolean): DepartmentInput => ({
  ...departmentInputOf(departmentFormOf(d)),
  active,
});

export type RuleProblem = 'department' | 'note' | null;

export function checkRule(f: RuleForm): RuleProblem {
  if (!f.departmentId) return 'department';
  if (f.note.trim().length > NOTE_MAX) return 'note';
  return null;
}
