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

/**
 * The series the viewer opens on: the first of the exam's own modality, never a secondary capture (a screenshot, a
 * scanned form) or another modality's series (a report, a presentation state) while the exam has one of its own.
 */
export function initialSeries(list: readonly ViewableSeries[]): ViewableSeries | undefined {
  return list.find((s) => s.series.role === 'PRIMARY') ?? list[0];
}
