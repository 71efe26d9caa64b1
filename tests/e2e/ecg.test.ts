// The ECG centre's reader in Chromium. A technician uploads the real 12-lead ECG (pydicom corpus, 1000 Hz, 10 s)
// and submits → the ECG centre's worklist shows it live, the imaging centre's never → the ECG reader claims it:
// all 12 leads and the rhythm strip draw on the calibrated grid, calipers between two detected R waves read the
// RR interval, 50 mm/s doubles the strip's length and a filter changes the trace → the report's ECG fields are
// prefilled from the automatic measurements, signed, and shown on the township's page. A second case (synthetic
// ECG with known truth, 8 stored leads at 500 Hz, a critically slow rate, and an aECG file that cannot be
// decoded) covers the other layouts, the gain, the critical flag and the analysis error.
import type { Locator, Page } from 'playwright-core';
import { describe, expect, it } from 'vitest';
import type { CaseDetailDto, EcgAnalysisDto } from '../../shared/api.ts';
import { LEAD_NAMES } from '../../shared/ecg/types.ts';
import type { CaseReportDto } from '../../shared/reports.ts';
import { corpusFile } from '../fixtures/corpus.ts';
import { writeDicomEcg } from '../fixtures/ecg-files.ts';
import { synthesizeEcg } from '../fixtures/ecg-synth.ts';
import { loginInBrowser, screenshot, serverAndChromium } from '../helpers/e2e.ts';
import { DEMO_PASSWORD } from '../helpers/test-server.ts';

const REAL_ECG = corpusFile('test_files/waveform_ecg.dcm');

/** Where a moment of a drawn trace is on screen: its time (ms from the recording's start) → client px. */
async function traceToScreen(trace: Locator, ms: number): Promise<{ x: number; y: number }> {
  return trace.evaluate((path: SVGPathElement, at) => {
    const svg = path.ownerSVGElement!;
    const mmPerSecond = Number(svg.dataset.mmPerSecond);
    const xMm = Number(path.dataset.xMm) + ((at - Number(path.dataset.startMs)) / 1000) * mmPerSecond;
    const point = new DOMPoint(xMm, Number(path.dataset.baselineMm)).matrixTransform(svg.getScreenCTM()!);
    return { x: point.x, y: point.y };
  }, ms);
}

/** Drags the calipers from one moment of the trace to another; returns the readout's Δt (ms) and rate. */
async function caliperBetween(page: Page, trace: Locator, fromMs: number, toMs: number): Promise<{ ms: number; bpm: number }> {
  await trace.scrollIntoViewIfNeeded();
  const from = await traceToScreen(trace, fromMs);
  const to = await traceToScreen(trace, toMs);
  await page.mouse.move(from.x, from.y);
  await page.mouse.down();
  await page.mouse.move(to.x, to.y, { steps: 8 });
  await page.mouse.up();
  const text = (await page.getByTestId('ecg-caliper-readout').textContent())!;
  const readout = text.match(/Δt\s+(\d+)\s*ms\s*·\s*(\d+)/);
  if (!readout) throw new Error(`no caliper reading in "${text}"`);
  return { ms: Number(readout[1]), bpm: Number(readout[2]) };
}

/** A trace's size on the paper in mm (its path is written in smaller units and scaled by its transform). */
const paperSize = (trace: Locator) =>
  trace.evaluate((path: SVGPathElement) => {
    const { width, height } = path.getBBox();
    const scale = path.transform.baseVal.consolidate()?.matrix.a ?? 1;
    return { width: width * scale, height: height * scale };
  });

const traces = (viewer: Locator) => viewer.locator('[data-testid="ecg-lead"]');
const rhythmStrip = (viewer: Locator) => viewer.locator('[data-testid="ecg-lead"][data-rhythm="true"]');
const pathOf = (trace: Locator) => trace.getAttribute('d');

