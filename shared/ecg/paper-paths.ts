// The ECG paper's fixed drawings as SVG path data in paper mm, shared by the reader's screen (SVG) and the printed
// report (pdfkit, which takes the same path syntax): the grid and the calibration pulse.
import { CALIBRATION_PULSE_MS } from './layout.ts';
import { msToMm, type PaperScale } from './scale.ts';

/** Lines every `everyMm` across a `widthMm` × `heightMm` paper, leaving out those on multiples of `skipEveryMm`. */
export function gridLines(widthMm: number, heightMm: number, everyMm: number, skipEveryMm?: number): string {
  const lines: string[] = [];
  const skip = (mm: number) => skipEveryMm !== undefined && mm % skipEveryMm === 0;
  for (let x = 0; x <= widthMm; x += everyMm) if (!skip(x)) lines.push(`M${x} 0V${heightMm}`);
  for (let y = 0; y <= heightMm; y += everyMm) if (!skip(y)) lines.push(`M0 ${y}H${widthMm}`);
  return lines.join('');
}

/** ECG paper: a line every millimetre, a heavier one every 5 mm (at 25 mm/s, 40 ms and 200 ms; at 10 mm/mV, 0.1 mV and 0.5 mV). */
export const MINOR_GRID_MM = 1;
export const MAJOR_GRID_MM = 5;

/** The 1 mV square pulse at a row's start: its height shows the gain (10 mm at 10 mm/mV). */
export function calibrationPulsePath(xMm: number, baselineMm: number, scale: PaperScale): string {
  const top = baselineMm - scale.gain; // 1 mV
  const end = xMm + msToMm(CALIBRATION_PULSE_MS, scale);
  return `M0 ${baselineMm}H${xMm}V${top}H${end}V${baselineMm}H${end + 1}`;
}
