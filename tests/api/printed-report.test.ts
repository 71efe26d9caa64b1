// The printed report (GET /api/cases/:id/report.pdf) read back with pdf.js, on SQLite and PostgreSQL: the
// imaging report's header, patient's age at the exam, exam number and exam date and time; the ECG report's
// 12-lead tracing (its vector paths measured against the waveform's R peaks, the grid, the calibration pulses);
// labels in Chinese with no English word, or in English when asked; the optional QR code of the verification page
// (its squares read back as the symbol of the URL).
import QRCode from 'qrcode';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { CaseDetailDto } from '../../shared/api.ts';
import { parseVerificationPath } from '../../shared/reports.ts';
import { syntheticCt } from '../fixtures/dicom-writer.ts';
import { writeDicomEcg } from '../fixtures/ecg-files.ts';
import { synthesizeEcg } from '../fixtures/ecg-synth.ts';
import type { ApiClient } from '../helpers/api-client.ts';
import { readPdf, readPdfPaths, readPdfQrCodes, type PdfStroke } from '../helpers/pdf.ts';
import { BACKENDS, DEMO_PASSWORD, startTestServer, type TestServer } from '../helpers/test-server.ts';

const PT_PER_MM = 72 / 25.4;
const LEAD_NAMES = ['I', 'II', 'III', 'aVR', 'aVL', 'aVF', 'V1', 'V2', 'V3', 'V4', 'V5', 'V6'];
/** Latin words a Chinese report prints too: lead names, units, interval names, "CT", the X of X线. */
const LATIN_IN_CHINESE_REPORTS = new Set([...LEAD_NAMES, 'ms', 'mm/s', 'mm/mV', 'PR', 'QRS', 'QT/QTc', 'CT', 'X']);

/** The Latin words of the PDF's text items that a Chinese report has no business printing (data aside: exam number…). */
function foreignWords(items: string[], data: string[]): string[] {
  const words = items.flatMap((item) => item.match(/[A-Za-z][A-Za-z0-9/.]*/g) ?? []);
  return words.filter((word) => !LATIN_IN_CHINESE_REPORTS.has(word.replace(/\.$/, '')) && !data.some((d) => d.includes(word)));
}

/** The verification code a report prints (data, like the exam number). */
const printedCode = (text: string) => text.match(/报告验证码：([0-9A-F]{4}-[0-9A-F]{4}-[0-9A-F]{4})/)?.[1];

/** A calendar date in China, as YYYY-MM-DD. */
const beijingDate = (at: Date) => new Date(at.getTime() + 8 * 3600_000).toISOString().slice(0, 10);

