// The 12-lead tracing on the printed ECG report: the standard 3×4 printout (I, II, III / aVR, aVL, aVF / V1–V3 /
// V4–V6, 2.5 s each) over a 10 s rhythm strip of lead II, at 25 mm/s and 10 mm/mV, on ECG paper with its 1 mm / 5 mm
// grid and a 1 mV calibration pulse per row. The geometry and the paths are the reader's screen's own
// (shared/ecg/), drawn here as PDF vector paths in millimetres, so the print measures as the paper would.
import { paperGeometry, type PaperGeometry } from '../../shared/ecg/layout.ts';
import { calibrationPulsePath, gridLines, MAJOR_GRID_MM, MINOR_GRID_MM } from '../../shared/ecg/paper-paths.ts';
import type { PaperScale } from '../../shared/ecg/scale.ts';
import { TRACE_UNITS_PER_MM, tracePath } from '../../shared/ecg/trace-path.ts';
import type { EcgRecording } from '../../shared/ecg/types.ts';

export const PT_PER_MM = 72 / 25.4;
export const PRINT_SCALE: PaperScale = { speed: 25, gain: 10 };
/** The print's resolution as tracePath's "device pixels": 600 dpi, at which a 1000 Hz trace keeps every sample. */
const PRINT_DOTS_PER_MM = 600 / 25.4;
/** Lead names sit above the trace's start, clear of the calibration pulse (as on the screen). */
const LABEL_RISE_MM = 7;
/** What the reader's grid colours are on screen: the pink of ECG paper, a darker pink every 5 mm. */
const GRID_COLOURS = { minor: '#f3c1c8', major: '#e0808e' };
export const TRACE_COLOUR = '#000000';

/**
 * tracePath's path data (only "M x y" and "L x y", whole numbers) as PDF path operators. pdfkit's own SVG path
 * parser takes ~1 s for a 12-lead trace's 40 000 points on this machine; a rewrite of the same numbers takes ms.
 */
export function traceOperators(d: string): string {
  return d.replace(/([ML])(-?\d+) (-?\d+)/g, (_, command: string, x: string, y: string) => `${x} ${y} ${command === 'M' ? 'm' : 'l'}\n`);
}

/** The paper for a recording in the printed report's layout (3×4 and a rhythm strip). */
export function printedEcgGeometry(recording: EcgRecording): PaperGeometry {
  return paperGeometry('3x4', recording.durationMs, PRINT_SCALE);
}

/**
 * Draws the paper with its top left corner at (x, y) points: grid, calibration pulses, lead names and traces.
 * Everything inside is drawn in paper millimetres (the traces in tracePath's hundredths), clipped to the paper.
 */
export function drawEcgPaper(doc: PDFKit.PDFDocument, recording: EcgRecording, x: number, y: number): PaperGeometry {
  const geometry = printedEcgGeometry(recording);
  const { widthMm, heightMm } = geometry;
  doc.save();
  doc.translate(x, y).scale(PT_PER_MM);
  doc.rect(0, 0, widthMm, heightMm).clip();
  doc
    .path(gridLines(widthMm, heightMm, MINOR_GRID_MM, MAJOR_GRID_MM))
    .lineWidth(0.1)
    .strokeColor(GRID_COLOURS.minor)
    .stroke();
  doc
    .path(gridLines(widthMm, heightMm, MAJOR_GRID_MM))
    .lineWidth(0.2)
    .strokeColor(GRID_COLOURS.major)
    .stroke();
  doc.lineJoin('round').strokeColor(TRACE_COLOUR);
  for (const row of geometry.rows) {
    doc
      .path(calibrationPulsePath(geometry.pulseXMm, row.baselineMm, PRINT_SCALE))
      .lineWidth(0.25)
      .stroke();
  }
  const leads = new Map(recording.leads.map((lead) => [lead.name, lead.microvolts]));
  for (const slot of geometry.rows.flatMap((row) => row.traces)) {
    const microvolts = leads.get(slot.lead);
    if (!microvolts) continue; // a recording without that lead leaves its slot blank
    doc
      .fillColor(TRACE_COLOUR)
      .fontSize(3)
      .text(slot.lead, slot.xMm + 1, slot.baselineMm - LABEL_RISE_MM - 2, { lineBreak: false });
    const path = tracePath(microvolts, recording.sampleRateHz, slot, PRINT_SCALE, PRINT_DOTS_PER_MM);
    if (!path.d) continue;
    doc.save();
    doc.scale(1 / TRACE_UNITS_PER_MM).lineWidth(0.25 * TRACE_UNITS_PER_MM);
    doc.addContent(traceOperators(path.d)).stroke();
    doc.restore();
  }
  doc.restore();
  return geometry;
}
