// cornerstone-tools writes its labels on the image in English ("12.3 mm", "Area: 20.00 mm²", "Mean: 40.00 HU")
// and has no hook for them. The words are translated as they are drawn: the viewport's canvas context gets its own
// fillText and measureText (the text box is sized by measureText, so both see the same text). Nothing else draws
// text on that canvas: Cornerstone puts the image there with drawImage, and our overlays are HTML.
import type { TFunction } from 'i18next';

/** the label words of the tools we use (LengthTool, AngleTool, EllipticalRoiTool, RectangleRoiTool) */
const LABEL_WORDS = {
  'Area: ': 'area',
  'Mean: ': 'mean',
  'Std Dev: ': 'stdDev',
  'Radius: ': 'radius',
  'Perimeter: ': 'perimeter',
  'Min: ': 'min',
  'Max: ': 'max',
} as const;

/** a unit after a number: " mm", " mm²", " px", " px²", " pixels" (LengthTool's word for px) */
const UNIT = /(?<=\d) (mm|px|pixels)(²?)(?![A-Za-z])/g;

/** One line of a tool's label in the UI's language; text it does not know (the reader's own notes) is left as is. */
export function localizeToolText(text: string, t: TFunction): string {
  let out = text;
  for (const [word, key] of Object.entries(LABEL_WORDS)) {
    out = out.replaceAll(word, `${t(`measureLabel.${key}`)}${t('common.colon')}`);
  }
  out = out.replace(UNIT, (_, unit: string, squared: string) => {
    const base = unit === 'mm' ? 'mm' : 'px';
    return ` ${t(squared ? `measureUnit.${base}2` : `measureUnit.${base}`)}`;
  });
  return out.replace(' (isotropic)', t('measureLabel.isotropic'));
}

const localized = new WeakSet<CanvasRenderingContext2D>();

/** Makes the tools' text on `canvas` go through `translate` (once per canvas; later calls change nothing). */
export function translateToolText(canvas: HTMLCanvasElement, translate: (text: string) => string): void {
  const context = canvas.getContext('2d');
  if (!context || localized.has(context)) return;
  localized.add(context);
  const { fillText, measureText } = context;
  context.fillText = (text, x, y, maxWidth) =>
    maxWidth === undefined ? fillText.call(context, translate(text), x, y) : fillText.call(context, translate(text), x, y, maxWidth);
  context.measureText = (text) => measureText.call(context, translate(text));
}
