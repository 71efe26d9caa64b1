// The printed report's age: years, months under a year, days under a month, on the exam's date.
import { describe, expect, it } from 'vitest';
import { ageOf } from '../../client/src/i18n/format.ts';
import { chineseAge } from '../../shared/patient-age.ts';

describe('chineseAge', () => {
  it.each([
    ['1980-06-15', '2026-06-14', '45岁'],
    ['1980-06-15', '2026-06-15', '46岁'],
    ['2025-12-03', '2026-12-02', '11月'],
    ['2025-12-03', '2026-12-03', '1岁'],
    ['2026-04-10', '2026-12-09', '7月'],
    ['2026-04-10', '2026-12-10', '8月'],
    ['2026-11-21', '2026-12-03', '12天'],
    ['2026-12-03', '2026-12-03', '0天'],
    // a birthday on the 31st comes round at the end of a shorter month; 29 February on 28 February
    ['2026-01-31', '2026-02-28', '1月'],
    ['2026-01-31', '2026-02-27', '27天'],
    ['2024-02-29', '2025-02-28', '1岁'],
    ['2024-02-29', '2025-02-27', '11月'],
  ])('born %s, examined %s: %s', (birth, exam, age) => {
    expect(chineseAge(birth, exam)).toBe(age);
  });

  it('says nothing without a birth date, or for a birth after the exam', () => {
    expect(chineseAge(null, '2026-12-03')).toBeNull();
    expect(chineseAge('2026-12-04', '2026-12-03')).toBeNull();
    expect(chineseAge('bogus', '2026-12-03')).toBeNull();
  });
});

describe('ageOf (the screens: today in the browser)', () => {
  it('counts on the local calendar day', () => {
    expect(ageOf('2026-11-21', new Date(2026, 11, 3, 23, 30))).toEqual({ unit: 'days', count: 12 });
    expect(ageOf('1980-06-15', new Date(2026, 5, 15, 0, 5))).toEqual({ unit: 'years', count: 46 });
  });
});
