// The dashboard's period: China-time days cut into China-time months, and the default twelve months.
import { describe, expect, it } from 'vitest';
import { resolvePeriod } from '../../server/dashboard/period.ts';
import { dashboardPeriodSchema } from '../../shared/dashboard.ts';

describe('resolvePeriod', () => {
  it('cuts the days into China-time months, the first from the period start and the others from midnight in Beijing', () => {
    const p = resolvePeriod({ from: '2025-11-15', to: '2026-02-03' });
    expect(p.months).toEqual(['2025-11', '2025-12', '2026-01', '2026-02']);
    expect(p.start.toISOString()).toBe('2025-11-14T16:00:00.000Z');
    expect(p.end.toISOString()).toBe('2026-02-03T16:00:00.000Z');
    expect(p.monthStarts.map((d) => d.toISOString())).toEqual([
      '2025-11-30T16:00:00.000Z',
      '2025-12-31T16:00:00.000Z',
      '2026-01-31T16:00:00.000Z',
    ]);
  });

  it('defaults to the twelve calendar months up to today, China time', () => {
    // 20:00 UTC on 31 December is already 1 January in Beijing
    const p = resolvePeriod({}, new Date('2026-12-31T20:00:00Z'));
    expect(p.to).toBe('2027-01-01');
    expect(p.from).toBe('2026-02-01');
    expect(p.months).toHaveLength(12);
    expect(resolvePeriod({ to: '2026-03-10' }).from).toBe('2025-04-01');
    expect(resolvePeriod({ from: '2026-03-10', to: '2026-03-10' }).months).toEqual(['2026-03']);
  });

  it('refuses a period that ends before it begins or spans more than three years', () => {
    expect(dashboardPeriodSchema.safeParse({ from: '2026-02-01', to: '2026-01-31' }).success).toBe(false);
    expect(dashboardPeriodSchema.safeParse({ from: '2023-01-01', to: '2026-01-31' }).success).toBe(false);
    expect(dashboardPeriodSchema.safeParse({ from: '2024-01-01', to: '2026-12-31' }).success).toBe(true);
    expect(dashboardPeriodSchema.safeParse({ from: '2026-02-30' }).success).toBe(false);
  });
});
