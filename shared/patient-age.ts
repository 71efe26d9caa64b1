// A patient's age as Chinese medical records write it (卫生部《病历书写基本规范》): whole years from one year on
// ("45岁"), whole months under a year ("8月"), whole days under a month ("12天"). Computed on the exam's date,
// not today's, so a reprint years later still says how old the patient was when examined.

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

/** The age on `examDate` of a patient born on `birthDate` (both YYYY-MM-DD); null if unknown or born after. */
export function chineseAge(birthDate: string | null, examDate: string): string | null {
  const birth = birthDate ? parseCalendarDate(birthDate) : null;
  const exam = parseCalendarDate(examDate);
  if (!birth || !exam || dayNumber(birth) > dayNumber(exam)) return null;
  const months = wholeMonths(birth, exam);
  if (months >= 12) return `${Math.floor(months / 12)}岁`;
  if (months >= 1) return `${months}月`;
  return `${dayNumber(exam) - dayNumber(birth)}天`;
}
