// The paper's scale. Everything on the ECG paper is drawn in millimetres (the SVG's user unit is 1 mm), as on a
// printed ECG; only the SVG's size on screen depends on the display, through px per mm. So a caliper, a grid
// square or a wave measured on screen converts to time and voltage with the paper speed and gain alone,
// whatever the zoom.

/** CSS defines 96 px per inch: 1 CSS mm. True on a monitor whose scaling is set right; the zoom corrects the rest. */
export const CSS_PX_PER_MM = 96 / 25.4;

export const PAPER_SPEEDS = [25, 50] as const;
/** mm per second */
export type PaperSpeed = (typeof PAPER_SPEEDS)[number];

export const GAINS = [5, 10, 20] as const;
/** mm per millivolt */
export type Gain = (typeof GAINS)[number];

export const ZOOM_STEPS = [0.5, 0.75, 1, 1.25, 1.5, 2, 3] as const;

export interface PaperScale {
  speed: PaperSpeed;
  gain: Gain;
}

export const mmToMs = (mm: number, { speed }: PaperScale) => (mm / speed) * 1000;
export const msToMm = (ms: number, { speed }: PaperScale) => (ms / 1000) * speed;
/** Paper y grows downwards, voltage upwards. */
export const mmToMillivolts = (mm: number, { gain }: PaperScale) => -mm / gain;
export const microvoltsToMm = (microvolts: number, { gain }: PaperScale) => (-microvolts / 1000) * gain;

/** A heart rate from an RR interval: beats per minute. */
export const rateFromRrMs = (rrMs: number) => 60_000 / rrMs;
