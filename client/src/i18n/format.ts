// Dates, sizes and ages in the reader's language. Pure functions; components/format.tsx wraps them for JSX.
import { ageOn, type PatientAge } from '../../../shared/patient-age.ts';

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

/** The patient's age today (the browser's calendar day), as shared/patient-age.ts counts it. */
export function ageOf(birthDate: string, today = new Date()): PatientAge | null {
  const todayIso = `${today.getFullYear()}-${twoDigits(today.getMonth() + 1)}-${twoDigits(today.getDate())}`;
  return ageOn(birthDate, todayIso);
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
