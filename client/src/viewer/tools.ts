// The cornerstone-tools tools of a viewport: which sit on which mouse button, the left-button tools the toolbar
// offers, the in-page text prompt of the text annotations, how a measurement reads in the toolbar, and removing a
// stack's annotations.
import type { Image } from 'cornerstone-core';
import i18next, { type TFunction } from 'i18next';
import type { Messages } from '../i18n/zh-CN.ts';
import { loadedTools } from './cornerstone.ts';
import { viewerLibraries } from './imageLoading.ts';
import { localizeToolText, translateToolText } from './tool-labels.ts';

export type LeftTool = 'Wwwc' | 'Pan' | 'Length' | 'Angle' | 'EllipticalRoi' | 'RectangleRoi' | 'ArrowAnnotate' | 'TextMarker';
type ViewerText = keyof Messages['viewer'];

/** the tools on the left button, in toolbar order */
export const LEFT_TOOLS: readonly { name: LeftTool; testId: string; label: ViewerText }[] = [
  { name: 'Wwwc', testId: 'viewer-tool-wl', label: 'toolWl' },
  { name: 'Pan', testId: 'viewer-tool-pan', label: 'toolPan' },
  { name: 'Length', testId: 'viewer-tool-length', label: 'toolLength' },
  { name: 'Angle', testId: 'viewer-tool-angle', label: 'toolAngle' },
  { name: 'EllipticalRoi', testId: 'viewer-tool-ellipse', label: 'toolEllipse' },
  { name: 'RectangleRoi', testId: 'viewer-tool-rect', label: 'toolRect' },
  { name: 'ArrowAnnotate', testId: 'viewer-tool-arrow', label: 'toolArrow' },
  { name: 'TextMarker', testId: 'viewer-tool-text', label: 'toolText' },
];

/** the tools that leave something on the image (tool state, kept per image id), as opposed to changing the view */
const ANNOTATION_TOOLS = ['Length', 'Angle', 'EllipticalRoi', 'RectangleRoi', 'ArrowAnnotate', 'TextMarker'] as const;
type AnnotationTool = (typeof ANNOTATION_TOOLS)[number];

const LEFT = 1;
const RIGHT = 2;
const MIDDLE = 4;

/** Asks the reader for an annotation's text, starting from `initial`; `done(null)` when they cancel. */
export type AskText = (initial: string, done: (text: string | null) => void) => void;

/**
 * A text marker is placed by a click with this text and relabelled at once through AskText: TextMarkerTool takes
 * its text from a list configured beforehand, and cannot ask before placing.
 */
const UNLABELLED_MARKER = '…';

interface Point {
  x: number;
  y: number;
}
interface MeasurementData {
  handles: { start?: Point; middle?: Point; end?: Point };
  text?: string;
  invalidated?: boolean;
  cachedStats?: { mean: number; stdDev: number; area: number };
}
export interface MeasurementEventDetail {
  toolName?: string;
  toolType?: string;
  measurementData?: MeasurementData;
}

/**
 * Adds every tool to the element, W/L on the left button, zoom on the right, pan on the middle, the annotation
 * tools passive (their drawings stay visible and can be moved). Returns the clean-up for what it listens to.
 */