describe.each(BACKENDS)('printed report (%s)', (backend) => {
  let server: TestServer;
  let tech1: ApiClient;
  let reader1: ApiClient;
  let ecg1: ApiClient;
  beforeAll(async () => {
    server = await startTestServer(backend);
    [tech1, reader1, ecg1] = await Promise.all([server.login('tech1'), server.login('reader1'), server.login('ecg1')]);
  });
  afterAll(() => server?.close());

  /** A case registered, given its files, submitted, claimed, reported and signed; answers its detail. */
  async function signedCase(
    registration: Record<string, unknown>,
    file: Uint8Array,
    reader: ApiClient,
    report: Record<string, unknown>,
  ): Promise<CaseDetailDto> {
    const id = (await tech1.post('/api/cases', registration)).body.id as string;
    expect((await tech1.upload(id, [{ name: 'exam.dcm', data: file }])).body.rejected).toEqual([]);
    expect((await tech1.post(`/api/cases/${id}/submit`)).status).toBe(200);
    expect((await reader.post(`/api/cases/${id}/claim`)).status).toBe(200);
    expect((await reader.request('PUT', `/api/cases/${id}/report`, { json: report })).status).toBe(200);
    expect((await reader.post(`/api/cases/${id}/report/sign`, { password: DEMO_PASSWORD })).status).toBe(200);
    return (await tech1.get(`/api/cases/${id}`)).body as CaseDetailDto;
  }
  const pdfOf = async (id: string, query = '') => {
    const res = await tech1.get(`/api/cases/${id}/report.pdf${query}`);
    expect(res.status).toBe(200);
    return res.body as Uint8Array;
  };

  it('imaging: the hospital and township, age at the exam, exam number, exam date and time, Chinese labels only', async () => {
    const before = new Date();
    const today = beijingDate(before);
    const fortyFiveYearsAgo = `${Number(today.slice(0, 4)) - 45}${today.slice(4)}`;
    const registration = {
      patient: { name: '王建国', sex: 'M', birthDate: fortyFiveYearsAgo },
      examKind: 'CT',
      bodyPart: '头部',
      clinicalQuestion: '头痛三天',
    };
    const ct = syntheticCt({ rows: 16, columns: 16, studyDate: today.replaceAll('-', '') }).bytes;
    const report = { templateId: 'head-ct', findings: '脑实质未见异常密度影。', impression: '头颅CT平扫未见异常。' };
    const kase = await signedCase(registration, ct, reader1, report);
    const after = new Date();
    const { text, items } = await readPdf(await pdfOf(kase.id));

    for (const expected of ['县人民医院', 'CT诊断报告', '检查机构：城关镇卫生院', '诊断中心：影像诊断中心'])
      expect(text).toContain(expected);
    for (const expected of ['姓名：王建国', '性别：男', '年龄：45岁', '检查类型：CT', '检查部位：头部', '临床问题：头痛三天']) {
      expect(text).toContain(expected);
    }
    expect(text).toContain(`检查号：${kase.accessionNumber}`);
    expect(text).not.toContain(kase.id); // the exam number, not the internal id
    // the exam's time is when its images came, in Beijing time, to the minute
    const examTime = text.match(/检查时间：(\d{4}-\d{2}-\d{2}) (\d{2}):(\d{2})/);
    expect(examTime?.[1]).toBe(today);
    const minuteOf = (at: Date) => Math.floor(at.getTime() / 60_000) * 60_000;
    const printedMinute = Date.parse(`${examTime![1]}T${examTime![2]}:${examTime![3]}:00+08:00`);
    expect(printedMinute).toBeGreaterThanOrEqual(minuteOf(before));
    expect(printedMinute).toBeLessThanOrEqual(minuteOf(after));
    expect(text).toContain('脑实质未见异常密度影。');
    expect(text.indexOf('检查所见')).toBeLessThan(text.indexOf('诊断意见'));
    expect(text).toMatch(/报告医师：陈医生\s+签发时间：\d{4}-\d{2}-\d{2} \d{2}:\d{2}/);
    expect(foreignWords(items, [kase.accessionNumber, printedCode(text)!, report.impression])).toEqual([]);

    const english = (await readPdf(await pdfOf(kase.id, '?lang=en'))).text;
    for (const expected of [
      'CT report',
      'Name: 王建国',
      'Sex: Male',
      'Age: 45 y',
      `Exam no.: ${kase.accessionNumber}`,
      'Reported by: 陈医生',
    ]) {
      expect(english).toContain(expected);
    }
    expect((await tech1.get(`/api/cases/${kase.id}/report.pdf?lang=fr`)).status).toBe(400);
  });

  it('imaging: an infant is aged in months on the DICOM study date, printed without a time of day', async () => {
    const registration = { patient: { name: '李小宝', sex: 'F', birthDate: '2019-09-20' }, examKind: 'DR', bodyPart: '胸部' };
    const dr = syntheticCt({ rows: 16, columns: 16, modality: 'DX', studyDate: '20200501' }).bytes;
    const report = { templateId: 'chest-dr', findings: '双肺纹理清晰。', impression: '胸部未见异常。' };
    const kase = await signedCase(registration, dr, reader1, report);
    const { text, items } = await readPdf(await pdfOf(kase.id));
    expect(text).toContain('年龄：7月'); // on 2020-05-01; today she is years old
    expect(text).toMatch(/检查时间：2020-05-01(?! \d)/);
    expect(text).toContain('X线摄影诊断报告');
    expect(foreignWords(items, [kase.accessionNumber, printedCode(text)!])).toEqual([]);
  });

  it('prints a verification code that anyone can check: signer, time, content hash, masked name; amended, not current', async () => {
    const registration = { patient: { name: '王建国', sex: 'M' }, examKind: 'CT' };
    const report = { templateId: 'head-ct', findings: '未见异常。', impression: '头颅CT平扫未见异常。' };
    const kase = await signedCase(registration, syntheticCt({ rows: 16, columns: 16 }).bytes, reader1, report);
    const codeOf = async () => printedCode((await readPdf(await pdfOf(kase.id))).text);
    const code = (await codeOf())!;
    expect(code).toBeDefined();
    const anonymous = server.anonymous();
    const verify = (version: number, c: string) => anonymous.get(`/api/report-verification/${kase.accessionNumber}/${version}/${c}`);

    const answer = await verify(1, code);
    expect(answer.status).toBe(200);
    expect(answer.body).toMatchObject({
      accessionNumber: kase.accessionNumber,
      version: 1,
      current: true,
      hospital: '县人民医院',
      patientName: '王*国',
      signedBy: '陈医生',
    });
    expect(answer.body.contentSha256).toMatch(/^[0-9a-f]{64}$/);
    expect(answer.body.contentSha256.slice(0, 12)).toBe(code.replaceAll('-', '').toLowerCase());
    expect(JSON.stringify(answer.body)).not.toContain('王建国');
    // a wrong code, another version, an unknown exam: the same 404
    const wrong = code.replace(/^./, (c) => (c === '0' ? '1' : '0'));
    for (const res of [await verify(1, wrong), await verify(2, code), await anonymous.get(`/api/report-verification/X-1/1/${code}`)]) {
      expect(res.status).toBe(404);
    }

    const amend = { ...report, impression: '头颅CT平扫未见明显异常。', reason: '措辞更正', password: DEMO_PASSWORD };
    expect((await reader1.post(`/api/cases/${kase.id}/report/amend`, amend)).status).toBe(200);
    expect((await verify(1, code)).body.current).toBe(false);
    const amendedCode = (await codeOf())!;
    expect(amendedCode).not.toBe(code);
    expect((await verify(2, amendedCode)).body).toMatchObject({ version: 2, current: true });
  });

  it('with TELEDX_REPORT_QR, a QR code of the verification page: one black square per dark module, the page answers', async () => {
    const registration = { patient: { name: '扫码', sex: 'F' }, examKind: 'CT', bodyPart: '胸部' };
    const report = { templateId: 'chest-ct', findings: '双肺未见实质性病变。', impression: '胸部CT平扫未见异常。' };
    const kase = await signedCase(registration, syntheticCt({ rows: 16, columns: 16 }).bytes, reader1, report);
    const { config } = server.server.ctx;
    const withoutQr = await pdfOf(kase.id);
    expect(config.reportQrOrigin).toBeNull(); // off unless asked for
    config.reportQrOrigin = 'https://pacs.example.cn';
    const withQr = await pdfOf(kase.id).finally(() => (config.reportQrOrigin = null));

    const { text } = await readPdf(withQr);
    const code = printedCode(text)!;
    expect(text).toContain('手机扫描右侧二维码，即可查验本报告的真伪。');
    const url = `https://pacs.example.cn/verify/${kase.accessionNumber}/1/${code}`;
    const { modules } = QRCode.create(url, { errorCorrectionLevel: 'M' });

    // the QR code is the one black fill made of squares only: each square where its module is, so the squares
    // read back as the symbol of exactly that URL
    const [qr, ...others] = await readPdfQrCodes(withQr, 1);
    expect(others).toEqual([]);
    expect(qr!.grid.flat()).toEqual([...modules.data]);
    // about 25 mm across with its quiet zone, inside the page's right margin
    expect(qr!.side * (modules.size + 8)).toBeCloseTo(72, 1);
    // the setting off: no QR code, no caption
    expect(await readPdfQrCodes(withoutQr, 1)).toEqual([]);
    expect((await readPdf(withoutQr)).text).not.toContain('二维码');

    // the URL's path is the public page whose question the verification API answers
    const path = new URL(url).pathname;
    expect(parseVerificationPath(path)).toEqual({ accessionNumber: kase.accessionNumber, version: 1, code });
    const answer = await server.anonymous().get(`/api/report-verification/${kase.accessionNumber}/1/${code}`);
    expect(answer.status).toBe(200);
    expect(answer.body).toMatchObject({ current: true, patientName: '扫*', signedBy: '陈医生' });
  });

  it('ECG: the 12-lead tracing as vector paths whose R peaks are the waveform’s, the grid, calibration and measurements', async () => {
    const synthetic = synthesizeEcg({ heartRateBpm: 75, seed: 11 });
    const { recording, truth } = synthetic;
    const ecgFields = { rhythm: '窦性心律', heartRateBpm: 75, prMs: 160, qrsMs: 90, qtMs: 380, qtcMs: 424, axisDeg: 50 };
    const report = { templateId: 'ecg-12lead', findings: '窦性心律，心率75次/分。', impression: '正常心电图。', ecgFields };
    const registration = { patient: { name: '赵心', sex: 'M', birthDate: '1960-01-01' }, examKind: 'ECG' };
    const kase = await signedCase(registration, writeDicomEcg(recording).bytes, ecg1, report);
    const bytes = await pdfOf(kase.id);
    const { text, items, pages } = await readPdf(bytes);
    expect(pages).toBe(2);
    for (const expected of ['心电图诊断报告', '十二导联心电图', '走纸速度 25 mm/s 增益 10 mm/mV', '心率：75 次/分', 'PR间期：160 ms']) {
      expect(text).toContain(expected);
    }
    expect(text).toContain('QRS时限：90 ms');
    expect(text).toContain('QT/QTc：380/424 ms');
    expect(text).toContain('电轴：50 °');
    expect(foreignWords(items, [kase.accessionNumber, printedCode(text)!])).toEqual([]);

    const page = await readPdfPaths(bytes, 2);
    expect(page.width).toBeGreaterThan(page.height); // landscape
    const traces = page.strokes.filter((s) => s.colour === '#000000' && s.subpaths[0]!.length > 100);
    expect(traces).toHaveLength(13); // 12 leads of 2.5 s and the 10 s rhythm strip
    const widthMm = (s: PdfStroke) => (s.subpaths[0]!.at(-1)![0] - s.subpaths[0]![0]![0]) / PT_PER_MM;
    const rhythm = traces.find((s) => widthMm(s) > 240)!;
    expect(widthMm(rhythm)).toBeCloseTo(250, 0); // 10 s at 25 mm/s
    for (const slice of traces.filter((s) => s !== rhythm)) expect(widthMm(slice)).toBeCloseTo(62.5, 0);

    // lead II's R peaks along the rhythm strip: where and how tall, against the samples
    const leadII = recording.leads.find((l) => l.name === 'II')!.microvolts;
    const expectedPeaks = truth.beats.map((beat) => {
      let peak = beat.qrsOnset;
      for (let s = beat.qrsOnset; s < beat.qrsOffset; s++) if (leadII[s]! > leadII[peak]!) peak = s;
      return { ms: (peak * 1000) / recording.sampleRateHz, microvolts: leadII[peak]! };
    });
    const points = rhythm.subpaths[0]!;
    const [x0] = points[0]!;
    const baselineY = points[0]![1] + (leadII[0]! / 1000) * 10 * PT_PER_MM; // the first sample's level, back to 0 µV
    const printedPeaks = localMaxima(points, baselineY, 200)
      .map(([x, y]) => ({ ms: ((x - x0) / PT_PER_MM / 25) * 1000, microvolts: ((baselineY - y) / PT_PER_MM / 10) * 1000 }))
      .filter((peak) => peak.ms < recording.durationMs - 50); // a beat the recording cuts off is not in the truth
    expect(expectedPeaks.length).toBeGreaterThanOrEqual(12);
    expect(printedPeaks).toHaveLength(expectedPeaks.length);
    printedPeaks.forEach((printed, beat) => {
      expect(Math.abs(printed.ms - expectedPeaks[beat]!.ms)).toBeLessThanOrEqual(2); // one sample at 500 Hz
      expect(Math.abs(printed.microvolts - expectedPeaks[beat]!.microvolts)).toBeLessThan(10);
    });

    // the paper: 1 mm lines and 5 mm lines, a 1 mV (10 mm) × 200 ms (5 mm) calibration pulse on each of the 4 rows
    const grid = page.strokes.filter((s) => s.colour !== '#000000');
    const spacingsMm = grid.map((s) => {
      const verticals = s.subpaths.filter((p) => p[0]![0] === p[1]![0]).map((p) => p[0]![0]);
      return Math.round(((verticals[1]! - verticals[0]!) / PT_PER_MM) * 10) / 10;
    });
    expect(spacingsMm.sort()).toEqual([1, 5]);
    const pulses = page.strokes.filter((s) => s.colour === '#000000' && s.subpaths[0]!.length === 6);
    expect(pulses).toHaveLength(4);
    for (const pulse of pulses) {
      const ys = pulse.subpaths[0]!.map(([, y]) => y);
      const xs = pulse.subpaths[0]!.map(([x]) => x);
      expect((Math.max(...ys) - Math.min(...ys)) / PT_PER_MM).toBeCloseTo(10, 1);
      expect((xs[4]! - xs[2]!) / PT_PER_MM).toBeCloseTo(5, 1);
    }
  });
});

/** The highest point of each run of points above half the tallest excursion, runs at least `gapMs` of paper apart. */
function localMaxima(points: [number, number][], baselineY: number, gapMs: number): [number, number][] {
  const tallest = Math.max(...points.map(([, y]) => baselineY - y));
  const gapPt = (gapMs / 1000) * 25 * PT_PER_MM;
  const peaks: [number, number][] = [];
  for (const point of points) {
    if (baselineY - point[1] < tallest / 2) continue;
    const last = peaks.at(-1);
    if (last && point[0] - last[0] < gapPt) {
      if (point[1] < last[1]) peaks[peaks.length - 1] = point;
    } else peaks.push(point);
  }
  return peaks;
}
