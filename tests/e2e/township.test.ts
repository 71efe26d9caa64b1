// A township technician in real Chromium: log in (Chinese UI), register an exam, upload an exam folder and a
// stray file, see per-file outcomes with reasons, submit; find a registered patient for a second exam with its
// requisition; then switch to English.
import { existsSync } from 'node:fs';
import { mkdtemp, rm, writeFile, mkdir } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import iconv from 'iconv-lite';
import type { Browser, Page } from 'playwright-core';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { CLIENT_DIST } from '../../server/app.ts';
import { syntheticCt } from '../fixtures/dicom-writer.ts';
import { launchBrowser } from '../helpers/browser.ts';
import { DEMO_PASSWORD, startTestServer, type TestServer } from '../helpers/test-server.ts';

describe('township screens in Chromium', () => {
  let server: TestServer;
  let browser: Browser;
  let page: Page;
  let files: string;

  beforeAll(async () => {
    if (!existsSync(join(CLIENT_DIST, 'index.html'))) throw new Error('client not built: npm run build (npm test does it)');
    server = await startTestServer('sqlite', { TELEDX_MAX_FILE_BYTES: '1000000' });
    browser = await launchBrowser();
    page = await browser.newPage({ viewport: { width: 1366, height: 768 } });
    files = await mkdtemp(join(tmpdir(), 'teledx-e2e-'));
    // an exam folder as a CT console exports it: two slices of one series, a GBK name without a charset
    const name = iconv.encode('张^三', 'gbk');
    const first = syntheticCt({ rows: 64, columns: 64, patientName: name, instanceNumber: 1 });
    const second = syntheticCt({
      rows: 64,
      columns: 64,
      patientName: name,
      studyUid: first.studyUid,
      seriesUid: first.seriesUid,
      instanceNumber: 2,
    });
    await mkdir(join(files, 'EXAM', 'SERIES1'), { recursive: true });
    await writeFile(join(files, 'EXAM', 'SERIES1', 'IM0001'), first.bytes);
    await writeFile(join(files, 'EXAM', 'SERIES1', 'IM0002'), second.bytes);
    await writeFile(join(files, 'notes.txt'), '检查备注');
    await writeFile(join(files, 'big.dcm'), Buffer.alloc(1_500_000)); // over the server's limit
  });

  afterAll(async () => {
    await browser?.close();
    await server?.close();
    if (files) await rm(files, { recursive: true, force: true });
  });

  it('registers, uploads and submits an exam', async () => {
    await page.goto(server.url);
    await expect.poll(() => page.locator('html').getAttribute('lang')).toBe('zh-CN');
    await page.getByTestId('login-username').fill('tech1');
    await page.getByTestId('login-password').fill('wrong password');
    await page.getByTestId('login-submit').click();
    await expect.poll(() => page.getByTestId('login-error').textContent()).toMatch(/用户名或密码错误/);
    await page.getByTestId('login-password').fill(DEMO_PASSWORD);
    await page.getByTestId('login-submit').click();

    await page.getByTestId('new-exam').click();
    await page.getByTestId('patient-name').fill('张三');
    await page.getByTestId('patient-national-id').fill('110101199003074514');
    // the resident ID number fills in birth date and sex
    await expect.poll(() => page.getByTestId('patient-birth-date').inputValue()).toBe('1990-03-07');
    expect(await page.getByTestId('patient-sex').inputValue()).toBe('M');
    await page.getByTestId('exam-kind').selectOption('CT');
    await page.getByTestId('body-part').fill('头部');
    await page.getByTestId('clinical-question').fill('头痛三天，排除出血');
    await page.getByTestId('priority').selectOption('URGENT');
    await page.getByTestId('create-case').click();

    await expect.poll(() => page.getByTestId('case-status').getAttribute('data-status')).toBe('DRAFT');
    await page.getByTestId('folder-input').setInputFiles(join(files, 'EXAM'));
    await page.getByTestId('file-input').setInputFiles([join(files, 'notes.txt'), join(files, 'big.dcm')]);

    const rows = page.getByTestId('upload-row');
    await expect
      .poll(() => rows.evaluateAll((els) => els.map((e) => e.getAttribute('data-status')).sort()), { timeout: 15_000 })
      .toEqual(['accepted', 'accepted', 'rejected', 'rejected']);
    const rejected = (file: string) => page.locator(`[data-testid="upload-row"][data-status="rejected"][data-file="${file}"]`);
    expect(await rejected('notes.txt').getByTestId('upload-reason').textContent()).toMatch(/[\u4e00-\u9fff]/); // a Chinese reason
    expect(await rejected('big.dcm').getByTestId('upload-reason').textContent()).toMatch(/[\u4e00-\u9fff]/);
    await expect.poll(() => page.getByTestId('instance-count').textContent()).toContain('2');

    await page.getByTestId('submit-case').click();
    await expect.poll(() => page.getByTestId('case-status').getAttribute('data-status')).toBe('SUBMITTED');

    // what the server holds agrees with what the page showed
    const { db } = server.server.ctx;
    const kase = await db.case.findFirstOrThrow({ where: { status: 'SUBMITTED' }, include: { patient: true, studies: true } });
    expect(kase).toMatchObject({
      examKind: 'CT',
      priority: 'URGENT',
      bodyPart: '头部',
      patient: { name: '张三', birthDate: '1990-03-07' },
    });
    expect(kase.studies[0]!.dicomPatientName).toBe('张^三');
    // the oversized file was refused in the browser, never sent over the (slow) uplink
    const batches = await db.auditEvent.findMany({ where: { action: 'ingest.batch', entityId: kase.id } });
    expect(batches.map((b) => b.details).join()).toContain('notes.txt');
    expect(batches.map((b) => b.details).join()).not.toContain('big.dcm');
  });

  it('finds a registered patient for a second exam, records the requisition, and links the exam to the same record', async () => {
    // 李四 was registered once without an ID number: only the chosen record can link the second exam to him
    const tech1 = await server.login('tech1');
    const first = (await tech1.post('/api/cases', { patient: { name: '李四', sex: 'F', phone: '13900000000' }, examKind: 'US' })).body;
    await page.goto(server.url);
    await page.getByTestId('new-exam').click();
    await page.getByTestId('patient-search').fill('李');
    await expect.poll(() => page.getByTestId('patient-match').count()).toBe(1);
    await page.getByTestId('patient-match').click();
    await expect.poll(() => page.getByTestId('patient-chosen').textContent()).toContain('李四');
    expect(await page.getByTestId('patient-name').inputValue()).toBe('李四');
    expect(await page.getByTestId('patient-phone').inputValue()).toBe('13900000000');
    expect(await page.getByTestId('patient-name').isDisabled()).toBe(true);

    await page.getByTestId('exam-kind').selectOption('DR');
    await page.getByTestId('body-part').fill('膝关节');
    await page.getByTestId('laterality').selectOption('LEFT');
    await page.getByTestId('clinical-question').fill('排除骨折');
    await page.getByTestId('clinical-history').fill('摔伤后左膝肿痛一天');
    await page.getByTestId('visit-kind').selectOption('OUTPATIENT');
    await page.getByTestId('visit-number').fill('MZ-20261203-15');
    await page.getByTestId('requesting-department').fill('骨科');
    await page.getByTestId('requesting-doctor').fill('孙医生');
    await page.getByTestId('create-case').click();

    await expect.poll(() => page.getByTestId('case-status').getAttribute('data-status')).toBe('DRAFT');
    expect(await page.getByTestId('accession-number').textContent()).toMatch(/检查号 CG-\d{8}-\d{4}/);
    expect(await page.getByTestId('visit-number').textContent()).toBe('MZ-20261203-15');
    expect(await page.getByTestId('requester').textContent()).toBe('骨科 · 孙医生');
    expect(await page.getByTestId('laterality').textContent()).toContain('左侧');
    expect(await page.getByTestId('clinical-history').textContent()).toBe('摔伤后左膝肿痛一天');

    const { db } = server.server.ctx;
    const second = await db.case.findFirstOrThrow({ where: { examKind: 'DR', bodyPart: '膝关节' } });
    expect(second.patientId).toBe(first.patient.id);
    expect(await db.patient.count({ where: { name: '李四' } })).toBe(1);
  });

  it('lists the case and switches to English', async () => {
    await page.goto(server.url);
    await expect.poll(() => page.getByTestId('case-row').filter({ hasText: '张三' }).count()).toBe(1);
    await page.getByTestId('lang-switch').click();
    await expect.poll(() => page.locator('html').getAttribute('lang')).toBe('en');
    await expect.poll(() => page.getByTestId('new-exam').textContent()).toMatch(/[A-Za-z]/);
  });
});
