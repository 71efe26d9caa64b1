// The printed report's optional QR code (TELEDX_REPORT_QR): it opens the report's public verification page, the
// address a person holding the paper would otherwise type (exam number, version, verification code). Drawn as
// vector squares, one filled square per dark module, so it prints sharp at any size and a test can read it back.
import QRCode from 'qrcode';
import { verificationPath } from '../../shared/reports.ts';

/** The client's public page for one printed version (client/src/screens/verify/): it asks the verification API. */
export function verificationUrl(origin: string, accessionNumber: string, version: number, code: string): string {
  return origin + verificationPath(accessionNumber, version, code);
}

/** Modules of light margin on each side, as the QR standard asks for (the paper is the light). */
export const QR_QUIET_ZONE = 4;

/** The QR symbol of a text: its dark modules, row by row (error correction M, the reader's usual choice). */
export function qrModules(text: string): boolean[][] {
  const { modules } = QRCode.create(text, { errorCorrectionLevel: 'M' });
  return Array.from({ length: modules.size }, (_, row) =>
    Array.from({ length: modules.size }, (_, column) => modules.get(row, column) === 1),
  );
}

/** Draws the QR code of `text` in a `size`-point square at (x, y), the quiet zone included, as one black fill. */
export function drawQrCode(doc: PDFKit.PDFDocument, text: string, x: number, y: number, size: number): void {
  const modules = qrModules(text);
  const module = size / (modules.length + 2 * QR_QUIET_ZONE);
  doc.save();
  modules.forEach((row, r) =>
    row.forEach((dark, c) => {
      if (dark) doc.rect(x + (c + QR_QUIET_ZONE) * module, y + (r + QR_QUIET_ZONE) * module, module, module);
    }),
  );
  doc.fill('#000000');
  doc.restore();
}
