// The 1 mV square pulse at the start of every row: its height shows the gain the row is printed at (10 mm at
// 10 mm/mV), so a printout or screenshot can be read without knowing the settings.
import { calibrationPulsePath } from '../../../shared/ecg/paper-paths.ts';
import type { PaperScale } from '../../../shared/ecg/scale.ts';

export function CalibrationPulse({ xMm, baselineMm, scale }: { xMm: number; baselineMm: number; scale: PaperScale }) {
  return (
    <path
      className="ecg-calibration"
      data-testid="ecg-calibration"
      d={calibrationPulsePath(xMm, baselineMm, scale)}
      vectorEffect="non-scaling-stroke"
    />
  );
}
