import { describe, expect, it } from 'vitest';
import { pickRule, type RuleFacts } from '../../server/routing/rules.ts';

let clock = 0;
const rule = (id: string, fields: Partial<RuleFacts>): RuleFacts => ({
  id,
  examKind: null,
  modality: null,
  originOrgId: null,
  active: true,
  createdAt: new Date(++clock * 1000),
  ...fields,
});

const rules = [
  rule('fallback', {}),
  rule('ecg', { examKind: 'ECG' }),
  rule('us', { examKind: 'US' }),
  rule('us-hekou', { examKind: 'US', originOrgId: 'hekou' }),
  rule('mammo', { examKind: 'DR', modality: 'MG' }),
  rule('dr', { examKind: 'DR' }),
  rule('off', { examKind: 'CT', active: false }),
];
const route = (examKind: string, originOrgId = 'chengguan', modalities: string[] = []) =>
  pickRule(rules, { examKind, originOrgId, modalities })?.id;

describe('routing rules', () => {
  it('routes by exam kind', () => {
    expect(route('ECG')).toBe('ecg');
    expect(route('US')).toBe('us');
  });
  it('lets a township override outrank the exam-kind rule', () => {
    expect(route('US', 'hekou')).toBe('us-hekou');
  });
  it('uses the modality when a rule names one', () => {
    expect(route('DR', 'chengguan', ['MG'])).toBe('mammo');
    expect(route('DR', 'chengguan', ['DX'])).toBe('dr');
  });
  it('ignores inactive rules and falls back to the rule without conditions', () => {
    expect(route('CT')).toBe('fallback');
    expect(
      pickRule(
        rules.filter((r) => r.id !== 'fallback'),
        { examKind: 'CT', originOrgId: 'x', modalities: [] },
      ),
    ).toBeNull();
  });
  it('prefers the older of two equally specific rules', () => {
    const twins = [
      rule('newer', { examKind: 'MR', createdAt: new Date(5000) }),
      rule('older', { examKind: 'MR', createdAt: new Date(1000) }),
    ];
    expect(pickRule(twins, { examKind: 'MR', originOrgId: 'x', modalities: [] })?.id).toBe('older');
  });
});
