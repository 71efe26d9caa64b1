// Reads a PDF the way a person would: its text, and how many images each page paints (pdf.js, no browser).
import { getDocument, OPS } from 'pdfjs-dist/legacy/build/pdf.mjs';

export async function readPdf(bytes: Uint8Array): Promise<{ text: string; images: number; pages: number }> {
  const pdf = await getDocument({ data: new Uint8Array(bytes), verbosity: 0 }).promise;
  let text = '';
  let images = 0;
  for (let n = 1; n <= pdf.numPages; n++) {
    const page = await pdf.getPage(n);
    text += (await page.getTextContent()).items.map((i) => ('str' in i ? i.str : '')).join('') + '\n';
    images += (await page.getOperatorList()).fnArray.filter((op) => op === OPS.paintImageXObject).length;
  }
  return { text, images, pages: pdf.numPages };
}
