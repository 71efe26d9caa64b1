import { describe, expect, it } from 'vitest';
import { createCaseRequestSchema } from '../../shared/api.ts';
import { checkCharacter, isPastCalendarDate, makeNationalId, parseNationalId } from '../../shared/national-id.ts';

describe('resident ID number (GB 11643)', () => {
  it('accepts a valid number and reads birth date and sex from it', () => {
    expect(parseNationalId('11010519491231002X')).toEqual({ birthDate: '1949-12-31', sex: 'F' });
    expect(parseNationalId('110101199003074514')).toEqual({ birthDate: '1990-03-07', sex: 'M' });
  });

  it('refuses a wrong check character, a wrong length and an impossible date', () => {
    expect(parseNationalId('110105194912310021')).toBeNull();
    expect(parseNationalId('11010519491231002')).toBeNull();
    const feb30 = '110105' + '19900230' + '123';
    expect(parseNationalId(feb30 + checkCharacter(feb30))).toBeNull();
  });

  it('refuses a number whose birth date is still to come', () => {
    const nextYear = `${new Date().getUTCFullYear() + 1}-06-15`;
    expect(parseNationalId(makeNationalId('320102', nextYear, 37))).toBeNull();
  });

  it('takes as past a date that has begun somewhere (a newborn registered in the morning in China)', () => {
    const morningInBeijing = new Date('2025-03-01T00:30:00+08:00'); // still 28 February in UTC
    expect(isPastCalendarDate('2025-03-01', morningInBeijing)).toBe(true);
    expect(isPastCalendarDate('2025-03-02', morningInBeijing)).toBe(false);
    expect(isPastCalendarDate('2025-02-29', morningInBeijing)).toBe(false);
  });

  it('builds numbers that validate', () => {
    const id = makeNationalId('320102', '1985-06-15', 37);
    expect(parseNationalId(id)).toEqual({ birthDate: '1985-06-15', sex: 'M' });
  });

  it('fills sex and birth date of a new patient from the ID number', () => {
    const parsed = createCaseRequestSchema.parse({ patient: { name: '张三', nationalId: '11010519491231002x' }, examKind: 'CT' });
    expect(parsed.patient).toMatchObject({ nationalId: '11010519491231002X', sex: 'F', birthDate: '1949-12-31' });
    expect(parsed.priority).toBe('ROUTINE');
  });
});
