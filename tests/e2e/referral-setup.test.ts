// The referral screens in Chromium that the API had without them: a township refers a registered patient up
// without a case (新建转诊: the patient found and chosen as on the new-exam screen, the department, reason,
// diagnosis, urgency and proposed time), and coord1 has it; the administrator adds a department with its
// coordinator and a referral rule for one township (转诊科室与规则), after which that township's referral form
// offers the department (and another township's does not), and switching the rule off takes it away again.
import type { Page } from 'playwright-core';
import { describe, expect, it } from 'vitest';
import type { ReferralDto } from '../../shared/referrals.ts';
import { loginInBrowser, screenshot, serverAndChromium } from '../helpers/e2e.ts';

describe('referral forms and setup in Chromium', () => {
  const e2e = serverAndChromium();

  /** the departments a township's new-referral form offers (the dialog is left open) */
  async function offeredDepartments(page: Page): Promise<string[]> {
    await page.getByTestId('nav-referrals').click();
    await page.getByTestId('referral-new').click();
    const select = page.getByTestId('referral-form').getByTestId('referral-department');
    // the departments arrive after the dialog opens: wait for more than the "choose" option
    await expect.poll(() => select.locator('option').count()).toBeGreaterThan(1);
    return (await select.locator('option').allTextContents()).slice(1);
  }

  it('a township refers a registered patient up without a case, and the coordinator has it', async () => {
    const tech1 = await e2e.server.login('tech1');
    // a patient of 城关镇's records (registered with an exam some time ago)
    const kase = (await tech1.post('/api/cases', { patient: { name: '孙无单', sex: 'F', birthDate: '1955-08-09' }, examKind: 'DR' }))
      .body as { id: string; patient: { id: string } };

    const page = await loginInBrowser(e2e.browser, e2e.server.url, 'tech1');
    await page.getByTestId('nav-referrals').click();
    await page.getByTestId('referrals-screen').waitFor();
    await page.getByTestId('referral-new').click();
    const form = page.getByTestId('referral-form');
    // nothing to submit before a patient is chosen
    expect(await page.getByTestId('referral-form-confirm').isDisabled()).toBe(true);
    await form.getByTestId('patient-search').fill('孙无');
    await form.getByTestId('patient-match').first().click();
    expect(await form.getByTestId('referral-patient-chosen').textContent()).toContain('孙无单');
    await form.getByTestId('referral-department').selectOption({ label: '神经内科' });
    await form.getByTestId('referral-reason').fill('反复头晕一月，基层检查未明确');
    await form.getByTestId('referral-diagnosis').fill('后循环缺血？');
    await form.getByTestId('referral-urgency').selectOption('URGENT');
    await form.getByTestId('referral-proposed').fill('2030-03-04T09:30');
    await screenshot(page, 'referral-new-without-case.png');
    await page.getByTestId('referral-form-confirm').click();
    await form.waitFor({ state: 'detached' });

    const row = page.getByTestId('referral-row').filter({ hasText: '孙无单' });
    await expect.poll(() => row.count()).toBe(1);
    expect(await row.getAttribute('data-status')).toBe('REQUESTED');
    expect(await row.textContent()).toContain('神经内科');
    expect(await row.textContent()).toContain('后循环缺血？');
    const id = (await row.getAttribute('data-id'))!;

    // as made: on the patient, no case, with what the form said; the department's coordinator sees it
    const coord1 = await e2e.server.login('coord1');
    const r = (await coord1.get(`/api/referrals/${id}`)).body as ReferralDto;
    expect(r.caseId).toBeNull();
    expect(r.attachments).toEqual([]);
    expect(r.patient.id).toBe(kase.patient.id);
    expect(r).toMatchObject({ direction: 'UP', urgency: 'URGENT', reason: '反复头晕一月，基层检查未明确', diagnosis: '后循环缺血？' });
    // the proposed time typed is the browser's local time
    expect(r.proposedAt).toBe(await page.evaluate(() => new Date(2030, 2, 4, 9, 30).toISOString()));
    await page.close();
  }, 60_000);

  it('the administrator adds a department and a rule; the township’s referral form then offers it', async () => {
    const admin = await loginInBrowser(e2e.browser, e2e.server.url, 'admin');
    await admin.getByTestId('nav-referral-setup').click();
    await admin.getByTestId('referral-setup-screen').waitFor();
    await expect.poll(() => admin.getByTestId('department-row').count()).toBe(5);

    // a department with coord1 as its coordinator
    await admin.getByTestId('department-add').click();
    const dform = admin.getByTestId('department-form');
    await dform.getByTestId('department-code').fill('geriatrics');
    await dform.getByTestId('department-name').fill('老年病科');
    await dform.getByText('周协调员').click();
    await dform.getByTestId('department-save').click();
    await dform.waitFor({ state: 'detached' });
    const drow = admin.locator('[data-testid="department-row"][data-code="GERIATRICS"]');
    await expect.poll(() => drow.count()).toBe(1);
    expect(await drow.textContent()).toContain('老年病科');
    expect(await drow.textContent()).toContain('周协调员');

    // without a rule no township is offered it
    const tech1 = await loginInBrowser(e2e.browser, e2e.server.url, 'tech1');
    expect(await offeredDepartments(tech1)).not.toContain('老年病科');

    // a rule: 老年病科 takes upward referrals from 城关镇
    await admin.getByTestId('referral-rule-add').click();
    const rform = admin.getByTestId('referral-rule-form');
    await rform.getByTestId('referral-rule-department').selectOption({ label: '老年病科' });
    await rform.getByTestId('referral-rule-direction').selectOption('UP');
    await rform.getByTestId('referral-rule-township').selectOption({ label: '城关镇卫生院' });
    await rform.getByTestId('referral-rule-note').fill('城关镇老年患者');
    await rform.getByTestId('referral-rule-save').click();
    await rform.waitFor({ state: 'detached' });
    const rrow = admin.getByTestId('referral-rule-row').filter({ hasText: '城关镇老年患者' });
    await expect.poll(() => rrow.count()).toBe(1);
    expect(await rrow.textContent()).toContain('老年病科');
    expect(await rrow.textContent()).toContain('城关镇卫生院');
    await screenshot(admin, 'referral-setup.png');

    // 城关镇's form offers it now, 石桥镇's does not
    await tech1.reload();
    expect(await offeredDepartments(tech1)).toContain('老年病科');
    const tech2 = await loginInBrowser(e2e.browser, e2e.server.url, 'tech2');
    expect(await offeredDepartments(tech2)).not.toContain('老年病科');

    // the rule switched off: gone from the form again, and the row says so
    await rrow.getByTestId('referral-rule-toggle').click();
    await expect.poll(() => rrow.getAttribute('data-active')).toBe('false');
    await tech1.reload();
    expect(await offeredDepartments(tech1)).not.toContain('老年病科');

    // the department edited (renamed) and switched off, as the server has it
    await drow.getByTestId('department-edit').click();
    await dform.getByTestId('department-name').fill('老年医学科');
    await dform.getByTestId('department-save').click();
    await dform.waitFor({ state: 'detached' });
    await expect.poll(() => drow.textContent()).toContain('老年医学科');
    await drow.getByTestId('department-toggle').click();
    await expect.poll(() => drow.getAttribute('data-active')).toBe('false');
    const saved = await e2e.server.server.ctx.db.department.findUniqueOrThrow({
      where: { code: 'GERIATRICS' },
      include: { coordinators: { include: { user: true } } },
    });
    expect(saved).toMatchObject({ name: '老年医学科', active: false });
    expect(saved.coordinators.map((c) => c.user.username)).toEqual(['coord1']);
    await Promise.all([admin.close(), tech1.close(), tech2.close()]);
  }, 90_000);
});
