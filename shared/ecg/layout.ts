// Where each lead goes on the paper: the three usual printouts of a resting 12-lead ECG, as geometry in mm.
import type { LeadName } from './types.ts';
import { msToMm, type PaperScale } from './scale.ts';

export const LAYOUTS = ['3x4', '6x2', '12x1'] as const;
export type LayoutId = (typeof LAYOUTS)[number];

interface LayoutSpec {
  /** leads by row, then by column (left to right: later and later slices of the recording) */
  rows: LeadName[][];
  /** the lead printed again along the whole recording underneath, to judge the rhythm; null: none */
  rhythmLead: LeadName | null;
}

const LAYOUT_SPECS: Record<LayoutId, LayoutSpec> = {
  // The standard printout: the 10 s recording is cut into 4 slices of 2.5 s, and each column shows a different
  // group of leads during its slice (limb leads first, then the chest leads). All 12 leads fit on one page, time
  // runs on continuously along each row, and the rhythm strip below shows all 10 s of one lead.
  '3x4': {
    rows: [
      ['I', 'aVR', 'V1', 'V4'],
      ['II', 'aVL', 'V2', 'V5'],
      ['III', 'aVF', 'V3', 'V6'],
    ],
    rhythmLead: 'II',
  },
  // Limb leads during the first half, chest leads during the second: 5 s per lead.
  '6x2': {
    rows: [
      ['I', 'V1'],
      ['II', 'V2'],
      ['III', 'V3'],
      ['aVR', 'V4'],
      ['aVL', 'V5'],
      ['aVF', 'V6'],
    ],
    rhythmLead: 'II',
  },
  // Every lead along the whole recording: no rhythm strip needed.
  '12x1': {
    rows: [['I'], ['II'], ['III'], ['aVR'], ['aVL'], ['aVF'], ['V1'], ['V2'], ['V3'], ['V4'], ['V5'], ['V6']],
    rhythmLead: null,
  },
};

/** One lead's trace on the paper: the recording from startMs to endMs, its first sample at (xMm, baselineMm). */
export interface TraceSlot {
  lead: LeadName;
  startMs: number;
  endMs: number;
  xMm: number;
  baselineMm: number;
  rhythm: boolean;
}

export interface PaperRow {
  baselineMm: number;
  /** the row's traces, left to right */
  traces: TraceSlot[];
}

export interface PaperGeometry {
  widthMm: number;
  heightMm: number;
  /** from one row's baseline to the next */
  rowPitchMm: number;
  /** where the calibration pulse starts, in every row */
  pulseXMm: number;
  rows: PaperRow[];
}

/** The 1 mV calibration pulse is 200 ms wide, as printed by carts (5 mm at 25 mm/s). */
export const CALIBRATION_PULSE_MS = 200;
const PULSE_LEAD_IN_MM = 2;
const RIGHT_MARGIN_MM = 2;
const MAJOR_MM = 5;

const upToMajor = (mm: number) => Math.ceil(mm / MAJOR_MM) * MAJOR_MM;

/**
 * The paper for a recording of `durationMs`. Rows are 3 mV apart (at least 20 mm), a whole number of 5 mm squares,
 * with the baseline on a major line, so a reader can count squares from it; traces start on a major line too.
 */
export function paperGeometry(layout: LayoutId, durationMs: number, scale: PaperScale): PaperGeometry {
  const spec = LAYOUT_SPECS[layout];
  const rowPitchMm = upToMajor(Math.max(20, 3 * scale.gain));
  const traceXMm = upToMajor(PULSE_LEAD_IN_MM + msToMm(CALIBRATION_PULSE_MS, scale) + 1);
  const columns = spec.rows[0]!.length;
  const sliceMs = durationMs / columns;
  const baselineOf = (row: number) => rowPitchMm * (row + 0.5);

  const rows: PaperRow[] = spec.rows.map((leads, row) => ({
    baselineMm: baselineOf(row),
    traces: leads.map((lead, column) => ({
      lead,
      startMs: column * sliceMs,
      endMs: (column + 1) * sliceMs,
      xMm: traceXMm + msToMm(column * sliceMs, scale),
      baselineMm: baselineOf(row),
      rhythm: false,
    })),
  }));
  if (spec.rhythmLead) {
    const baselineMm = baselineOf(rows.length);
    rows.push({ baselineMm, traces: [{ lead: spec.rhythmLead, startMs: 0, endMs: durationMs, xMm: traceXMm, baselineMm, rhythm: true }] });
  }
  return {
    widthMm: upToMajor(traceXMm + msToMm(durationMs, scale) + RIGHT_MARGIN_MM),
    heightMm: rowPitchMm * rows.length,
    rowPitchMm,
    pulseXMm: PULSE_LEAD_IN_MM,
    rows,
  };
}
