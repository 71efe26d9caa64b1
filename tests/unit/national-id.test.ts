import { describe, expect, it } from 'vitest';
import { createCaseRequestSchema } from '../../shared/api.ts';
import { checkCharacter, makeNationalId, parseNationalId } from '../../shared/national-id.ts';

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
