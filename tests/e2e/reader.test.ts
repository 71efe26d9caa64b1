// Reading centre screens in real Chromium: a township submits a STAT case; the imaging reader's worklist shows
// it live with an alert, the ECG reader's never does; the reader claims it and the supervisor sees the claim
// live, takes it back, and the reader's row shows it unclaimed again. The supervisor's quality screen shows the
// centre's reading turnaround. The administrator's audit log names each act's exam and filters by text and user.
import type { Page } from 'playwright-core';
import { describe, expect, it } from 'vitest';
import { syntheticCt } from '../fixtures/dicom-writer.ts';
import { loginInBrowser, screenshot, serverAndChromium } from '../helpers/e2e.ts';
import { DEMO_PASSWORD } from '../helpers/test-server.ts';

describe('reading centre screens in Chromium', () => {
  const e2e = serverAndChromium({ browserArgs: ['--autoplay-policy=no-user-gesture-required'] });

  async function openWorklist(username: string): Promise<Page> {
    const page = await loginInBrowser(e2e.browser, e2e.server.url, username, { width: 1366, height: 768 });
    await expect.poll(() => page.getByTestId('connection-status').getAttribute('data-state'), { timeout: 10_000 }).toBe('connected');
    await page.getByTestId('worklist-filter-mine').waitFor();
    return page;
  }

  it('shows a STAT case live, to the right centre only, and shares the claim', async () => {
    const [reader, supervisor, ecgReader] = await Promise.all([openWorklist('reader1'), openWorklist('super1'), openWorklist('ecg1')]);

    const tech = await e2e.server.login('tech1');
    const caseId = (await tech.post('/api/cases', { patient: { name: '李四' }, examKind: 'CT', bodyPart: '胸部', priority: 'STAT' })).body
      .id;
    await tech.upload(caseId, [{ name: 'ct.dcm', data: syntheticCt({ rows: 32, columns: 32 }).bytes }]);
    await tech.post(`/api/cases/${caseId}/submit`);

    const row = (page: Page) => page.locator(`[data-testid="worklist-row"][data-case-id="${caseId}"]`);
    await expect.poll(() => row(reader).count(), { timeout: 2000 }).toBe(1); // no reload
    expect(await row(reader).getAttribute('data-priority')).toBe('STAT');
    expect(await row(reader).textContent()).toContain('李四');
    await expect.poll(() => reader.getByTestId('stat-alert').isVisible()).toBe(true);
    expect(await row(reader).getByTestId('sla-countdown').getAttribute('data-overdue')).toBe('false');

    await row(reader).getByTestId('claim-case').click();
    await expect.poll(() => row(reader).getByTestId('claimed-by').textContent()).toContain('陈医生');
    await expect.poll(() => row(supervisor).getByTestId('claimed-by').textContent(), { timeout: 2000 }).toContain('陈医生');
    expect(await row(supervisor).getAttribute('data-status')).toBe('CLAIMED');

    await row(supervisor).getByTestId('return-case').click();
    await expect.poll(() => row(reader).getAttribute('data-status'), { timeout: 2000 }).toBe('SUBMITTED');

    // the ECG centre never saw it
    expect(await row(ecgReader).count()).toBe(0);
    expect(await ecgReader.getByTestId('stat-alert').count()).toBe(0);
    const audit = await e2e.server.server.ctx.db.auditEvent.findMany({ where: { entityId: caseId }, orderBy: { at: 'asc' } });
    expect(audit.map((a) => a.action).slice(-2)).toEqual(['case.claim', 'case.return']);
  });

  it('lets an administrator add a township override and switch it off, and it routes cases', async () => {
    const page = await loginInBrowser(e2e.browser, e2e.server.url, 'admin', { width: 1366, height: 768 });
    await page.getByTestId('nav-routing-rules').click();
    await page.getByTestId('routing-rule-add').click();
    const { db } = e2e.server.server.ctx;
    const [shiqiao, ecgCentre] = await Promise.all([
      db.organization.findUniqueOrThrow({ where: { code: 'T-SHIQIAO' } }),
      db.readingCentre.findUniqueOrThrow({ where: { code: 'ECG' } }),
    ]);
    await page.getByTestId('rule-exam-kind').selectOption('ECG');
    await page.getByTestId('rule-township').selectOption(shiqiao.id);
    await page.getByTestId('rule-centre').selectOption(ecgCentre.id);
    await page.getByTestId('rule-note').fill('石桥心电');
    await page.getByTestId('rule-save').click();

    const row = page.locator('[data-testid="routing-rule-row"]', { hasText: '石桥心电' });
    await expect.poll(() => row.count()).toBe(1);
    const rule = await db.routingRule.findFirstOrThrow({ where: { note: '石桥心电' } });
    expect(rule).toMatchObject({ examKind: 'ECG', originOrgId: shiqiao.id, centreId: ecgCentre.id, active: true });

    const tech2 = await e2e.server.login('tech2');
    const id = (await tech2.post('/api/cases', { patient: { name: '王五' }, examKind: 'ECG' })).body.id;
    await tech2.upload(id, [{ name: 'ecg.dcm', data: syntheticCt({ rows: 8, columns: 8, modality: 'ECG' }).bytes }]);
    await tech2.post(`/api/cases/${id}/submit`);
    expect((await db.case.findUniqueOrThrow({ where: { id } })).routingRuleId).toBe(rule.id);

    await row.getByTestId('routing-rule-toggle').click();
    await expect.poll(async () => (await db.routingRule.findUniqueOrThrow({ where: { id: rule.id } })).active).toBe(false);
    await page.close();
  });

  it('shows the administrator the audit log: the routing rules changed above, and sign-ins', async () => {
    const page = await loginInBrowser(e2e.browser, e2e.server.url, 'admin', { width: 1366, height: 768 });
    await page.getByTestId('nav-audit').click();
    const entries = page.getByTestId('audit-entry');
    // newest first: the administrator's own sign-in is the latest act
    await expect.poll(() => entries.first().getAttribute('data-action'), { timeout: 10_000 }).toBe('session.login');
    expect(await entries.first().textContent()).toContain('系统管理员 · 县人民医院');
    await page.getByTestId('audit-area').selectOption('routing');
    await expect
      .poll(() => entries.evaluateAll((rows) => rows.map((r) => r.getAttribute('data-action'))))
      .toEqual(['routing.rule_update', 'routing.rule_create']);
    expect(await entries.last().textContent()).toContain('新增分诊规则');

    // an exam's acts by its number, named by number and patient; then only one person's; the CSV link the same
    const kase = await e2e.server.server.ctx.db.case.findFirstOrThrow({ where: { patient: { name: '李四' } } });
    await page.getByTestId('audit-area').selectOption('case');
    await page.getByTestId('audit-text').fill(kase.accessionNumber);
    await page.getByTestId('audit-search').click();
    const actions = () => entries.evaluateAll((rows) => rows.map((r) => r.getAttribute('data-action')));
    await expect.poll(actions).toContain('case.claim');
    expect(new Set(await page.getByTestId('audit-subject').allTextContents())).toEqual(new Set([`${kase.accessionNumber} · 李四`]));
    expect(await page.getByTestId('audit-csv').getAttribute('href')).toBe(`/api/audit.csv?area=case&q=${kase.accessionNumber}`);
    await entries
      .filter({ hasText: '王技师' })
      .first()
      .getByRole('button', { name: /王技师/ })
      .click();
    await expect.poll(() => page.getByTestId('audit-user').textContent()).toContain('王技师');
    await expect.poll(actions).toEqual(['case.submit', 'case.create']);
    await screenshot(page, 'audit-log.png');
    await page.close();
  });

  it("shows the supervisor the imaging centre's reading turnaround, by priority and period, and the returns", async () => {
    const tech = await e2e.server.login('tech1');
    const reader = await e2e.server.login('reader1');
    // two routine CTs read and signed over the API; one's recorded times are set back 40 days
    const signed: string[] = [];
    for (let i = 0; i < 2; i++) {
      const id = (await tech.post('/api/cases', { patient: { name: `时效${i}` }, examKind: 'CT', priority: 'ROUTINE' })).body.id as string;
      await tech.upload(id, [{ name: 'f.dcm', data: syntheticCt({ rows: 16, columns: 16 }).bytes }]);
      expect((await tech.post(`/api/cases/${id}/submit`)).status).toBe(200);
      expect((await reader.post(`/api/cases/${id}/claim`)).status).toBe(200);
      await reader.request('PUT', `/api/cases/${id}/report`, {
        json: { templateId: 'head-ct', findings: '', impression: '未见明显异常。' },
      });
      expect((await reader.post(`/api/cases/${id}/report/sign`, { password: DEMO_PASSWORD })).status).toBe(200);
      signed.push(id);
    }
    const daysAgo = (d: number) => new Date(Date.now() - d * 86_400_000);
    await e2e.server.server.ctx.db.case.update({
      where: { id: signed[1]! },
      data: { submittedAt: daysAgo(40), firstClaimedAt: daysAgo(40), signedAt: daysAgo(40) },
    });

    // an urgent MR read at two levels (the imaging centre has MR reviewed): writer1 writes, reader1 reviews and
    // signs; its recorded times then set to 40 minutes of writing and 25 of review
    const writer = await e2e.server.login('writer1');
    const twoLevel = (await tech.post('/api/cases', { patient: { name: '两级时效' }, examKind: 'MR', priority: 'URGENT' })).body
      .id as string;
    await tech.upload(twoLevel, [{ name: 'mr.dcm', data: syntheticCt({ rows: 16, columns: 16, modality: 'MR' }).bytes }]);
    expect((await tech.post(`/api/cases/${twoLevel}/submit`)).status).toBe(200);
    expect((await writer.post(`/api/cases/${twoLevel}/claim`)).status).toBe(200);
    await writer.request('PUT', `/api/cases/${twoLevel}/report`, {
      json: { templateId: 'head-mr', findings: '', impression: '未见明显异常。' },
    });
    expect((await writer.post(`/api/cases/${twoLevel}/report/submit-preliminary`)).status).toBe(200);
    expect((await reader.post(`/api/cases/${twoLevel}/claim`)).status).toBe(200);
    expect((await reader.post(`/api/cases/${twoLevel}/report/sign`, { password: DEMO_PASSWORD })).status).toBe(200);
    const minutesAgo = (m: number) => new Date(Date.now() - m * 60_000);
    await e2e.server.server.ctx.db.case.update({
      where: { id: twoLevel },
      data: { submittedAt: minutesAgo(80), firstClaimedAt: minutesAgo(70), writtenAt: minutesAgo(30), signedAt: minutesAgo(5) },
    });

    const page = await loginInBrowser(e2e.browser, e2e.server.url, 'super1', { width: 1366, height: 768 });
    await page.getByTestId('nav-quality').click();
    const routine = page.locator('[data-testid="turnaround-row"][data-centre="影像诊断中心"][data-priority="ROUTINE"]');
    await expect.poll(() => routine.getByTestId('turnaround-signed').textContent(), { timeout: 10_000 }).toBe('1');
    expect(await routine.getByTestId('turnaround-total').textContent()).toMatch(/^中位 .+ · 90% .+$/);
    expect(await routine.getByTestId('turnaround-on-time').textContent()).toBe('1 例（100%）');
    // the routine CTs were signed by their readers alone: no writing or review step
    expect(await routine.getByTestId('turnaround-to-write').textContent()).toBe('—');
    expect(await routine.getByTestId('turnaround-to-review').textContent()).toBe('—');
    const urgent = page.locator('[data-testid="turnaround-row"][data-centre="影像诊断中心"][data-priority="URGENT"]');
    expect(await urgent.getByTestId('turnaround-to-write').textContent()).toBe('中位 40分钟 · 90% 40分钟');
    expect(await urgent.getByTestId('turnaround-to-review').textContent()).toBe('中位 25分钟 · 90% 25分钟');
    expect(await urgent.getByTestId('turnaround-total').textContent()).toBe('中位 1小时15分 · 90% 1小时15分');
    expect(await page.getByTestId('quality-turnaround').locator('th').allTextContents()).toEqual(
      expect.arrayContaining(['书写（至提交审核）', '审核（至签发）']),
    );
    // ninety days take the older case in
    await page.getByTestId('turnaround-period').selectOption('90');
    await expect.poll(() => routine.getByTestId('turnaround-signed').textContent()).toBe('2');
    await page.getByTestId('quality-returns').waitFor();
    await screenshot(page, 'quality-turnaround.png');
    await page.close();
  });
});
