// The ECG as the app handles it after decoding (any source format), and the automatic measurements computed from
// it. Shared by the server (decoding, measuring) and the client (display), so no server-only imports here.
import { z } from 'zod';

/** The 12 standard leads, in the order ECGs are printed and stored. */
export const LEAD_NAMES = ['I', 'II', 'III', 'aVR', 'aVL', 'aVF', 'V1', 'V2', 'V3', 'V4', 'V5', 'V6'] as const;
export type LeadName = (typeof LEAD_NAMES)[number];
export const LIMB_LEADS: readonly LeadName[] = ['I', 'II', 'III', 'aVR', 'aVL', 'aVF'];
export const PRECORDIAL_LEADS: readonly LeadName[] = ['V1', 'V2', 'V3', 'V4', 'V5', 'V6'];

export interface EcgLead {
  name: LeadName;
  /** One value per sample, in microvolts. */
  microvolts: Float32Array;
}

/** A decoded resting ECG: all leads share one sampling rate and start at the same instant. */
export interface EcgRecording {
  sampleRateHz: number;
  durationMs: number;
  /** In LEAD_NAMES order, each name at most once. */
  leads: EcgLead[];
}

export const rhythmHintSchema = z.enum([
  'SINUS_RHYTHM',
  'SINUS_TACHYCARDIA',
  'SINUS_BRADYCARDIA',
  /** Irregular RR intervals and no consistent P wave. */
  'POSSIBLE_ATRIAL_FIBRILLATION',
  /** Irregular RR intervals although P waves are present (sinus arrhythmia, ectopic beats...). */
  'IRREGULAR_RHYTHM',
  /** Ventricular ectopic beats (wider or unlike the dominant QRS): a few, frequent, or in a pattern. */
  'VENTRICULAR_ECTOPICS',
  'FREQUENT_VENTRICULAR_ECTOPICS',
  'VENTRICULAR_BIGEMINY',
  'VENTRICULAR_TRIGEMINY',
  /** Premature beats with the dominant QRS. */
  'SUPRAVENTRICULAR_ECTOPICS',
  /** The dominant beats follow a pacing spike (teledx-ecg 3). */
  'PACED_RHYTHM',
]);
export type RhythmHint = z.infer<typeof rhythmHintSchema>;

export const criticalCodeSchema = z.enum(['RATE_LOW', 'RATE_HIGH', 'QTC_LONG', 'ST_ELEVATION']);
export type CriticalCode = z.infer<typeof criticalCodeSchema>;

export const leadNameSchema = z.enum(LEAD_NAMES);

/**
 * Beat classes after ANSI/AAMI EC57: normal (dominant), supraventricular ectopic, ventricular ectopic, paced (a pacing
 * spike before the QRS; teledx-ecg 3), unclassifiable.
 */
export const beatClassSchema = z.enum(['N', 'S', 'V', 'P', 'Q']);
export type BeatClassCode = z.infer<typeof beatClassSchema>;

const ms = z.number().nullable();

/**
 * What spoils a lead: no signal at all (FLAT_LINE), a stretch of it lost (LEAD_OFF: electrode off or the amplifier at
 * its rail), clipped at the amplifier's range (SATURATION), mains interference, muscle (EMG) noise, baseline wander,
 * or beat-like artefact seen in this lead only (ARTEFACT: electrode motion, the detector left those detections out).
 */
export const signalProblemSchema = z.enum([
  'FLAT_LINE',
  'LEAD_OFF',
  'SATURATION',
  'MAINS_NOISE',
  'MUSCLE_NOISE',
  'BASELINE_WANDER',
  'ARTEFACT',
]);
export type SignalProblem = z.infer<typeof signalProblemSchema>;
/** GOOD: no problem; NOISY: readable, weighed less by the beat detector; UNUSABLE: left out of the beat detection. */
export const signalGradeSchema = z.enum(['GOOD', 'NOISY', 'UNUSABLE']);
export type SignalGrade = z.infer<typeof signalGradeSchema>;

export const leadQualitySchema = z.strictObject({
  lead: leadNameSchema,
  grade: signalGradeSchema,
  problems: z.array(signalProblemSchema),
  /** Median RMS of the noise above 40 Hz (mains taken out), µV. */
  muscleNoiseUv: z.number(),
  /** RMS of the mains-frequency component, µV. */
  mainsNoiseUv: z.number(),
  /** Peak-to-peak of the slow (< 0.5 Hz) component, µV. */
  wanderUv: z.number(),
});
export type LeadQuality = z.infer<typeof leadQualitySchema>;

// Strict at every level: the measurements are sent to the client as they are stored, and an answer carries
// nothing its schema does not name.
export const ecgMeasurementsSchema = z.strictObject({
  /** Always true: these are computer suggestions for the reading physician, never a diagnosis. */
  automatic: z.literal(true),
  algorithm: z.string(),
  sampleRateHz: z.number().positive(),
  /** The sample index of each detected QRS complex (its fiducial point), in recording order. */
  beatSamples: z.array(z.number().int().nonnegative()),
  rrMeanMs: ms,
  heartRateBpm: ms,
  /**
   * Global fiducial points of the representative (median) beat, in ms relative to each beat's fiducial point;
   * add them to beatSamples to mark every beat. Null where the wave was not found (e.g. no P wave in AF).
   */
  fiducialsMs: z.strictObject({ pOnset: ms, qrsOnset: ms, qrsOffset: ms, tEnd: ms }),
  intervals: z.strictObject({ prMs: ms, qrsMs: ms, qtMs: ms, qtcBazettMs: ms, qtcFridericiaMs: ms }),
  /** Frontal plane QRS axis in degrees (-180, 180], from the net QRS areas of the limb leads. */
  qrsAxisDeg: ms,
  /** ST level at J+60 ms (J+40 ms above 120 bpm) relative to the PR segment, per lead, in microvolts. */
  stMicrovolts: z.array(z.strictObject({ lead: leadNameSchema, microvolts: z.number() })),
  rhythm: z.strictObject({
    hints: z.array(rhythmHintSchema),
    regular: z.boolean(),
    pWavesPresent: z.boolean(),
    /** Coefficient of variation of the RR intervals. */
    rrVariation: z.number().nullable(),
    /** What each hint rests on, in the hints' order (absent in analyses made before teledx-ecg 2). */
    evidence: z.array(z.strictObject({ hint: rhythmHintSchema, text: z.string() })).optional(),
  }),
  /** One class per beat of beatSamples (absent in analyses made before teledx-ecg 2). */
  beatClasses: z.array(beatClassSchema).optional(),
  /** Per-lead signal quality, in the recording's lead order (absent in analyses made before teledx-ecg 3). */
  signalQuality: z.array(leadQualitySchema).optional(),
  /** Intervals left unmeasured (null above) and why: the delineation was not trustworthy enough. */
  notMeasurable: z.array(z.strictObject({ interval: z.enum(['PR', 'QRS', 'QT']), reason: z.string() })).optional(),
  critical: z.array(
    z.strictObject({
      code: criticalCodeSchema,
      message: z.string(),
      value: z.number().optional(),
      leads: z.array(leadNameSchema).optional(),
    }),
  ),
  /** Why a value is missing or doubtful (too few beats, no limb leads...). */
  warnings: z.array(z.string()),
});
export type EcgMeasurements = z.infer<typeof ecgMeasurementsSchema>;
export type CriticalFinding = EcgMeasurements['critical'][number];
