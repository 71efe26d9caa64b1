// The dashboard's period: China-time days (the county's days, as the audit log's filters), both included, cut into
// China-time calendar months. Month boundaries are computed here, once, and handed to the database as plain
// timestamps: the same SQL then buckets rows on SQLite and PostgreSQL by comparisons an index serves, with no
// per-row date functions or time zone arithmetic.
import type { DashboardPeriodQuery } from '../../shared/dashboard.ts';

/** China Standard Time (no daylight saving). */
const CHINA_OFFSET_MS = 8 * 3600_000;
const DAY_MS = 86_400_000;

export interface Period {
  from: string;
  to: string;
  /** the first instant counted, and the first one after the period */
  start: Date;
  end: Date;
  /** YYYY-MM of every month the period touches, in order */
  months: string[];
  /** where each month after the first begins (China time): months.length - 1 instants */
  monthStarts: Date[];
}

/** Today's China-time day, YYYY-MM-DD. */
export const chinaToday = (now: Date): string => new Date(now.getTime() + CHINA_OFFSET_MS).toISOString().slice(0, 10);

const chinaDayStart = (day: string) => new Date(Date.parse(`${day}T00:00:00Z`) - CHINA_OFFSET_MS);

export function resolvePeriod(query: DashboardPeriodQuery, now = new Date()): Period {
  const to = query.to ?? chinaToday(now);
  const from = query.from ?? defaultFrom(to);
  const months: string[] = [];
  const monthStarts: Date[] = [];
  let [year, month] = [Number(from.slice(0, 4)), Number(from.slice(5, 7))];
  const last = to.slice(0, 7);
  for (;;) {
    const key = `${year}-${String(month).padStart(2, '0')}`;
    if (months.length > 0) monthStarts.push(chinaDayStart(`${key}-01`));
    months.push(key);
    if (key >= last) break;
    [year, month] = month === 12 ? [year + 1, 1] : [year, month + 1];
  }
  return { from, to, start: chinaDayStart(from), end: new Date(chinaDayStart(to).getTime() + DAY_MS), months, monthStarts };
}

/** The first day of the month eleven months before `to`'s: twelve calendar months in all. */
function defaultFrom(to: string): string {
  const [year, month] = [Number(to.slice(0, 4)), Number(to.slice(5, 7))];
  const back = year * 12 + (month - 1) - 11;
  return `${Math.floor(back / 12)}-${String((back % 12) + 1).padStart(2, '0')}-01`;
}
