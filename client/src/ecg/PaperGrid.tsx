// ECG paper: a line every millimetre, a heavier one every 5 mm (at 25 mm/s, 40 ms and 200 ms; at 10 mm/mV,
// 0.1 mV and 0.5 mV). Lines are drawn in paper mm with strokes of constant screen width, so they stay crisp at any
// zoom. Two paths in all: one for the minor lines, one for the major.
import { memo } from 'react';

function gridLines(widthMm: number, heightMm: number, everyMm: number, skipEveryMm?: number): string {
  const lines: string[] = [];
  const skip = (mm: number) => skipEveryMm !== undefined && mm % skipEveryMm === 0;
  for (let x = 0; x <= widthMm; x += everyMm) if (!skip(x)) lines.push(`M${x} 0V${heightMm}`);
  for (let y = 0; y <= heightMm; y += everyMm) if (!skip(y)) lines.push(`M0 ${y}H${widthMm}`);
  return lines.join('');
}

export const PaperGrid = memo(function PaperGrid({ widthMm, heightMm }: { widthMm: number; heightMm: number }) {
  return (
    <g className="ecg-grid" aria-hidden="true">
      <rect className="ecg-paper" width={widthMm} height={heightMm} />
      <path className="ecg-grid-minor" d={gridLines(widthMm, heightMm, 1, 5)} vectorEffect="non-scaling-stroke" />
      <path className="ecg-grid-major" d={gridLines(widthMm, heightMm, 5)} vectorEffect="non-scaling-stroke" />
    </g>
  );
});
