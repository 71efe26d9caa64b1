// A patient's age the way a clinician states it (and Chinese medical records write it, 《病历书写基本规范》): whole
// years from one year on, whole months under a year, whole days under a month. The screens compute it on today's
// date; the printed report on the exam's, so a reprint years later still says how old the patient was when examined.

export interface PatientAge {
  unit: 'years' | 'months' | 'days';
  count: number;
}

interface CalendarDate {
  year: number;
  month: number;
  day: number;
}

function parseCalendarDate(iso: string): CalendarDate | null {
  const match = /^(\d{4})-(\d{2})-(\d{2})$/.exec(iso);
  return match ? { year: Number(match[1]), month: Number(match[2]), day: Number(match[3]) } : null;
}

const daysInMonth = (year: number, month: number) => new Date(Date.UTC(year, month, 0)).getUTCDate();
const dayNumber = (d: CalendarDate) => Date.UTC(d.year, d.month - 1, d.day) / 86_400_000;

/** Whole months from birth to the exam; a birthday on the 31st comes round on the last day of a shorter month. */
function wholeMonths(birth: CalendarDate, exam: CalendarDate): number {
  const monthlyBirthday = Math.min(birth.day, daysInMonth(exam.year, exam.month));
  return (exam.year - birth.year) * 12 + (exam.month - birth.month) - (exam.day < monthlyBirthday ? 1 : 0);
}

/** The age on `onDate` of a patient born on `birthDate` (both YYYY-MM-DD); null if unknown or born after. */
export function ageOn(birthDate: string | null, onDate: string): PatientAge | null {
  const birth = birthDate ? parseCalendarDate(birthDate) : null;
  const on = parseCalendarDate(onDate);
  if (!birth || !on || dayNumber(birth) > dayNumber(on)) return null;
  const months = wholeMonths(birth, on);
  if (months >= 12) return { unit: 'years', count: Math.floor(months / 12) };
  if (months >= 1) return { unit: 'months', count: months };
  return { unit: 'days', count: dayNumber(on) - dayNumber(birth) };
}

const CHINESE_AGE_UNITS: Record<PatientAge['unit'], string> = { years: '岁', months: '月', days: '天' };

/** The age as a Chinese record prints it: 45岁, 8月, 12天. */
export function chineseAge(birthDate: string | null, onDate: string): string | null {
  const age = ageOn(birthDate, onDate);
  return age && `${age.count}${CHINESE_AGE_UNITS[age.unit]}`;
}
