// A reader's own templates and phrases (我的模板) in Chromium: reader1 creates one for chest CT on its screen,
// changes it, deletes another; the report editor of a chest CT offers it first, fills the report from it and
// inserts its phrase; the signed report carries that text. reader2, of the same centre, sees none of it: not on
// their screen, not in their editor.
import type { Page } from 'playwright-core';
import { beforeAll, describe, expect, it } from 'vitest';
import { syntheticCt } from '../fixtures/dicom-writer.ts';
import { loginInBrowser, serverAndChromium } from '../helpers/e2e.ts';
import { addImagingReader, DEMO_PASSWORD } from '../helpers/test-server.ts';

describe('personal templates in Chromium', () => {
  const e2e = serverAndChromium();
  beforeAll(async () => addImagingReader(e2e.server));

  /** A submitted chest CT of township 1, claimed by `reader`. */
  async function claimedChestCt(reader: string): Promise<string> {
    const tech = await e2e.server.login('tech1');
    const id = (await tech.post('/api/cases', { patient: { name: '模板' }, examKind: 'CT', bodyPart: '胸部' })).body.id as string;
    await tech.upload(id, [{ name: 'ct.dcm', data: syntheticCt({ rows: 32, columns: 32 }).bytes }]);
    expect((await tech.post(`/api/cases/${id}/submit`)).status).toBe(200);
    expect((await (await e2e.server.login(reader)).post(`/api/cases/${id}/claim`)).status).toBe(200);
    return id;
  }

  const templateOptions = (page: Page) =>
    page
      .getByTestId('report-template')
      .locator('option')
      .evaluateAll((options) => options.map((o) => o.textContent));
  const titles = (page: Page) => page.getByTestId('my-template-title').allTextContents();

  async function fillTemplate(page: Page, fields: { name: string; kind?: string; region?: string; impression?: string; phrases?: string }) {
    await page.getByTestId('my-template-name').fill(fields.name);
    if (fields.kind) await page.getByTestId('my-template-kind').selectOption(fields.kind);
    if (fields.region) await page.getByTestId('my-template-region').selectOption(fields.region);
    if (fields.impression) await page.getByTestId('my-template-impression').fill(fields.impression);
    if (fields.phrases) await page.getByTestId('my-template-phrases').fill(fields.phrases);
    await page.getByTestId('my-template-save').click();
    await page.getByTestId('my-template-form').waitFor({ state: 'detached', timeout: 10_000 });
  }

  it('reader1 creates, changes and deletes templates, reports from one; reader2 never sees them', { timeout: 120_000 }, async () => {
    const reader1 = await loginInBrowser(e2e.browser, e2e.server.url, 'reader1');
    await reader1.getByTestId('nav-my-templates').click();
    await reader1.getByText('还没有自己的模板。').waitFor({ timeout: 10_000 });

    // a name is required: the form says so and sends nothing
    await reader1.getByTestId('my-template-new').click();
    await reader1.getByTestId('my-template-save').click();
    await reader1.getByText('请填写模板名称').waitFor();
    await fillTemplate(reader1, {
      name: '肺结节随访',
      kind: 'CT',
      region: 'CHEST',
      impression: '右肺上叶小结节，建议随访。',
      phrases: '右肺上叶磨玻璃结节\n建议12个月后复查',
    });
    await reader1.getByTestId('my-template-new').click();
    await fillTemplate(reader1, { name: '头颅备用', kind: 'CT', region: 'HEAD' });
    await expect.poll(() => titles(reader1), { timeout: 10_000 }).toEqual(['头颅备用', '肺结节随访']);

    // change the first one's name and findings; delete the other
    await reader1.getByTestId('my-template-row').filter({ hasText: '肺结节随访' }).getByTestId('my-template-edit').click();
    expect(await reader1.getByTestId('my-template-impression').inputValue()).toBe('右肺上叶小结节，建议随访。');
    expect(await reader1.getByTestId('my-template-region').inputValue()).toBe('CHEST');
    await reader1.getByTestId('my-template-findings').fill('右肺上叶见磨玻璃结节。');
    await fillTemplate(reader1, { name: '胸部CT肺结节' });
    await reader1.getByTestId('my-template-row').filter({ hasText: '头颅备用' }).getByTestId('my-template-delete').click();
    await reader1.getByTestId('my-template-delete-confirm').click();
    await expect.poll(() => titles(reader1), { timeout: 10_000 }).toEqual(['胸部CT肺结节']);
    const row = reader1.getByTestId('my-template-row');
    expect(await row.locator('td').allTextContents()).toEqual([
      '胸部CT肺结节',
      'CT',
      '胸部',
      '右肺上叶小结节，建议随访。',
      '2',
      '修改删除',
    ]);

    // the report editor of a chest CT: the own template first, filling the report; its phrase inserted
    const mine = await claimedChestCt('reader1');
    await reader1.goto(`${e2e.server.url}/cases/${mine}`);
    await expect.poll(() => templateOptions(reader1), { timeout: 10_000 }).toEqual(['选择模板…', '胸部CT肺结节', '胸部CT平扫', '通用报告']);
    await reader1.getByTestId('report-template').selectOption({ label: '胸部CT肺结节' });
    expect(await reader1.getByTestId('report-findings').inputValue()).toBe('右肺上叶见磨玻璃结节。');
    expect(await reader1.getByTestId('report-impression').inputValue()).toBe('右肺上叶小结节，建议随访。');
    expect(await reader1.getByTestId('report-phrase').allTextContents()).toEqual(['右肺上叶磨玻璃结节', '建议12个月后复查']);
    await reader1.getByTestId('report-impression').click();
    await reader1.getByTestId('report-impression').press('End');
    await reader1.getByTestId('report-phrase').filter({ hasText: '建议12个月后复查' }).click();
    await expect.poll(() => reader1.getByTestId('report-impression').inputValue()).toBe('右肺上叶小结节，建议随访。建议12个月后复查');
    await reader1.getByTestId('report-sign').click();
    await reader1.getByTestId('sign-password').fill(DEMO_PASSWORD);
    await reader1.getByTestId('sign-confirm').click();
    await expect
      .poll(() => reader1.getByTestId('report-signed-impression').textContent(), { timeout: 10_000 })
      .toBe('右肺上叶小结节，建议随访。建议12个月后复查');

    // reader2: no template of reader1's, on their screen or in their editor
    const reader2 = await loginInBrowser(e2e.browser, e2e.server.url, 'reader2');
    await reader2.getByTestId('nav-my-templates').click();
    await reader2.getByText('还没有自己的模板。').waitFor({ timeout: 10_000 });
    const theirs = await claimedChestCt('reader2');
    await reader2.goto(`${e2e.server.url}/cases/${theirs}`);
    await expect.poll(() => templateOptions(reader2), { timeout: 10_000 }).toEqual(['选择模板…', '胸部CT平扫', '通用报告']);
    expect(await reader2.getByTestId('report-phrase').allTextContents()).not.toContain('建议12个月后复查');
    const id = (await e2e.server.server.ctx.db.personalTemplate.findFirstOrThrow()).id;
    expect(
      (await (await e2e.server.login('reader2')).request('PUT', `/api/personal-templates/${id}`, { json: { title: 'x' } })).status,
    ).toBe(404);
    await Promise.all([reader1.close(), reader2.close()]);
  });
});
