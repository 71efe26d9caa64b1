// Chinese text in DICOM: declared UTF-8, GB18030, GBK, ISO 2022 IR 58 (GB2312 with escapes), and the
// undeclared GBK that domestic devices write.
import { readFileSync } from 'node:fs';
import { describe, expect, it } from 'vitest';
import iconv from 'iconv-lite';
import { displayPersonName } from '../../server/dicom/person-name.ts';
import { decodeDicomText } from '../../server/ingest/charset.ts';
import { readDicomHeader } from '../../server/ingest/dicom-header.ts';
import { corpusFile } from '../fixtures/corpus.ts';

const opts = { vr: 'PN', defaultCharset: 'GB18030' };
const bufferSource = (b: Buffer) => ({ size: b.length, read: async (s: number, e: number) => b.subarray(s, e) });

describe('DICOM character sets', () => {
  it('decodes UTF-8 (ISO_IR 192)', () => {
    expect(decodeDicomText(Buffer.from('Zhang^San=张^三=', 'utf8'), 'ISO_IR 192', opts)).toBe('Zhang^San=张^三=');
  });

  it('decodes GB18030, including characters outside GBK', () => {
    const name = '王^䶮'; // 䶮 (U+4DAE) is only in GB18030, not in GBK
    expect(decodeDicomText(iconv.encode(name, 'gb18030'), 'GB18030', opts)).toBe(name);
  });

  it('decodes declared GBK', () => {
    expect(decodeDicomText(iconv.encode('李^四', 'gbk'), 'GBK', opts)).toBe('李^四');
  });

  it('decodes ISO 2022 IR 58 (GB2312 with escape sequences)', () => {
    // As in PS3.5 Annex J: each name component re-designates GB2312 into G1 (ESC $ ) A), since the
    // delimiters ^ and = return to the default set; the bytes keep their high bit (EUC-CN).
    const esc = Buffer.from([0x1b, 0x24, 0x29, 0x41]);
    const gb = (s: string) => Buffer.concat([esc, iconv.encode(s, 'gb2312')]);
    const bytes = Buffer.concat([Buffer.from('Zhang^XiaoDong=', 'latin1'), gb('张'), Buffer.from('^'), gb('小东'), Buffer.from('=')]);
    expect(decodeDicomText(bytes, '\\ISO 2022 IR 58', opts)).toBe('Zhang^XiaoDong=张^小东=');
  });

  it('decodes undeclared non-ASCII bytes with the configured default (GBK written silently)', () => {
    expect(decodeDicomText(iconv.encode('张三', 'gbk'), undefined, opts)).toBe('张三');
    expect(decodeDicomText(iconv.encode('张三', 'gbk'), '', opts)).toBe('张三');
  });

  it('leaves plain ASCII alone when nothing is declared', () => {
    expect(decodeDicomText(Buffer.from('DOE^JOHN '), undefined, opts)).toBe('DOE^JOHN');
  });

  it('shows the ideographic group of a person name, family name first without a space', () => {
    expect(displayPersonName('Zhang^San=张^三=zhang^san')).toBe('张三');
    expect(displayPersonName('Wang^XiaoDong')).toBe('Wang XiaoDong');
  });

  it("reads pydicom's real Chinese files (UTF-8 and GB18030) through the header reader", async () => {
    for (const [file, expected] of [
      ['charset_files/chrX1.dcm', 'Wang^XiaoDong=王^小東='],
      ['charset_files/chrX2.dcm', 'Wang^XiaoDong=王^小东='],
    ] as const) {
      const bytes = readFileSync(corpusFile(file));
      const result = await readDicomHeader(bufferSource(bytes), { defaultCharset: 'GB18030' });
      expect(result.ok && result.header.patient.name).toBe(expected);
      expect(result.ok && displayPersonName(result.header.patient.name!)).toBe(file.endsWith('X1.dcm') ? '王小東' : '王小东');
    }
  });
});
