// ECG paper: a line every millimetre, a heavier one every 5 mm. Lines are drawn in paper mm with strokes of constant
// screen width, so they stay crisp at any zoom. Two paths in all: one for the minor lines, one for the major.
import { memo } from 'react';
import { gridLines, MAJOR_GRID_MM, MINOR_GRID_MM } from '../../../shared/ecg/paper-paths.ts';

export const PaperGrid = memo(function PaperGrid({ widthMm, heightMm }: { widthMm: number; heightMm: number }) {
  return (
    <g className="ecg-grid" aria-hidden="true">
      <rect className="ecg-paper" width={widthMm} height={heightMm} />
      <path className="ecg-grid-minor" d={gridLines(widthMm, heightMm, MINOR_GRID_MM, MAJOR_GRID_MM)} vectorEffect="non-scaling-stroke" />
      <path className="ecg-grid-major" d={gridLines(widthMm, heightMm, MAJOR_GRID_MM)} vectorEffect="non-scaling-stroke" />
    </g>
  );
});
