// The CJK font embedded in printed reports. Debian's fonts-noto-cjk (or a font named by TELEDX_CJK_FONT)
// is found on the machine, never downloaded; without one, printing fails with a message that says what to install.
import { execFileSync } from 'node:child_process';
import { existsSync } from 'node:fs';
import PDFDocument from 'pdfkit';
import { HttpError } from '../http/errors.ts';

export interface CjkFont {
  path: string;
  /** the face inside a .ttc collection */
  family?: string;
}

const CANDIDATES: CjkFont[] = [
  { path: '/usr/share/fonts/opentype/noto/NotoSansCJK-Regular.ttc', family: 'NotoSansCJKsc-Regular' },
  { path: '/usr/share/fonts/opentype/noto/NotoSerifCJK-Regular.ttc', family: 'NotoSerifCJKsc-Regular' },
  { path: '/usr/share/fonts/truetype/wqy/wqy-microhei.ttc', family: 'WenQuanYiMicroHei' },
  { path: '/usr/share/fonts/truetype/arphic/uming.ttc', family: 'AR-PL-UMing-CN' },
];

let found: CjkFont | null | undefined;

export function findCjkFont(env: Record<string, string | undefined> = process.env): CjkFont {
  if (found === undefined) found = locate(env);
  if (!found) {
    throw new HttpError(
      503,
      'NO_CJK_FONT',
      'no Chinese font is installed for printing: apt-get install fonts-noto-cjk (or set TELEDX_CJK_FONT)',
    );
  }
  return found;
}

function locate(env: Record<string, string | undefined>): CjkFont | null {
  const configured = env.TELEDX_CJK_FONT;
  if (configured) {
    const [path, family] = configured.split('#');
    return existsSync(path!) ? { path: path!, family } : null;
  }
  const known = CANDIDATES.find((c) => existsSync(c.path));
  if (known) return known;
  try {
    // fontconfig knows fonts in places the list does not; only single-face files are safe to use without a name
    const path = execFileSync('fc-match', ['-f', '%{file}', ':lang=zh-cn'], { encoding: 'utf8' }).trim();
    return path && /\.(ttf|otf)$/i.test(path) && existsSync(path) ? { path } : null;
  } catch {
    return null;
  }
}

/**
 * A pdfkit document with the CJK font registered (as 'cjk') and selected, and its bytes once `doc.end()` is
 * called: every printed page of teledx (the report, the settlement statement) starts here.
 */
export function cjkPdfDocument(options: PDFKit.PDFDocumentOptions): { doc: PDFKit.PDFDocument; bytes: Promise<Buffer> } {
  const font = findCjkFont();
  const doc = new PDFDocument(options);
  const chunks: Buffer[] = [];
  doc.on('data', (c: Buffer) => chunks.push(c));
  const bytes = new Promise<Buffer>((resolve) => doc.on('end', () => resolve(Buffer.concat(chunks))));
  doc.registerFont('cjk', font.path, font.family);
  doc.font('cjk');
  return { doc, bytes };
}
