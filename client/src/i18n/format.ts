// Dates, sizes and ages in the reader's language. Pure functions; components/format.tsx wraps them for JSX.

// Building an Intl.DateTimeFormat costs about a millisecond (locale data lookup); a worklist of 100 rows formats
// hundreds of times per render, so one formatter per language is kept.
const dateTimeFormats = new Map<string, Intl.DateTimeFormat>();

export function formatDateTime(iso: string, lang: string): string {
  let format = dateTimeFormats.get(lang);
  if (!format) {
    format = new Intl.DateTimeFormat(lang, { dateStyle: 'short', timeStyle: 'short' });
    dateTimeFormats.set(lang, format);
  }
  return format.format(new Date(iso));
}

/**
 * The browser loads its locale data on the first Intl formatter of a page: 30-45 ms for a date format, which a
 * reader would otherwise wait for when opening their first case. Done once the app is idle instead.
 */
export function warmUpFormats(lang: string): void {
  formatDateTime(new Date().toISOString(), lang);
  formatBytes(1536, lang);
}

const UNITS = ['B', 'KB', 'MB', 'GB', 'TB'];

export function formatBytes(bytes: number, lang: string): string {
  let value = bytes;
  let unit = 0;
  while (value >= 1024 && unit < UNITS.length - 1) {
    value /= 1024;
    unit++;
  }
  const digits = unit === 0 || value >= 100 ? 0 : 1;
  return `${value.toLocaleString(lang, { maximumFractionDigits: digits })} ${UNITS[unit]}`;
}

/** Age the way a clinician states it: years, or months for infants, or days for neonates. */
export function ageOf(birthDate: string, today = new Date()): { unit: 'years' | 'months' | 'days'; count: number } | null {
  const match = /^(\d{4})-(\d{2})-(\d{2})$/.exec(birthDate);
  if (!match) return null;
  const [y, m, d] = [Number(match[1]), Number(match[2]), Number(match[3])];
  const [ty, tm, td] = [today.getFullYear(), today.getMonth() + 1, today.getDate()];
  const months = (ty - y) * 12 + (tm - m) - (td < d ? 1 : 0);
  if (months < 0) return null;
  if (months >= 12) return { unit: 'years', count: Math.floor(months / 12) };
  if (months >= 1) return { unit: 'months', count: months };
  const days = Math.round((Date.UTC(ty, tm - 1, td) - Date.UTC(y, m - 1, d)) / 86_400_000);
  return { unit: 'days', count: days };
}

/** A span of time split the way it is read out: days, hours, minutes, seconds (never negative). */
export function splitDuration(ms: number): { days: number; hours: number; minutes: number; seconds: number } {
  const total = Math.max(0, Math.floor(ms / 1000));
  return {
    days: Math.floor(total / 86_400),
    hours: Math.floor((total % 86_400) / 3_600),
    minutes: Math.floor((total % 3_600) / 60),
    seconds: total % 60,
  };
}

export const twoDigits = (n: number) => String(n).padStart(2, '0');