describe('ECG reader in Chromium', () => {
  const e2e = serverAndChromium();

  async function openWorklist(username: string): Promise<Page> {
    const page = await loginInBrowser(e2e.browser, e2e.server.url, username);
    await expect.poll(() => page.getByTestId('connection-status').getAttribute('data-state'), { timeout: 10_000 }).toBe('connected');
    await page.getByTestId('worklist-filter-mine').waitFor();
    return page;
  }

  it('reads the real 12-lead ECG on the grid with calipers, and signs a report with its measurements', async () => {
    const [ecgReader, imagingReader] = await Promise.all([openWorklist('ecg1'), openWorklist('reader1')]);
    const tech = await loginInBrowser(e2e.browser, e2e.server.url, 'tech1');
    await tech.getByTestId('connection-status').waitFor();

    // the township: a new ECG exam, the cart's DICOM file, submitted
    await tech.getByTestId('new-exam').click();
    await tech.getByTestId('patient-name').fill('钱七');
    await tech.getByTestId('exam-kind').selectOption('ECG');
    await tech.getByTestId('create-case').click();
    await tech.getByTestId('file-input').setInputFiles(REAL_ECG);
    await expect.poll(() => tech.getByTestId('instance-count').textContent(), { timeout: 10_000 }).toBe('1');
    await tech.getByTestId('submit-case').click();
    await expect.poll(() => tech.getByTestId('case-status').getAttribute('data-status')).toBe('SUBMITTED');
    const caseId = new URL(tech.url()).pathname.split('/').pop()!;
    const kase = (await (await e2e.server.login('ecg1')).get(`/api/cases/${caseId}`)).body as CaseDetailDto;
    expect(kase.ecg).toHaveLength(1);
    const analysis: EcgAnalysisDto = kase.ecg[0]!;
    const m = analysis.measurements!;
    expect(m.beatSamples.length).toBeGreaterThan(4);

    // live on the ECG centre's worklist; never on the imaging centre's, live or reloaded
    const row = (page: Page) => page.locator(`[data-testid="worklist-row"][data-case-id="${caseId}"]`);
    await expect.poll(() => row(ecgReader).count(), { timeout: 3000 }).toBe(1);
    expect(await row(imagingReader).count()).toBe(0);
    await imagingReader.reload();
    await imagingReader.getByTestId('worklist-filter-mine').waitFor();
    await expect.poll(() => imagingReader.getByTestId('worklist-count').textContent()).toBeTruthy();
    expect(await row(imagingReader).count()).toBe(0);

    await row(ecgReader).getByTestId('claim-case').click();
    await expect.poll(() => row(ecgReader).getAttribute('data-status')).toBe('CLAIMED');
    await row(ecgReader).click();

    // all 12 leads (3×4) and the lead II rhythm strip, each a trace of many points
    const viewer = ecgReader.getByTestId('ecg-viewer');
    expect(await viewer.getAttribute('data-analysis-id')).toBe(analysis.id);
    await expect.poll(() => traces(viewer).count(), { timeout: 15_000 }).toBe(13);
    expect(await ecgReader.getByTestId('ecg-layout-3x4').getAttribute('aria-pressed')).toBe('true');
    const drawn = await Promise.all(
      (await traces(viewer).all()).map(async (trace) => ({
        lead: await trace.getAttribute('data-lead'),
        rhythm: (await trace.getAttribute('data-rhythm')) === 'true',
        points: Number(await trace.getAttribute('data-points')),
        ...(await paperSize(trace)),
      })),
    );
    expect(
      drawn
        .filter((t) => !t.rhythm)
        .map((t) => t.lead)
        .sort(),
    ).toEqual([...LEAD_NAMES].sort());
    expect(drawn.filter((t) => t.rhythm).map((t) => t.lead)).toEqual(['II']);
    for (const trace of drawn) {
      expect(trace.points, trace.lead!).toBeGreaterThan(trace.rhythm ? 900 : 200); // at least one per pixel column
      expect(trace.height, trace.lead!).toBeGreaterThan(1); // mm: not a flat line
    }
    // 2.5 s per lead at 25 mm/s is 62.5 mm of paper; the rhythm strip's 10 s, 250 mm
    expect(drawn.find((t) => t.lead === 'V1')!.width).toBeCloseTo(62.5, 0);
    expect(drawn.find((t) => t.rhythm)!.width).toBeCloseTo(250, 0);
    expect(await viewer.getByTestId('ecg-calibration').count()).toBe(4);
    // drawing speed is reported, not asserted: a timed assertion fails on a busy machine
    console.log(`ECG grid: 12 leads drawn in ${await viewer.getByTestId('ecg-paper').getAttribute('data-draw-ms')} ms`);
    await screenshot(ecgReader, 'ecg-reader-3x4.png');

    // the measurements, labelled as suggestions
    const panel = viewer.getByTestId('ecg-measurements');
    expect(await panel.getByTestId('ecg-suggestions-label').textContent()).toBe('自动测量，仅供参考');
    expect(await panel.getByTestId('ecg-value-rate').textContent()).toBe(`${Math.round(m.heartRateBpm!)} 次/分`);
    expect(await panel.getByTestId('ecg-rhythm').textContent()).toBe('窦性心律');

    // calipers between two consecutive detected R waves on the rhythm strip read their RR interval
    const beat = Math.floor(m.beatSamples.length / 2);
    const msOf = (sample: number) => (sample / m.sampleRateHz) * 1000;
    const fromMs = msOf(m.beatSamples[beat]!);
    const toMs = msOf(m.beatSamples[beat + 1]!);
    const trueRr = toMs - fromMs;
    await ecgReader.getByTestId('ecg-caliper').click();
    expect(await ecgReader.getByTestId('ecg-caliper').getAttribute('aria-pressed')).toBe('true');
    const reading = await caliperBetween(ecgReader, rhythmStrip(viewer), fromMs, toMs);
    expect(Math.abs(reading.ms - trueRr)).toBeLessThanOrEqual(20);
    expect(Math.abs(reading.bpm - 60_000 / trueRr)).toBeLessThanOrEqual(2);
    expect(await viewer.getByTestId('ecg-caliper-bracket').count()).toBe(1);
    // the same beats zoomed in: still the same interval (paper mm, not screen px)
    await ecgReader.getByTestId('ecg-zoom-in').click();
    const zoomed = await caliperBetween(ecgReader, rhythmStrip(viewer), fromMs, toMs);
    expect(Math.abs(zoomed.ms - trueRr)).toBeLessThanOrEqual(20);
    await ecgReader.getByTestId('ecg-zoom-out').click();

    // 50 mm/s: the rhythm strip is twice as long on screen
    const stripWidth = async () => (await rhythmStrip(viewer).boundingBox())!.width;
    const at25 = await stripWidth();
    await ecgReader.getByTestId('ecg-speed-50').click();
    expect(await ecgReader.getByTestId('ecg-speed-50').getAttribute('aria-pressed')).toBe('true');
    await expect.poll(async () => (await stripWidth()) / at25).toBeCloseTo(2, 1);
    await ecgReader.getByTestId('ecg-speed-25').click();

    // the 40 Hz low-pass filter changes what is drawn, and switching it off again restores it
    const v2 = viewer.locator('[data-testid="ecg-lead"][data-lead="V2"]');
    const unfiltered = await pathOf(v2);
    expect(await ecgReader.getByTestId('ecg-filter-lowpass').getAttribute('aria-pressed')).toBe('false');
    await ecgReader.getByTestId('ecg-filter-lowpass').click();
    expect(await ecgReader.getByTestId('ecg-filter-lowpass').getAttribute('aria-pressed')).toBe('true');
    await expect.poll(() => pathOf(v2)).not.toBe(unfiltered);
    await ecgReader.getByTestId('ecg-filter-lowpass').click();
    await expect.poll(() => pathOf(v2)).toBe(unfiltered);

    // the report: the ECG template, its fields prefilled from the measurements and marked so
    await ecgReader.getByTestId('report-template').selectOption('ecg-12lead');
    const rate = ecgReader.getByTestId('report-ecg-rate');
    expect(await rate.inputValue()).toBe(String(Math.round(m.heartRateBpm!)));
    expect(await rate.getAttribute('data-prefilled')).toBe('true');
    expect(await ecgReader.getByTestId('report-ecg-rhythm').inputValue()).toBe('窦性心律');
    expect(await ecgReader.getByTestId('report-ecg-pr').inputValue()).toBe(String(Math.round(m.intervals.prMs!)));
    expect(await ecgReader.getByTestId('report-ecg-qrs').inputValue()).toBe(String(Math.round(m.intervals.qrsMs!)));
    expect(await ecgReader.getByTestId('report-ecg-qt').inputValue()).toBe(String(Math.round(m.intervals.qtMs!)));
    expect(await ecgReader.getByTestId('report-ecg-qtc').inputValue()).toBe(String(Math.round(m.intervals.qtcBazettMs!)));
    expect(await ecgReader.getByTestId('report-ecg-axis').inputValue()).toBe(String(Math.round(m.qrsAxisDeg!)));
    // the reader corrects the QRS duration by hand: that one is no longer the computer's
    const qrs = Math.round(m.intervals.qrsMs!) + 4;
    await ecgReader.getByTestId('report-ecg-qrs').fill(String(qrs));
    expect(await ecgReader.getByTestId('report-ecg-qrs').getAttribute('data-prefilled')).toBe('false');
    await ecgReader.getByTestId('report-ecg-confirm').click();
    expect(await rate.getAttribute('data-prefilled')).toBe('false');

    await ecgReader.getByTestId('report-sign').click();
    await ecgReader.getByTestId('sign-password').fill(DEMO_PASSWORD);
    await ecgReader.getByTestId('sign-confirm').click();
    await ecgReader.getByTestId('report-signed-ecg').waitFor({ timeout: 10_000 });

    // stored with the report, and shown on the township's page (live)
    const report = (await (await e2e.server.login('tech1')).get(`/api/cases/${caseId}/report`)).body as CaseReportDto;
    expect(report.current?.ecgFields).toEqual({
      rhythm: '窦性心律',
      heartRateBpm: Math.round(m.heartRateBpm!),
      prMs: Math.round(m.intervals.prMs!),
      qrsMs: qrs,
      qtMs: Math.round(m.intervals.qtMs!),
      qtcMs: Math.round(m.intervals.qtcBazettMs!),
      axisDeg: Math.round(m.qrsAxisDeg!),
    });
    const signedEcg = tech.getByTestId('report-signed-ecg');
    await signedEcg.waitFor({ timeout: 10_000 });
    expect(await signedEcg.locator('[data-field="heartRateBpm"]').textContent()).toBe(String(Math.round(m.heartRateBpm!)));
    expect(await signedEcg.locator('[data-field="qrsMs"]').textContent()).toBe(String(qrs));
    expect(await signedEcg.locator('[data-field="rhythm"]').textContent()).toBe('窦性心律');
    // the township sees the ECG too
    await expect.poll(() => traces(tech.getByTestId('ecg-viewer')).count(), { timeout: 15_000 }).toBe(13);
    await screenshot(tech, 'ecg-township-signed.png');
  });

  it('draws 8 stored leads as 12 in every layout, at every gain; flags a critical rate; shows a file it could not decode', async () => {
    const slow = synthesizeEcg({ heartRateBpm: 36, seed: 11 });
    const stored = writeDicomEcg(slow.recording, { leads: ['I', 'II', 'V1', 'V2', 'V3', 'V4', 'V5', 'V6'] }).bytes;
    const broken = Buffer.from('<?xml version="1.0"?><AnnotatedECG xmlns="urn:hl7-org:v3"><component/></AnnotatedECG>');
    const tech = await e2e.server.login('tech1');
    const caseId = (await tech.post('/api/cases', { patient: { name: '孙九' }, examKind: 'ECG' })).body.id as string;
    const upload = await tech.upload(caseId, [
      { name: 'slow.dcm', data: stored },
      { name: 'broken.xml', data: broken },
    ]);
    expect(upload.body.rejected).toEqual([]);
    expect((await tech.post(`/api/cases/${caseId}/submit`)).status).toBe(200);

    const page = await loginInBrowser(e2e.browser, e2e.server.url, 'ecg1');
    await page.goto(`${e2e.server.url}/cases/${caseId}`);
    await expect.poll(() => page.getByTestId('ecg-viewer').count(), { timeout: 10_000 }).toBe(2);
    const kase = (await (await e2e.server.login('ecg1')).get(`/api/cases/${caseId}`)).body as CaseDetailDto;
    const good = kase.ecg.find((a) => a.error === null)!;
    const bad = kase.ecg.find((a) => a.error !== null)!;
    const viewer = page.locator(`[data-testid="ecg-viewer"][data-analysis-id="${good.id}"]`);

    // the analysis that failed says why, and draws nothing
    const failed = page.locator(`[data-testid="ecg-viewer"][data-analysis-id="${bad.id}"]`);
    expect(await failed.getByTestId('ecg-error').getAttribute('data-code')).toBe(bad.error!.code);
    expect(await traces(failed).count()).toBe(0);

    // the critical slow rate, highlighted
    await expect.poll(() => traces(viewer).count(), { timeout: 15_000 }).toBe(13);
    const critical = viewer.getByTestId('ecg-critical');
    expect(await critical.getAttribute('data-code')).toBe('RATE_LOW');
    expect(await critical.textContent()).toContain('心率过缓危急值');

    // III, aVR, aVL, aVF derived from I and II are drawn like the stored leads
    for (const lead of ['III', 'aVR', 'aVL', 'aVF']) {
      expect(Number(await viewer.locator(`[data-testid="ecg-lead"][data-lead="${lead}"]`).getAttribute('data-points'))).toBeGreaterThan(
        100,
      );
    }

    // calipers on the synthetic ECG's own R peaks (its truth, 500 Hz)
    const peaks = slow.truth.beats.map((b) => (b.fiducial / slow.recording.sampleRateHz) * 1000);
    await viewer.getByTestId('ecg-caliper').click();
    const reading = await caliperBetween(page, rhythmStrip(viewer), peaks[1]!, peaks[2]!);
    expect(Math.abs(reading.ms - (peaks[2]! - peaks[1]!))).toBeLessThanOrEqual(20);

    // 6×2: 5 s per lead and the rhythm strip; 12×1: every lead for the whole 10 s, no strip needed
    await viewer.getByTestId('ecg-layout-6x2').click();
    await expect.poll(() => traces(viewer).count()).toBe(13);
    expect((await paperSize(viewer.locator('[data-testid="ecg-lead"][data-lead="V1"]'))).width).toBeCloseTo(125, 0);
    await viewer.getByTestId('ecg-layout-12x1').click();
    await expect.poll(() => traces(viewer).count()).toBe(12);
    expect(await rhythmStrip(viewer).count()).toBe(0);
    expect((await paperSize(viewer.locator('[data-testid="ecg-lead"][data-lead="V1"]'))).width).toBeCloseTo(250, 0);
    expect(await viewer.getByTestId('ecg-calibration').count()).toBe(12);

    // the calibration pulse is 1 mV: 10 mm high at 10 mm/mV, 20 mm at 20 mm/mV (and the trace grows with it)
    const pulseHeight = () =>
      viewer
        .getByTestId('ecg-calibration')
        .first()
        .evaluate((p: SVGPathElement) => p.getBBox().height);
    const leadHeight = async () => (await paperSize(viewer.locator('[data-testid="ecg-lead"][data-lead="II"]'))).height;
    expect(await pulseHeight()).toBeCloseTo(10, 1);
    const at10 = await leadHeight();
    await viewer.getByTestId('ecg-gain-20').click();
    expect(await pulseHeight()).toBeCloseTo(20, 1);
    expect((await leadHeight()) / at10).toBeCloseTo(2, 1);
    await screenshot(page, 'ecg-reader-12x1.png');
  });
  it('letters the ectopic beats on the rhythm strip and names them, with the evidence, beside the paper', async () => {
    const ectopic = synthesizeEcg({ seed: 5, ventricular: { at: [3, 8] } });
    const tech = await e2e.server.login('tech1');
    const caseId = (await tech.post('/api/cases', { patient: { name: '周十' }, examKind: 'ECG' })).body.id as string;
    expect((await tech.upload(caseId, [{ name: 'pvc.dcm', data: writeDicomEcg(ectopic.recording).bytes }])).body.rejected).toEqual([]);
    expect((await tech.post(`/api/cases/${caseId}/submit`)).status).toBe(200);

    const page = await loginInBrowser(e2e.browser, e2e.server.url, 'ecg1');
    await page.goto(`${e2e.server.url}/cases/${caseId}`);
    const viewer = page.getByTestId('ecg-viewer');
    await expect.poll(() => traces(viewer).count(), { timeout: 15_000 }).toBe(13);
    const letters = viewer.getByTestId('ecg-beat-class');
    expect(await letters.allTextContents()).toEqual(['V', 'V']);
    expect(await viewer.getByTestId('ecg-beat-classes').textContent()).toBe('正常 10 个（N）、室性早搏 2 个（V）');
    expect(await viewer.getByTestId('ecg-rhythm').textContent()).toBe('窦性心律，频发室性早搏');
    expect(await viewer.getByTestId('ecg-rhythm-evidence').textContent()).toContain('2 of 12 beats ventricular');
  });
  it("shows the signal quality per lead to the technician right after the upload (retake advice) and on the reader's grid; paced beats lettered P", async () => {
    const spoilt = synthesizeEcg({ seed: 7 });
    spoilt.recording.leads.find((l) => l.name === 'V3')!.microvolts.fill(0);
    const tech = await e2e.server.login('tech1');
    const caseId = (await tech.post('/api/cases', { patient: { name: '吴十一' }, examKind: 'ECG' })).body.id as string;
    expect((await tech.upload(caseId, [{ name: 'flat-v3.dcm', data: writeDicomEcg(spoilt.recording).bytes }])).body.rejected).toEqual([]);

    // the township's case page, before submitting: the lead, what is wrong with it, and the advice to record again
    const techPage = await loginInBrowser(e2e.browser, e2e.server.url, 'tech1');
    await techPage.goto(`${e2e.server.url}/cases/${caseId}`);
    const notice = techPage.getByTestId('ecg-quality');
    await notice.waitFor({ timeout: 15_000 });
    expect(await notice.getAttribute('data-grade')).toBe('UNUSABLE');
    expect(await techPage.getByTestId('ecg-quality-retake').textContent()).toContain('重新采集');
    const v3 = techPage.locator('[data-testid="ecg-quality-lead"][data-lead="V3"]');
    expect(await v3.textContent()).toBe('V3：直线（无信号）（不可用）');
    expect(await techPage.getByTestId('ecg-quality-lead').count()).toBe(1);
    await expect
      .poll(() => techPage.locator('[data-testid="ecg-lead-label"][data-lead="V3"]').first().getAttribute('data-quality'), {
        timeout: 15_000,
      })
      .toBe('UNUSABLE');
    expect(await techPage.locator('[data-testid="ecg-lead-label"][data-lead="V2"]').first().getAttribute('data-quality')).toBe('GOOD');
    await screenshot(techPage, 'ecg-township-quality.png');
    expect((await tech.post(`/api/cases/${caseId}/submit`)).status).toBe(200);

    // the reader sees the same list, without the advice meant for the township
    const page = await loginInBrowser(e2e.browser, e2e.server.url, 'ecg1');
    await page.goto(`${e2e.server.url}/cases/${caseId}`);
    await page.getByTestId('ecg-quality').waitFor({ timeout: 15_000 });
    expect(await page.getByTestId('ecg-quality-retake').count()).toBe(0);

    // a paced ECG: every beat lettered P, counted, and the rhythm named
    const paced = synthesizeEcg({ seed: 8, qrsMs: 160, pAmplitudeUv: 0 });
    for (const lead of paced.recording.leads) for (const beat of paced.truth.beats) lead.microvolts[beat.qrsOnset - 3]! += 1800;
    const pacedCase = (await tech.post('/api/cases', { patient: { name: '郑十二' }, examKind: 'ECG' })).body.id as string;
    expect((await tech.upload(pacedCase, [{ name: 'paced.dcm', data: writeDicomEcg(paced.recording).bytes }])).body.rejected).toEqual([]);
    expect((await tech.post(`/api/cases/${pacedCase}/submit`)).status).toBe(200);
    await page.goto(`${e2e.server.url}/cases/${pacedCase}`);
    const viewer = page.getByTestId('ecg-viewer');
    await expect.poll(() => traces(viewer).count(), { timeout: 15_000 }).toBe(13);
    // (a beat cut by the record's end may stay unclassifiable, Q)
    const classes = ((await (await e2e.server.login('ecg1')).get(`/api/cases/${pacedCase}`)).body as CaseDetailDto).ecg[0]!.measurements!
      .beatClasses!;
    const pacedCount = classes.filter((c) => c === 'P').length;
    expect(pacedCount).toBeGreaterThanOrEqual(paced.truth.beats.length - 1);
    expect(await viewer.getByTestId('ecg-beat-class').allTextContents()).toEqual(classes.filter((c) => c !== 'N'));
    expect(await viewer.getByTestId('ecg-beat-classes').textContent()).toContain(`起搏 ${pacedCount} 个（P）`);
    expect(await viewer.getByTestId('ecg-rhythm').textContent()).toBe('起搏心律');
  });
});
