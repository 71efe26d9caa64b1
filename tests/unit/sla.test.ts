import { describe, expect, it } from 'vitest';
import { DEFAULT_SLA, parseSla } from '../../server/reading/sla.ts';

describe('SLA policy', () => {
  it('has the documented defaults: STAT 30 min, urgent 2 h, routine 24 h', () => {
    const sla = parseSla(DEFAULT_SLA);
    expect([sla.minutes('STAT', 'CT'), sla.minutes('URGENT', 'CT'), sla.minutes('ROUTINE', 'ECG')]).toEqual([30, 120, 1440]);
    expect(sla.dueAt(new Date('2026-11-23T08:00:00Z'), 'URGENT', 'DR')?.toISOString()).toBe('2026-11-23T10:00:00.000Z');
    expect(sla.dueAt(null, 'STAT', 'CT')).toBeNull();
  });

  it('lets an exam kind override a priority', () => {
    const sla = parseSla('STAT=20,URGENT=60,ROUTINE=1440,ECG.ROUTINE=240');
    expect(sla.minutes('ROUTINE', 'ECG')).toBe(240);
    expect(sla.minutes('ROUTINE', 'CT')).toBe(1440);
  });

  it('refuses a specification it cannot read', () => {
    expect(() => parseSla('STAT=30,URGENT=120')).toThrow(/ROUTINE missing/);
    expect(() => parseSla('STAT=30,URGENT=2h,ROUTINE=1440')).toThrow(/invalid SLA entry/);
  });
});
