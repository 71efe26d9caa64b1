// Reads a PDF the way a person would: its text, how many images each page paints, its vector paths (pdf.js, no browser).
import { getDocument, OPS } from 'pdfjs-dist/legacy/build/pdf.mjs';

/** `text`: all pages' text items run together, a line per page; `items`: the same items one by one. */
export async function readPdf(bytes: Uint8Array): Promise<{ text: string; items: string[]; images: number; pages: number }> {
  const pdf = await getDocument({ data: new Uint8Array(bytes), verbosity: 0 }).promise;
  let text = '';
  const items: string[] = [];
  let images = 0;
  for (let n = 1; n <= pdf.numPages; n++) {
    const page = await pdf.getPage(n);
    const strings = (await page.getTextContent()).items.map((i) => ('str' in i ? i.str : ''));
    items.push(...strings);
    text += strings.join('') + '\n';
    images += (await page.getOperatorList()).fnArray.filter((op) => op === OPS.paintImageXObject).length;
  }
  return { text, items, images, pages: pdf.numPages };
}

type Matrix = [number, number, number, number, number, number];
const multiply = (m: Matrix, n: Matrix): Matrix => [
  m[0] * n[0] + m[2] * n[1],
  m[1] * n[0] + m[3] * n[1],
  m[0] * n[2] + m[2] * n[3],
  m[1] * n[2] + m[3] * n[3],
  m[0] * n[4] + m[2] * n[5] + m[4],
  m[1] * n[4] + m[3] * n[5] + m[5],
];

/** One stroked path as it lands on the page: its polylines in points from the page's top left, its colour. */
export interface PdfStroke {
  subpaths: [number, number][][];
  colour: string;
  /** in page points */
  lineWidth: number;
}

/** One filled path as it lands on the page: its subpaths (a rectangle is one of four corners), its colour. */
export interface PdfFill {
  subpaths: [number, number][][];
  colour: string;
}

/** An RGB colour operator's arguments (0–255 each, or pdf.js's own hex string) as #rrggbb. */
const hexColour = (args: unknown): string =>
  typeof (args as unknown[])[0] === 'string'
    ? (args as string[])[0]!
    : `#${[...Object.values(args as Record<string, number>)].map((c) => c.toString(16).padStart(2, '0')).join('')}`;

/**
 * The vector paths of a page, stroked and filled, as a printer would place them: every path's points taken
 * through the transformations in force (save/restore, cm), so a test can measure the drawing in page units. Curves
 * count by their end points; text is left out.
 */
