// The patient identity check's pure parts: DICOM person names against typed names (Chinese, pinyin, PN's '^' and
// '=' groups, spaces, case, width, tone marks), and the verdict on a case's files (server/cases/identity.ts).
import { describe, expect, it } from 'vitest';
import { assessIdentity, type IdentityRow, type RegisteredPatient } from '../../server/cases/identity.ts';
import { compareTypedName, personNamesDiffer } from '../../server/dicom/person-name.ts';
import { makeNationalId } from '../../shared/national-id.ts';

describe('DICOM person names against the typed name', () => {
  it.each([
    ['张三', 'Zhang^San=张^三', 'match'],
    ['张三', 'Zhang^San=张^三=', 'match'],
    ['张三', '=张^三', 'match'],
    ['张三', '张三', 'match'],
    ['张 三', '张^三', 'match'],
    ['张三', '张^三 ', 'match'],
    ['阿依古丽·买买提', '阿依古丽^买买提', 'match'],
    ['Zhang San', 'ZHANG^SAN', 'match'],
    ['zhangsan', 'ZHANG^SAN', 'match'],
    ['San Zhang', 'ZHANG^SAN', 'match'],
    ['Zhāng Sān', 'ZHANG^SAN', 'match'],
    ['ＺＨＡＮＧ　ＳＡＮ', 'Zhang^San', 'match'],
    ['张三', 'Li^Si=李^四', 'mismatch'],
    ['张三', '李四', 'mismatch'],
    ['张三', '张^三丰', 'mismatch'],
    ['Zhang San', 'LI^SI', 'mismatch'],
    // no pinyin dictionary: a romanised-only name cannot confirm or refute 张三
    ['张三', 'ZHANG^SAN', 'uncomparable'],
    ['张三', 'LI^SI', 'uncomparable'],
    ['Zhang San', '张^三', 'uncomparable'],
    ['张三', '', 'uncomparable'],
    ['张三', '^^=^', 'uncomparable'],
  ] as const)('%s against %s: %s', (typed, pn, verdict) => {
    expect(compareTypedName(typed, pn)).toBe(verdict);
  });

  it('tells two DICOM names apart only where they share a script', () => {
    expect(personNamesDiffer('Zhang^San=张^三', 'ZHANG^SAN')).toBe(false);
    expect(personNamesDiffer('Zhang^San=张^三', '李^四')).toBe(true);
    expect(personNamesDiffer('Zhang^San=张^三', 'Zhang^San=李^四')).toBe(true);
    expect(personNamesDiffer('ZHANG^SAN', '李^四')).toBe(false);
    expect(personNamesDiffer('WANG^WU', 'ZHANG^SAN')).toBe(true);
  });
});

describe('the verdict on a case’s files', () => {
  const nationalId = makeNationalId('110101', '1990-03-07', 451);
  const patient: RegisteredPatient = { id: 'p1', name: '张三', sex: 'M', birthDate: '1990-03-07', nationalId };
  let n = 0;
  const row = (
    dicom: Partial<Pick<IdentityRow, 'dicomPatientName' | 'dicomPatientId' | 'dicomPatientSex' | 'dicomBirthDate'>>,
  ): IdentityRow => ({
    id: `i${++n}`,
    dicomPatientName: null,
    dicomPatientId: null,
    dicomPatientSex: null,
    dicomBirthDate: null,
    identityConfirmedAt: null,
    identityConfirmedById: null,
    identityConfirmReason: null,
    ...dicom,
  });

  it('passes the registered patient, in any of the ways a device writes them', () => {
    const rows = [
      row({ dicomPatientName: 'Zhang^San=张^三', dicomPatientId: nationalId, dicomPatientSex: 'M', dicomBirthDate: '1990-03-07' }),
      row({ dicomPatientName: '张^三', dicomPatientId: nationalId.toLowerCase() }),
      row({ dicomPatientName: '张三', dicomPatientId: nationalId, dicomPatientSex: 'M' }),
    ];
    const verdict = assessIdentity(patient, rows);
    expect(verdict.state).toBe('MATCH');
    expect([...verdict.byInstance.values()]).toEqual(['MATCH', 'MATCH', 'MATCH']);
  });

  it('warns, without blocking, about a romanised-only name', () => {
    const verdict = assessIdentity(patient, [row({ dicomPatientName: 'ZHANG^SAN', dicomPatientId: nationalId })]);
    expect(verdict.state).toBe('UNCOMPARABLE');
    expect(verdict.patients[0]!.issues).toEqual([{ field: 'name', kind: 'UNCOMPARABLE', caseValue: '张三', dicomValue: 'ZHANG SAN' }]);
  });

  it('marks another resident ID number, birth date or name as a mismatch; a device’s own patient number says nothing', () => {
    const other = makeNationalId('110101', '1985-01-01', 452);
    const fields = (dicom: Parameters<typeof row>[0]) => assessIdentity(patient, [row(dicom)]).patients[0]!.issues.map((i) => i.field);
    expect(fields({ dicomPatientName: '张三', dicomPatientId: other })).toEqual(['patientId']);
    expect(fields({ dicomPatientName: '张三', dicomPatientId: 'CT20240001' })).toEqual([]);
    expect(fields({ dicomPatientName: '张三', dicomPatientId: 'p1' })).toEqual([]);
    expect(fields({ dicomPatientName: '张三', dicomBirthDate: '1990-03-08' })).toEqual(['birthDate']);
    expect(fields({ dicomPatientName: '李^四', dicomPatientSex: 'F' })).toEqual(['name', 'sex']);
  });

  it('marks the files of two DICOM patients in one case, and a confirmation clears the block', () => {
    const rows = [
      row({ dicomPatientName: 'ZHANG^SAN', dicomPatientId: 'CT1' }),
      row({ dicomPatientName: 'ZHANG^SAN', dicomPatientId: 'CT1' }),
      row({ dicomPatientName: 'WANG^WU', dicomPatientId: 'CT2' }),
    ];
    const verdict = assessIdentity(patient, rows);
    expect(verdict.state).toBe('MISMATCH');
    expect(verdict.patients.map((p) => [p.instanceCount, p.state, p.issues.find((i) => i.field === 'otherPatient')?.caseValue])).toEqual([
      [2, 'MISMATCH', 'WANG WU · CT2'],
      [1, 'MISMATCH', 'ZHANG SAN · CT1'],
    ]);
    const confirmed = rows.map((r) => ({
      ...r,
      identityConfirmedAt: new Date(),
      identityConfirmedById: 'u1',
      identityConfirmReason: '同一人',
    }));
    expect(assessIdentity(patient, confirmed).state).toBe('CONFIRMED');
    expect(assessIdentity(patient, rows.slice(0, 2)).state).toBe('UNCOMPARABLE');
  });
});
