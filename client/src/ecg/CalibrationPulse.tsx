// The 1 mV square pulse at the start of every row: its height shows the gain the row is printed at (10 mm at
// 10 mm/mV), so a printout or screenshot can be read without knowing the settings.
import { CALIBRATION_PULSE_MS } from './layout.ts';
import { msToMm, type PaperScale } from './scale.ts';

export function CalibrationPulse({ xMm, baselineMm, scale }: { xMm: number; baselineMm: number; scale: PaperScale }) {
  const top = baselineMm - scale.gain; // 1 mV
  const end = xMm + msToMm(CALIBRATION_PULSE_MS, scale);
  return (
    <path
      className="ecg-calibration"
      data-testid="ecg-calibration"
      d={`M0 ${baselineMm}H${xMm}V${top}H${end}V${baselineMm}H${end + 1}`}
      vectorEffect="non-scaling-stroke"
    />
  );
}