export function registerViewerTools(element: HTMLElement, askText: AskText): () => void {
  const tools = loadedTools();
  const canvas = element.querySelector('canvas');
  if (canvas) translateToolText(canvas, (text) => localizeToolText(text, i18next.t));
  tools.addToolForElement(element, tools.WwwcTool);
  tools.addToolForElement(element, tools.ZoomTool, {
    // a drag up zooms in, the way the readers expect; cornerstone-tools' default (invert: false) zooms in on a drag down
    configuration: { invert: true, preventZoomOutsideImage: false, minScale: 0.1, maxScale: 20 },
  });
  tools.addToolForElement(element, tools.PanTool);
  tools.addToolForElement(element, tools.LengthTool);
  tools.addToolForElement(element, tools.AngleTool);
  tools.addToolForElement(element, tools.EllipticalRoiTool);
  tools.addToolForElement(element, tools.RectangleRoiTool);
  // the library's defaults call window.prompt, which blocks the page; ours is a small form over the image
  tools.addToolForElement(element, tools.ArrowAnnotateTool, {
    configuration: {
      getTextCallback: (done: (text: string | null) => void) => askText('', done),
      changeTextCallback: (data: MeasurementData, _event: unknown, done: (text: string | undefined) => void) =>
        askText(data.text ?? '', (text) => done(text || data.text)),
    },
  });
  tools.addToolForElement(element, tools.TextMarkerTool, {
    configuration: {
      markers: [UNLABELLED_MARKER],
      current: UNLABELLED_MARKER,
      loop: true,
      changeTextCallback: (data: MeasurementData, _event: unknown, done: (data: MeasurementData, text: string | undefined) => void) =>
        askText(data.text ?? '', (text) => {
          done(data, text || data.text);
          announceMarker(element, data);
        }),
    },
  });
  tools.setToolActiveForElement(element, 'Zoom', { mouseButtonMask: RIGHT });
  activateLeftTool(element, 'Wwwc');

  // a marker just placed, still with the placeholder: ask for its text; without one, it goes
  const labelNewMarker = (event: Event) => {
    const detail = (event as CustomEvent<MeasurementEventDetail>).detail;
    const data = detail.measurementData;
    if (toolNameOf(detail) !== 'TextMarker' || !data || data.text !== UNLABELLED_MARKER) return;
    askText('', (text) => {
      if (text) data.text = text;
      else tools.removeToolState(element, 'TextMarker', data);
      viewerLibraries().cornerstone.updateImage(element);
      if (text) announceMarker(element, data);
    });
  };
  element.addEventListener(tools.EVENTS.MEASUREMENT_COMPLETED, labelNewMarker);
  return () => element.removeEventListener(tools.EVENTS.MEASUREMENT_COMPLETED, labelNewMarker);
}

/**
 * Tells the element's listeners that a text marker's text changed, as the other tools do for their changes
 * (TextMarkerTool itself says nothing when relabelled), so that the toolbar's readout shows it.
 */
function announceMarker(element: HTMLElement, data: MeasurementData): void {
  const tools = loadedTools();
  const detail = { toolName: 'TextMarker', toolType: 'TextMarker', element, measurementData: data };
  element.dispatchEvent(new CustomEvent(tools.EVENTS.MEASUREMENT_MODIFIED, { detail }));
}

/** Puts `tool` on the left button; pan stays on the middle one, and the other annotation tools passive. */
export function activateLeftTool(element: HTMLElement, tool: LeftTool): void {
  const tools = loadedTools();
  tools.setToolActiveForElement(element, tool, { mouseButtonMask: LEFT });
  if (tool !== 'Pan') tools.setToolActiveForElement(element, 'Pan', { mouseButtonMask: MIDDLE });
  for (const name of ANNOTATION_TOOLS) if (name !== tool) tools.setToolPassiveForElement(element, name);
}

/** Removes every annotation from every image of the stack, not only the one on screen. */
export function clearAnnotations(element: HTMLElement, imageIds: readonly string[]): void {
  const { cornerstone } = viewerLibraries();
  const tools = loadedTools();
  for (const imageId of imageIds) tools.globalImageIdSpecificToolStateManager.clearImageIdToolState(imageId);
  cornerstone.updateImage(element);
}

export type Measurement =
  | { kind: 'length'; value: number; unit: 'mm' | 'px' }
  | { kind: 'angle'; degrees: number }
  | { kind: 'ellipse' | 'rectangle'; mean: number; stdDev: number; area: number; hounsfield: boolean; unit: 'mm' | 'px' }
  | { kind: 'arrow' | 'text'; text: string };

