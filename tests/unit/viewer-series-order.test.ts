// Which series the viewer opens first (the primary one, not a scout, a dose page or a screenshot), and which
// series each pane of a layout shows.
import { describe, expect, it } from 'vitest';
import type { InstanceDto, SeriesRole } from '../../shared/api.ts';
import { seriesOfPanes } from '../../client/src/viewer/layout.ts';
import { isSupplementarySeries, seriesInReadingOrder, type ViewableSeries } from '../../client/src/viewer/series.ts';

const CT_IMAGE = '1.2.840.10008.5.1.4.1.1.2';
const SECONDARY_CAPTURE = '1.2.840.10008.5.1.4.1.1.7';
const MULTIFRAME_TRUE_COLOUR_SC = '1.2.840.10008.5.1.4.1.1.7.4';

let next = 0;
function series(
  id: string,
  options: {
    images?: number;
    modality?: string;
    description?: string;
    sopClassUid?: string;
    frames?: number;
    role?: SeriesRole;
  } = {},
): ViewableSeries {
  const instances: InstanceDto[] = Array.from({ length: options.images ?? 1 }, (_, i) => ({
    id: `${id}-${i}`,
    sopInstanceUid: `1.2.3.${next++}`,
    sopClassUid: options.sopClassUid ?? CT_IMAGE,
    instanceNumber: i + 1,
    transferSyntaxUid: '1.2.840.10008.1.2.1',
    rows: 512,
    columns: 512,
    frames: options.frames ?? null,
    byteSize: 1,
    sha256: '',
    identity: 'MATCH',
  }));
  return {
    series: {
      id,
      seriesInstanceUid: `1.2.4.${id}`,
      modality: options.modality ?? 'CT',
      seriesNumber: null,
      seriesDescription: options.description ?? null,
      bodyPart: null,
      role: options.role ?? 'PRIMARY',
      instances,
    },
    study: {} as ViewableSeries['study'],
    instances,
  };
}
const ids = (list: readonly (ViewableSeries | null)[]) => list.map((s) => s?.series.id ?? null);

describe('the primary series', () => {
  it('opens the axial stack before the scout that comes first', () => {
    const scout = series('scout', { images: 2, description: 'Topogram 0.6 T20f' });
    const axial = series('axial', { images: 120, description: 'Head 5.0 H31s' });
    expect(ids(seriesInReadingOrder([scout, axial]))).toEqual(['axial', 'scout']);
  });

  it('tells supplementary series by SOP class, modality and description, in English and Chinese', () => {
    expect(isSupplementarySeries(series('sc', { sopClassUid: SECONDARY_CAPTURE }))).toBe(true);
    expect(isSupplementarySeries(series('mfsc', { sopClassUid: MULTIFRAME_TRUE_COLOUR_SC, frames: 40 }))).toBe(true);
    expect(isSupplementarySeries(series('ot', { modality: 'OT' }))).toBe(true);
    expect(isSupplementarySeries(series('sc-modality', { modality: 'sc' }))).toBe(true);
    expect(isSupplementarySeries(series('dose', { description: 'Patient Protocol / Dose Report' }))).toBe(true);
    expect(isSupplementarySeries(series('loc', { modality: 'MR', description: '3-plane localizer' }))).toBe(true);
    expect(isSupplementarySeries(series('zh', { description: '定位像' }))).toBe(true);
    expect(isSupplementarySeries(series('bar', { modality: 'US', description: 'Color Bar' }))).toBe(true);
    // the server's verdict on the exam: another modality's series in a CT exam
    expect(isSupplementarySeries(series('mr-in-ct', { modality: 'MR', role: 'OTHER_MODALITY', images: 30 }))).toBe(true);
    expect(isSupplementarySeries(series('t2', { modality: 'MR', description: 'T2 TSE tra' }))).toBe(false);
    expect(isSupplementarySeries(series('cr', { modality: 'DX', description: 'Chest PA' }))).toBe(false);
  });

  it('prefers the series with the most images, counting frames, and keeps the case order among equals', () => {
    const thick = series('thick', { images: 30 });
    const thin = series('thin', { images: 150 });
    const cine = series('cine', { modality: 'US', images: 1, frames: 200 });
    expect(ids(seriesInReadingOrder([thick, thin]))).toEqual(['thin', 'thick']);
    expect(ids(seriesInReadingOrder([thick, cine]))).toEqual(['cine', 'thick']);
    // two radiographs: the first as the case lists them
    const pa = series('pa', { modality: 'DX' });
    const lateral = series('lat', { modality: 'DX' });
    expect(ids(seriesInReadingOrder([pa, lateral]))).toEqual(['pa', 'lat']);
  });

  it('puts supplementary series last, and still opens one when the case has nothing else', () => {
    const sc = series('sc', { sopClassUid: SECONDARY_CAPTURE, images: 400 });
    const dose = series('dose', { description: 'Dose Report' });
    const axial = series('axial', { images: 40 });
    const coronal = series('cor', { images: 20 });
    expect(ids(seriesInReadingOrder([sc, coronal, dose, axial]))).toEqual(['axial', 'cor', 'sc', 'dose']);
    expect(ids(seriesInReadingOrder([dose, sc]))).toEqual(['dose', 'sc']);
    expect(seriesInReadingOrder([])).toEqual([]);
  });
});

describe('the panes of a layout', () => {
  const order = [series('a'), series('b'), series('c')];

  it('fills the panes in reading order, and leaves the panes beyond the series empty', () => {
    expect(ids(seriesOfPanes('1x1', order, []))).toEqual(['a']);
    expect(ids(seriesOfPanes('1x2', order, []))).toEqual(['a', 'b']);
    expect(ids(seriesOfPanes('2x2', order, []))).toEqual(['a', 'b', 'c', null]);
  });

  it('shows the series the reader put in a pane, the others fill the rest, and an unknown choice is no choice', () => {
    expect(ids(seriesOfPanes('2x2', order, ['a', 'c', null, null]))).toEqual(['a', 'c', 'b', null]);
    expect(ids(seriesOfPanes('2x2', order, [null, 'a', null, 'c']))).toEqual(['b', 'a', null, 'c']);
    expect(ids(seriesOfPanes('1x2', order, ['gone', 'c']))).toEqual(['a', 'c']);
  });
});
