// 居民身份证号码 (GB 11643-1999): 17 digits + a check character (0-9 or X). Digits 7-14 are the birth date
// and digit 17 is odd for men, even for women, so a valid number also fills in birth date and sex.

const WEIGHTS = [7, 9, 10, 5, 8, 4, 2, 1, 6, 3, 7, 9, 10, 5, 8, 4, 2];
const CHECK_CHARS = '10X98765432';

export interface NationalIdFacts {
  birthDate: string; // YYYY-MM-DD
  sex: 'M' | 'F';
}

export function checkCharacter(first17: string): string {
  let sum = 0;
  for (let i = 0; i < 17; i++) sum += Number(first17[i]) * WEIGHTS[i]!;
  return CHECK_CHARS[sum % 11]!;
}

/** Returns the birth date and sex encoded in a valid ID number, or null if the number is not valid. */
export function parseNationalId(raw: string): NationalIdFacts | null {
  const id = raw.trim().toUpperCase();
  if (!/^\d{17}[\dX]$/.test(id)) return null;
  if (checkCharacter(id.slice(0, 17)) !== id[17]) return null;
  const birthDate = `${id.slice(6, 10)}-${id.slice(10, 12)}-${id.slice(12, 14)}`;
  if (!isPastCalendarDate(birthDate)) return null;
  return { birthDate, sex: Number(id[16]) % 2 === 1 ? 'M' : 'F' };
}

/** Whether YYYY-MM-DD names a day that exists (no 13th month, no 30 February). */
export function isCalendarDate(iso: string): boolean {
  const match = /^(\d{4})-(\d{2})-(\d{2})$/.exec(iso);
  if (!match) return false;
  const [y, m, d] = [Number(match[1]), Number(match[2]), Number(match[3])];
  const date = new Date(Date.UTC(y, m - 1, d));
  return date.getUTCFullYear() === y && date.getUTCMonth() === m - 1 && date.getUTCDate() === d;
}

/**
 * A real date, not after today where the day has begun first (UTC+14): a later date is in the future everywhere,
 * while a newborn registered in the morning in China (UTC+8, still yesterday in UTC) is accepted.
 */
export function isPastCalendarDate(iso: string, now = new Date()): boolean {
  return isCalendarDate(iso) && iso <= new Date(now.getTime() + 14 * 3600_000).toISOString().slice(0, 10);
}

/** Builds a valid ID from a region code, birth date and sequence (for demo data and tests). */
export function makeNationalId(region: string, birthDate: string, sequence: number): string {
  const first17 = `${region}${birthDate.replaceAll('-', '')}${String(sequence).padStart(3, '0')}`;
  return first17 + checkCharacter(first17);
}
