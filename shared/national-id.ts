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
  const [y, m, d] = [id.slice(6, 10), id.slice(10, 12), id.slice(12, 14)];
  const date = new Date(Date.UTC(Number(y), Number(m) - 1, Number(d)));
  if (date.getUTCFullYear() !== Number(y) || date.getUTCMonth() !== Number(m) - 1 || date.getUTCDate() !== Number(d)) {
    return null;
  }
  return { birthDate: `${y}-${m}-${d}`, sex: Number(id[16]) % 2 === 1 ? 'M' : 'F' };
}

/** Builds a valid ID from a region code, birth date and sequence (for demo data and tests). */
export function makeNationalId(region: string, birthDate: string, sequence: number): string {
  const first17 = `${region}${birthDate.replaceAll('-', '')}${String(sequence).padStart(3, '0')}`;
  return first17 + checkCharacter(first17);
}
