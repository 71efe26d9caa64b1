// The Modality Worklist against dcmtk's findscu -W, with query files made by dump2dcm from dump text: a registered
// exam not yet imaged is a scheduled step of its township's devices, matched on AE title, modality, date (single and
// ranges), patient ID, accession number and name wildcards; the Chinese name comes back in the character set the
// query declared (GB18030 or UTF-8), checked on the returned bytes; other townships' exams stay invisible.
import { mkdir, mkdtemp, readdir, readFile, rm, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import dicomParser from 'dicom-parser';
import iconv from 'iconv-lite';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { syntheticCt } from '../fixtures/dicom-writer.ts';
import type { ApiClient } from '../helpers/api-client.ts';
import { dcmtk } from '../helpers/dcmtk.ts';
import { BACKENDS, startTestServer, type TestServer } from '../helpers/test-server.ts';

const DAY_MS = 24 * 60 * 60 * 1000;
/** a China calendar day as DICOM writes it (DA), `days` from today */
const chinaDay = (days = 0) => new Date(Date.now() + 8 * 60 * 60 * 1000 + days * DAY_MS).toISOString().slice(0, 10).replace(/-/g, '');

interface Answer {
  accessionNumber: string;
  patientId: string;
  /** the raw bytes of (0010,0010) */
  nameBytes: Buffer;
  charset: string | undefined;
  modality: string | undefined;
  station: string | undefined;
  keys: string[];
  /** a top-level or (with `inStep`) step text element, its bytes decoded in `encoding` and trimmed */
  text: (tag: string, encoding: string, inStep?: boolean) => string | undefined;
}

describe.each(BACKENDS)('Modality Worklist (%s)', (backend) => {
  let server: TestServer;
  let port: number;
  let dir: string;
  let tech1: ApiClient;
  let tech2: ApiClient;
  let queryNo = 0;
  const exams: Record<string, { id: string; accessionNumber: string; patientId: string }> = {};

  async function register(client: ApiClient, key: string, patient: Record<string, unknown>, examKind: string, requisition = {}) {
    const created = await client.post('/api/cases', { patient, examKind, bodyPart: '胸部', ...requisition });
    expect(created.status, JSON.stringify(created.body)).toBe(201);
    exams[key] = { id: created.body.id, accessionNumber: created.body.accessionNumber, patientId: created.body.patient.id };
  }

  beforeAll(async () => {
    server = await startTestServer(backend, { TELEDX_DICOM_PORT: '0' });
    port = server.server.dicomPort!;
    dir = await mkdtemp(join(tmpdir(), 'teledx-mwl-'));
    [tech1, tech2] = await Promise.all([server.login('tech1'), server.login('tech2')]);
    await register(tech1, 'zhang', { name: '张三丰', sex: 'M', birthDate: '1960-01-02' }, 'CT', {
      visitKind: 'OUTPATIENT',
      visitNumber: 'MZ20261203017',
      requestingDepartment: '内科',
      requestingDoctor: '孙医生',
      clinicalQuestion: '排除肺炎',
      clinicalHistory: '咳嗽两周，发热三天。',
    });
    await register(tech1, 'li', { name: '李四', sex: 'F', birthDate: '1971-05-06' }, 'DR', { bodyPart: '膝关节', laterality: 'LEFT' });
    await register(tech1, 'imaged', { name: '张已拍', sex: 'M' }, 'CT');
    await register(tech2, 'wang', { name: '张外镇', sex: 'M' }, 'CT');
    // an exam whose image has arrived is no longer scheduled
    const ct = syntheticCt({ rows: 16, columns: 16, accessionNumber: exams.imaged!.accessionNumber });
    const file = join(dir, 'imaged.dcm');
    await writeFile(file, ct.bytes);
    const sent = await dcmtk('storescu', ['-aet', 'TOWNSHIP1', '-aec', 'TELEDX', '127.0.0.1', String(port), file]);
    expect(sent.code, sent.output).toBe(0);
  });
  afterAll(async () => {
    await server?.close();
    await rm(dir, { recursive: true, force: true });
  });

  /**
   * findscu -W with a query written as dump text (in `encoding`), as device `aet`; answers the extracted responses.
   * The step sequence item holds `step` lines; the top level `top` lines, after the usual return keys.
   */
  async function find(opts: { aet?: string; charset?: string; top?: string[]; step?: string[]; encoding?: string }) {
    const n = ++queryNo;
    const out = join(dir, `q${n}`);
    await mkdir(out);
    const lines = [
      ...(opts.charset ? [`(0008,0005) CS [${opts.charset}]`] : []),
      '(0008,0050) SH []',
      '(0010,0010) PN []',
      '(0010,0020) LO []',
      '(0010,0030) DA []',
      '(0010,0040) CS []',
      '(0032,1060) LO []',
      '(0040,1001) SH []',
      ...(opts.top ?? []),
      '(0040,0100) SQ (Sequence with undefined length)',
      '(fffe,e000) na (Item with undefined length)',
      '(0008,0060) CS []',
      '(0040,0001) AE []',
      '(0040,0002) DA []',
      '(0040,0009) SH []',
      ...(opts.step ?? []),
      '(fffe,e00d) na',
      '(fffe,e0dd) na',
    ];
    // dump2dcm wants the keys in tag order within each level
    const text = join(dir, `q${n}.txt`);
    await writeFile(text, iconv.encode(sortDump(lines).join('\n') + '\n', opts.encoding ?? 'utf8'));
    const query = join(dir, `q${n}.dcm`);
    const made = await dcmtk('dump2dcm', [text, query]);
    expect(made.code, made.output).toBe(0);
    const result = await dcmtk('findscu', [
      '-v',
      '-W',
      '-X',
      '-od',
      out,
      '-aet',
      opts.aet ?? 'TOWNSHIP1',
      '-aec',
      'TELEDX',
      '127.0.0.1',
      String(port),
      query,
    ]);
    const files = (await readdir(out)).filter((f) => f.startsWith('rsp')).sort();
    const answers = await Promise.all(files.map(async (f) => parseAnswer(await readFile(join(out, f)))));
    return { ...result, answers };
  }

  function parseAnswer(bytes: Buffer): Answer {
    const ds = dicomParser.parseDicom(new Uint8Array(bytes));
    const name = ds.elements.x00100010;
    const step = ds.elements.x00400100?.items?.[0]?.dataSet;
    return {
      accessionNumber: ds.string('x00080050') ?? '',
      patientId: ds.string('x00100020') ?? '',
      nameBytes: name ? Buffer.from(bytes.subarray(name.dataOffset, name.dataOffset + name.length)) : Buffer.alloc(0),
      charset: ds.string('x00080005'),
      modality: step?.string('x00080060'),
      station: step?.string('x00400001'),
      keys: Object.keys(ds.elements).filter((k) => !k.startsWith('x0002')),
      text: (tag, encoding, inStep) => {
        const el = (inStep ? step : ds)?.elements[tag];
        return el && iconv.decode(Buffer.from(bytes.subarray(el.dataOffset, el.dataOffset + el.length)), encoding).trim();
      },
    };
  }

  const accessions = (answers: Answer[]) => answers.map((a) => a.accessionNumber).sort();

  it("lists the township's exams not yet imaged, scheduled on the calling device, and only those", async () => {
    const { code, output, answers } = await find({});
    expect(code, output).toBe(0);
    expect(accessions(answers)).toEqual([exams.zhang!.accessionNumber, exams.li!.accessionNumber].sort());
    const zhang = answers.find((a) => a.accessionNumber === exams.zhang!.accessionNumber)!;
    expect(zhang).toMatchObject({ patientId: exams.zhang!.patientId, modality: 'CT', station: 'TOWNSHIP1', charset: 'ISO_IR 192' });
    expect(answers.find((a) => a.accessionNumber === exams.li!.accessionNumber)!.modality).toBe('DX');
    // the other township's device sees its own exam and nothing of TOWNSHIP1's
    const other = await find({ aet: 'TOWNSHIP2' });
    expect(accessions(other.answers)).toEqual([exams.wang!.accessionNumber]);
    const audit = await server.server.ctx.db.auditEvent.findFirst({ where: { action: 'dicom.worklist_query' }, orderBy: { at: 'desc' } });
    expect(JSON.parse(audit!.details!)).toMatchObject({ aeTitle: 'TOWNSHIP2', matches: 1 });
  });

  it('returns only the keys the query asked for, and the character set', async () => {
    const { answers } = await find({ top: ['(0020,000d) UI []'] });
    const keys = answers[0]!.keys;
    expect(keys).toEqual(
      expect.arrayContaining(['x00080005', 'x00080050', 'x00100010', 'x00100020', 'x0020000d', 'x00400100', 'x00401001']),
    );
    expect(keys).not.toContain('x00401003'); // the priority was not asked for
    expect(keys).not.toContain('x00080090');
  });

  it('carries the requisition: requesting doctor and department, visit number, question, history, body part and side', async () => {
    const asked = [
      '(0008,0090) PN []',
      '(0032,1032) PN []',
      '(0032,1033) LO []',
      '(0038,0010) LO []',
      '(0040,1002) LO []',
      '(0040,1400) LT []',
    ];
    const { answers } = await find({ charset: 'GB18030', encoding: 'gb18030', top: asked, step: ['(0040,0007) LO []'] });
    const zhang = answers.find((a) => a.accessionNumber === exams.zhang!.accessionNumber)!;
    const text = (tag: string, inStep = false) => zhang.text(tag, 'gb18030', inStep);
    expect([text('x00080090'), text('x00321032'), text('x00321033'), text('x00380010')]).toEqual([
      '孙医生',
      '孙医生',
      '内科',
      'MZ20261203017',
    ]);
    expect([text('x00401002'), text('x00401400')]).toEqual(['排除肺炎', '咳嗽两周，发热三天。']);
    expect(text('x00321060')).toBe('CT 胸部');
    const li = answers.find((a) => a.accessionNumber === exams.li!.accessionNumber)!;
    expect(li.text('x00321060', 'gb18030')).toBe('DR 摄片 膝关节 左侧');
    expect(li.text('x00400007', 'gb18030', true)).toBe('DR 摄片 膝关节 左侧');
    // an exam registered without a requisition answers the keys empty
    expect(li.text('x00321032', 'gb18030')).toBe('');
  });

  it('matches on the scheduled station AE title', async () => {
    expect(accessions((await find({ step: [] })).answers)).toHaveLength(2);
    const own = await find({ step: ['(0040,0001) AE [TOWNSHIP1]'] });
    expect(accessions(own.answers)).toHaveLength(2);
    // another township's AE title schedules nothing for this device
    const foreign = await find({ step: ['(0040,0001) AE [TOWNSHIP2]'] });
    expect(foreign.answers).toEqual([]);
  });

  it('matches on modality: CT; DR exams by DX, CR or DR', async () => {
    expect(accessions((await find({ step: ['(0008,0060) CS [CT]'] })).answers)).toEqual([exams.zhang!.accessionNumber]);
    for (const modality of ['DX', 'CR', 'DR']) {
      const { answers } = await find({ step: [`(0008,0060) CS [${modality}]`] });
      expect(accessions(answers), modality).toEqual([exams.li!.accessionNumber]);
      expect(answers[0]!.modality).toBe(modality);
    }
    expect((await find({ step: ['(0008,0060) CS [MR]'] })).answers).toEqual([]);
  });

  it('matches on the scheduled date: a single day and ranges', async () => {
    const today = chinaDay();
    expect((await find({ step: [`(0040,0002) DA [${today}]`] })).answers).toHaveLength(2);
    expect((await find({ step: [`(0040,0002) DA [${chinaDay(-3)}-${today}]`] })).answers).toHaveLength(2);
    expect((await find({ step: [`(0040,0002) DA [-${today}]`] })).answers).toHaveLength(2);
    expect((await find({ step: [`(0040,0002) DA [${chinaDay(1)}-]`] })).answers).toEqual([]);
    expect((await find({ step: [`(0040,0002) DA [${chinaDay(-3)}-${chinaDay(-1)}]`] })).answers).toEqual([]);
    const broken = await find({ step: ['(0040,0002) DA [20261350]'] });
    expect(broken.answers).toEqual([]);
    // dcmtk names 0xA900 DataSetDoesNotMatchSOPClass (for C-FIND: the identifier does not match)
    expect(broken.output).toMatch(/Final Find Response \(Error: DataSetDoesNotMatchSOPClass\)/);
  });

  it('matches on patient ID and accession number', async () => {
    const byId = await find({ top: [`(0010,0020) LO [${exams.li!.patientId}]`] });
    expect(accessions(byId.answers)).toEqual([exams.li!.accessionNumber]);
    const byAccession = await find({ top: [`(0008,0050) SH [${exams.zhang!.accessionNumber}]`] });
    expect(accessions(byAccession.answers)).toEqual([exams.zhang!.accessionNumber]);
    // another township's accession number is not found from here
    expect((await find({ top: [`(0008,0050) SH [${exams.wang!.accessionNumber}]`] })).answers).toEqual([]);
  });

  it('matches names with * and ? wildcards', async () => {
    const utf8 = { charset: 'ISO_IR 192' };
    expect(accessions((await find({ ...utf8, top: ['(0010,0010) PN [张*]'] })).answers)).toEqual([exams.zhang!.accessionNumber]);
    expect(accessions((await find({ ...utf8, top: ['(0010,0010) PN [李?]'] })).answers)).toEqual([exams.li!.accessionNumber]);
    expect(accessions((await find({ ...utf8, top: ['(0010,0010) PN [*三?]'] })).answers)).toEqual([exams.zhang!.accessionNumber]);
    expect((await find({ ...utf8, top: ['(0010,0010) PN [李?四]'] })).answers).toEqual([]);
    // a query declaring no character set is read in the server's default (GB18030), as uploads are
    expect(accessions((await find({ encoding: 'gb18030', top: ['(0010,0010) PN [李*]'] })).answers)).toEqual([exams.li!.accessionNumber]);
    expect(accessions((await find({ top: ['(0010,0010) PN [*]'] })).answers)).toHaveLength(2);
  });

  it('answers a GB18030 query in GB18030, and a UTF-8 one in UTF-8: the bytes decode to the name', async () => {
    const gb = await find({ charset: 'GB18030', encoding: 'gb18030', top: ['(0010,0010) PN [张三*]'] });
    expect(gb.code, gb.output).toBe(0);
    expect(gb.answers).toHaveLength(1);
    expect(gb.answers[0]!.charset).toBe('GB18030');
    expect(gb.answers[0]!.nameBytes.equals(iconv.encode('张三丰', 'gb18030'))).toBe(true);
    expect(iconv.decode(gb.answers[0]!.nameBytes, 'gb18030')).toBe('张三丰');

    const utf = await find({ charset: 'ISO_IR 192', top: ['(0010,0010) PN [张三*]'] });
    expect(utf.answers[0]!.charset).toBe('ISO_IR 192');
    // 9 bytes, padded to 10 with a space
    expect(utf.answers[0]!.nameBytes.equals(Buffer.from('张三丰 ', 'utf8'))).toBe(true);

    const gbk = await find({ charset: 'GBK', encoding: 'gbk', top: ['(0010,0010) PN [李*]'] });
    expect(gbk.answers[0]!.charset).toBe('GBK');
    expect(iconv.decode(gbk.answers[0]!.nameBytes, 'gbk').trim()).toBe('李四');

    // dcmdump, decoding the answer by its own declaration, shows the name
    const again = await find({ charset: 'GB18030', encoding: 'gb18030', top: ['(0010,0010) PN [张三*]'] });
    expect(again.answers).toHaveLength(1);
    const out = join(dir, `q${queryNo}`);
    const dump = await dcmtk('dcmdump', [
      '--convert-to-utf8',
      join(
        out,
        (await readdir(out)).find((f) => f.startsWith('rsp'))!,
      ),
    ]);
    expect(dump.output).toContain('张三丰');
  });

  it('rejects an unknown calling AE title', async () => {
    const { code, output, answers } = await find({ aet: 'STRANGER' });
    expect(code).not.toBe(0);
    expect(output).toMatch(/Calling AE Title Not Recognized/i);
    expect(answers).toEqual([]);
  });
});

/** dump lines sorted by tag at the top level, the sequence (with its item) kept whole where its tag sorts */
function sortDump(lines: string[]): string[] {
  const start = lines.findIndex((l) => l.startsWith('(0040,0100)'));
  const end = lines.findIndex((l) => l.startsWith('(fffe,e0dd)'));
  const sequence = lines.slice(start, end + 1);
  const itemStart = sequence.findIndex((l) => l.startsWith('(fffe,e000)'));
  const itemEnd = sequence.findIndex((l) => l.startsWith('(fffe,e00d)'));
  const item = dedupe(sequence.slice(itemStart + 1, itemEnd));
  const top = dedupe([...lines.slice(0, start), ...lines.slice(end + 1)]);
  const tagOf = (l: string) => l.slice(1, 10).toLowerCase();
  const blocks: [string, string[]][] = [
    ...top.map((l): [string, string[]] => [tagOf(l), [l]]),
    [
      '0040,0100',
      [sequence[0]!, sequence[itemStart]!, ...item.sort((a, b) => tagOf(a).localeCompare(tagOf(b))), sequence[itemEnd]!, sequence.at(-1)!],
    ],
  ];
  return blocks.sort((a, b) => a[0].localeCompare(b[0])).flatMap(([, l]) => l);
}

/** a later line with the same tag replaces an earlier one (the empty return key gives way to a matching value) */
function dedupe(lines: string[]): string[] {
  const byTag = new Map<string, string>();
  for (const line of lines) byTag.set(line.slice(1, 10).toLowerCase(), line);
  return [...byTag.values()];
}
