// Which series of a case (or of a prior) the viewer can show. Kept apart from the viewer's components so that
// the case page can ask without loading Cornerstone.
import type { InstanceDto, SeriesDto, StudyDto } from '../../../shared/api.ts';

export interface ViewableSeries {
  series: SeriesDto;
  study: StudyDto;
  instances: InstanceDto[];
}

/** Series with at least one image (instances with rows and columns; waveforms and reports have none). */
export function viewableSeries(studies: readonly StudyDto[]): ViewableSeries[] {
  return studies.flatMap((study) =>
    study.series
      .map((series) => ({
        series,
        study,
        instances: series.instances
          .filter((i) => (i.rows ?? 0) > 0 && (i.columns ?? 0) > 0)
          .sort(
            (a, b) =>
              (a.instanceNumber ?? Number.MAX_SAFE_INTEGER) - (b.instanceNumber ?? Number.MAX_SAFE_INTEGER) ||
              a.sopInstanceUid.localeCompare(b.sopInstanceUid),
          ),
      }))
      .filter((s) => s.instances.length > 0),
  );
}

/** Secondary Capture and its multi-frame variants (1.2.840.10008.5.1.4.1.1.7, .7.1 … .7.4): screenshots, dose sheets. */
const SECONDARY_CAPTURE_SOP_CLASS = /^1\.2\.840\.10008\.5\.1\.4\.1\.1\.7(\.\d+)?$/;
/** modalities that are never the exam itself: secondary capture, other, and documents that carry images */
const SUPPLEMENTARY_MODALITIES = new Set(['SC', 'OT', 'DOC', 'PR', 'KO', 'SR']);
/** what devices call their planning images, dose pages and colour bars (English and Chinese consoles) */
const SUPPLEMENTARY_DESCRIPTION = /scout|locali[sz]er|locator|topogram|surview|scanogram|dose|colou?r ?bar|screen ?save|定位|剂量|色标/i;

/**
 * A series that is not what the reader opens the case for: a scout or localizer, a dose report, a colour bar, a
 * screenshot. Told by SOP class, modality and description, since devices do not flag them consistently.
 */
export function isSupplementarySeries(s: ViewableSeries): boolean {
  // the server's verdict first (a secondary capture, or another modality than the exam's: shared/api.ts)
  if (s.series.role !== 'PRIMARY') return true;
  if (s.series.modality && SUPPLEMENTARY_MODALITIES.has(s.series.modality.toUpperCase())) return true;
  if (s.instances.every((i) => SECONDARY_CAPTURE_SOP_CLASS.test(i.sopClassUid))) return true;
  return SUPPLEMENTARY_DESCRIPTION.test(s.series.seriesDescription ?? '');
}

/** the images a series holds, every frame of a multi-frame instance counted */
export function imageCountOf(s: ViewableSeries): number {
  return s.instances.reduce((n, i) => n + (i.frames ?? 1), 0);
}

/**
 * The series in the order a reader opens them: the series of the exam itself, those with the most images first
 * (the primary one: a scout has one to three images, the axial stack hundreds), then the supplementary ones.
 * Stable: among equals, the case's own order (series number) stands.
 */
export function seriesInReadingOrder(all: readonly ViewableSeries[]): ViewableSeries[] {
  const main = all.filter((s) => !isSupplementarySeries(s)).sort((a, b) => imageCountOf(b) - imageCountOf(a));
  return [...main, ...all.filter((s) => isSupplementarySeries(s))];
}