export async function readPdfPaths(
  bytes: Uint8Array,
  pageNumber: number,
): Promise<{ width: number; height: number; strokes: PdfStroke[]; fills: PdfFill[] }> {
  const pdf = await getDocument({ data: new Uint8Array(bytes), verbosity: 0 }).promise;
  const page = await pdf.getPage(pageNumber);
  const [, , width, height] = page.view as [number, number, number, number];
  const { fnArray, argsArray } = await page.getOperatorList();
  const strokes: PdfStroke[] = [];
  const fills: PdfFill[] = [];
  const stack: { ctm: Matrix; colour: string; fillColour: string; lineWidth: number }[] = [];
  let state = { ctm: [1, 0, 0, 1, 0, 0] as Matrix, colour: '#000000', fillColour: '#000000', lineWidth: 1 };
  let pending: { subpaths: [number, number][][]; scale: number } | null = null;
  const toPage = (m: Matrix, x: number, y: number): [number, number] => [m[0] * x + m[2] * y + m[4], height - (m[1] * x + m[3] * y + m[5])];
  fnArray.forEach((fn, index) => {
    const args = argsArray[index];
    if (fn === OPS.save) stack.push({ ...state });
    else if (fn === OPS.restore) state = stack.pop() ?? state;
    else if (fn === OPS.transform) state = { ...state, ctm: multiply(state.ctm, args as Matrix) };
    else if (fn === OPS.setLineWidth) state = { ...state, lineWidth: args[0] };
    else if (fn === OPS.setStrokeRGBColor) state = { ...state, colour: hexColour(args) };
    else if (fn === OPS.setFillRGBColor) state = { ...state, fillColour: hexColour(args) };
    else if (fn === OPS.constructPath) {
      const [ops, coords] = args as [number[], number[]];
      const subpaths = pending?.subpaths ?? [];
      let c = 0;
      for (const op of ops) {
        if (op === OPS.moveTo) subpaths.push([toPage(state.ctm, coords[c++]!, coords[c++]!)]);
        else if (op === OPS.lineTo) subpaths.at(-1)?.push(toPage(state.ctm, coords[c++]!, coords[c++]!));
        else if (op === OPS.curveTo) {
          subpaths.at(-1)?.push(toPage(state.ctm, coords[c + 4]!, coords[c + 5]!));
          c += 6;
        } else if (op === OPS.curveTo2 || op === OPS.curveTo3) {
          subpaths.at(-1)?.push(toPage(state.ctm, coords[c + 2]!, coords[c + 3]!));
          c += 4;
        } else if (op === OPS.rectangle) {
          const [x, y, w, h] = coords.slice(c, (c += 4)) as [number, number, number, number];
          subpaths.push([
            toPage(state.ctm, x, y),
            toPage(state.ctm, x + w, y),
            toPage(state.ctm, x + w, y + h),
            toPage(state.ctm, x, y + h),
          ]);
        }
      }
      pending = { subpaths, scale: Math.hypot(state.ctm[0], state.ctm[1]) };
    } else if (fn === OPS.stroke || fn === OPS.closeStroke) {
      if (pending) strokes.push({ subpaths: pending.subpaths, colour: state.colour, lineWidth: state.lineWidth * pending.scale });
      pending = null;
    } else if (fn === OPS.fill || fn === OPS.eoFill) {
      if (pending) fills.push({ subpaths: pending.subpaths, colour: state.fillColour });
      pending = null;
    } else if (fn === OPS.endPath || fn === OPS.fillStroke || fn === OPS.eoFillStroke) {
      pending = null;
    }
  });
  return { width, height, strokes, fills };
}

/** A subpath that is an axis-aligned square (a rectangle's four corners, equal sides). */
const isSquare = (corners: [number, number][]) => {
  if (corners.length !== 4) return false;
  const near = (a: number, b: number) => Math.abs(a - b) < 1e-4;
  const [xs, ys] = [corners.map(([x]) => x), corners.map(([, y]) => y)];
  const [left, right, top, bottom] = [Math.min(...xs), Math.max(...xs), Math.min(...ys), Math.max(...ys)];
  const onEdges = corners.every(([x, y]) => (near(x, left) || near(x, right)) && (near(y, top) || near(y, bottom)));
  return onEdges && right - left > 0 && near(right - left, bottom - top);
};

/**
 * The QR codes drawn on a page: each black fill made only of equal squares, read back as its module grid (rows of
 * 0/1, as `QRCode.create(...).modules.data` lists them row by row) with the module's side in points. The symbol's
 * size is the grid's extent: its finder patterns make the first and last row and column dark somewhere.
 */
export async function readPdfQrCodes(bytes: Uint8Array, pageNumber: number): Promise<{ grid: number[][]; side: number }[]> {
  const { fills } = await readPdfPaths(bytes, pageNumber);
  return fills
    .filter((f) => f.colour === '#000000' && f.subpaths.length > 1 && f.subpaths.every(isSquare))
    .map(({ subpaths: squares }) => {
      const side = Math.abs(squares[0]![1]![0] - squares[0]![0]![0]);
      const corners = squares.map((sq) => [Math.min(...sq.map(([x]) => x)), Math.min(...sq.map(([, y]) => y))] as const);
      const [left, top] = [Math.min(...corners.map(([x]) => x)), Math.min(...corners.map(([, y]) => y))];
      const cells = corners.map(([x, y]) => [Math.round((y - top) / side), Math.round((x - left) / side)] as const);
      const size = Math.max(...cells.flat()) + 1;
      const grid = Array.from({ length: size }, () => new Array<number>(size).fill(0));
      for (const [row, column] of cells) grid[row]![column] = 1;
      return { grid, side };
    });
}
