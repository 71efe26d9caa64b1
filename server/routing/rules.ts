// Choosing the rule that routes a case: a pure function, so the policy is easy to read and to test.
// A rule's empty fields match anything. Among the active rules that match, the most specific wins:
// a township override outranks an exam-kind rule, which outranks a modality-only rule; a rule with no
// conditions at all is the consortium's fallback. Equal specificity: the older rule wins.

export interface RuleFacts {
  id: string;
  examKind: string | null;
  modality: string | null;
  originOrgId: string | null;
  active: boolean;
  createdAt: Date;
}

export interface CaseFacts {
  examKind: string;
  originOrgId: string;
  /** modalities of the case's series */
  modalities: string[];
}

export function matches(rule: RuleFacts, kase: CaseFacts): boolean {
  return (
    rule.active &&
    (rule.examKind === null || rule.examKind === kase.examKind) &&
    (rule.originOrgId === null || rule.originOrgId === kase.originOrgId) &&
    (rule.modality === null || kase.modalities.includes(rule.modality))
  );
}

export function specificity(rule: RuleFacts): number {
  return (rule.originOrgId ? 4 : 0) + (rule.examKind ? 2 : 0) + (rule.modality ? 1 : 0);
}

export function pickRule<R extends RuleFacts>(rules: readonly R[], kase: CaseFacts): R | null {
  let best: R | null = null;
  for (const rule of rules) {
    if (!matches(rule, kase)) continue;
    if (!best || specificity(rule) > specificity(best) || (specificity(rule) === specificity(best) && rule.createdAt < best.createdAt)) {
      best = rule;
    }
  }
  return best;
}