/** What a measurement event's drawing measures, on the image the element shows; null when there is nothing to say. */
export function describeMeasurement(element: HTMLElement, detail: MeasurementEventDetail): Measurement | null {
  const { cornerstone } = viewerLibraries();
  const tools = loadedTools();
  const image = cornerstone.getEnabledElement(element).image;
  const data = detail.measurementData;
  const toolName = toolNameOf(detail);
  if (!image || !data || !toolName) return null;
  const { start, middle, end } = data.handles;
  const spacing = pixelSpacingOf(image);
  const unit = spacing ? 'mm' : 'px';
  // in millimetres when the image says its pixel spacing (as the tools measure), else in pixels
  const scaled = (from: Point, to: Point) => ({ x: (to.x - from.x) * (spacing?.column ?? 1), y: (to.y - from.y) * (spacing?.row ?? 1) });
  switch (toolName) {
    case 'Length': {
      if (!start || !end) return null;
      const { x, y } = scaled(start, end);
      return { kind: 'length', value: Math.hypot(x, y), unit };
    }
    case 'Angle': {
      if (!start || !middle || !end) return null;
      const a = scaled(middle, start);
      const b = scaled(middle, end);
      const degrees = (Math.acos((a.x * b.x + a.y * b.y) / (Math.hypot(a.x, a.y) * Math.hypot(b.x, b.y))) * 180) / Math.PI;
      return Number.isFinite(degrees) ? { kind: 'angle', degrees } : null;
    }
    case 'EllipticalRoi':
    case 'RectangleRoi': {
      // the tool's own statistics (modality values: Hounsfield units on CT, with Rescale Slope and Intercept),
      // brought up to date: the tool refreshes them only as often as it redraws
      if (data.invalidated !== false || !data.cachedStats)
        tools.getToolForElement(element, toolName)?.updateCachedStats?.(image, element, data);
      const stats = data.cachedStats;
      if (!stats) return null;
      const modality = (cornerstone.metaData.get('generalSeriesModule', image.imageId) as { modality?: string } | undefined)?.modality;
      return {
        kind: toolName === 'EllipticalRoi' ? 'ellipse' : 'rectangle',
        mean: stats.mean,
        stdDev: stats.stdDev,
        area: stats.area,
        hounsfield: modality === 'CT',
        unit,
      };
    }
    case 'ArrowAnnotate':
    case 'TextMarker':
      return data.text && data.text !== UNLABELLED_MARKER
        ? { kind: toolName === 'ArrowAnnotate' ? 'arrow' : 'text', text: data.text }
        : null;
    default:
      return null;
  }
}

/** The toolbar's reading of a measurement: "长度：12.3 毫米", "角度：45.0°", "矩形：均值 40.0 HU，标准差 10.0，面积 2304.0 平方毫米". */
export function formatMeasurement(measurement: Measurement, t: TFunction): string {
  const readout = (label: ViewerText, value: string) => `${t(`viewer.${label}`)}${t('common.colon')}${value}`;
  switch (measurement.kind) {
    case 'length':
      return readout('measurement', `${measurement.value.toFixed(1)} ${t(`measureUnit.${measurement.unit}`)}`);
    case 'angle':
      return readout('measureAngle', `${measurement.degrees.toFixed(1)}°`);
    case 'ellipse':
    case 'rectangle': {
      const huSuffix = measurement.hounsfield ? ' HU' : '';
      const stats = t('viewer.roiStats', {
        mean: `${measurement.mean.toFixed(1)}${huSuffix}`,
        stdDev: `${measurement.stdDev.toFixed(1)}${huSuffix}`,
        area: `${measurement.area.toFixed(1)} ${t(`measureUnit.${measurement.unit}2`)}`,
      });
      return readout(measurement.kind === 'ellipse' ? 'measureEllipse' : 'measureRect', stats);
    }
    case 'arrow':
    case 'text':
      return readout(measurement.kind === 'arrow' ? 'measureArrow' : 'measureText', measurement.text);
  }
}

function toolNameOf(detail: MeasurementEventDetail): AnnotationTool | undefined {
  const name = detail.toolName ?? detail.toolType;
  return ANNOTATION_TOOLS.find((tool) => tool === name);
}

/** Pixel Spacing (mm) from the image plane, else from the image; undefined when the file does not say. */
function pixelSpacingOf(image: Image): { row: number; column: number } | undefined {
  const { cornerstone } = viewerLibraries();
  const plane = cornerstone.metaData.get('imagePlaneModule', image.imageId) as
    { rowPixelSpacing?: number; columnPixelSpacing?: number } | undefined;
  const row = plane?.rowPixelSpacing ?? image.rowPixelSpacing;
  const column = plane?.columnPixelSpacing ?? image.columnPixelSpacing;
  return row && column ? { row, column } : undefined;
}
