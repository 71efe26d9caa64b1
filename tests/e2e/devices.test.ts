// The administrator's DICOM devices screen in Chromium: the demo's devices listed, a new one registered through the
// form (with its address and port), switched off; a township's exam code changed; in Chinese.
import { expect, it } from 'vitest';
import { loginInBrowser, serverAndChromium } from '../helpers/e2e.ts';

const running = serverAndChromium();

it('lists the demo devices, registers one and switches it off', async () => {
  const page = await loginInBrowser(running.browser, running.server.url, 'admin');
  await page.getByTestId('nav-devices').click();
  const rows = page.getByTestId('device-row');
  await expect.poll(() => rows.count()).toBe(3);
  await expect.poll(() => page.getByTestId('device-table').textContent()).toContain('TOWNSHIP1');
  // the HIS outbox's line: this server has no HIS endpoint configured
  await expect.poll(() => page.getByTestId('his-outbox').textContent()).toContain('未配置 HIS 接口');
  await page.locator('#device-ae').fill('DR_ROOM');
  await page.locator('#device-host').fill('10.0.8.9');
  await page.locator('#device-port').fill('104');
  await page.getByTestId('device-form').locator('button[type=submit]').click();
  await expect.poll(() => rows.count()).toBe(4);
  const row = rows.filter({ hasText: 'DR_ROOM' });
  await expect.poll(() => row.textContent()).toContain('启用');
  await row.getByRole('button', { name: '停用' }).click();
  await expect
    .poll(() => running.server.server.ctx.db.dicomDevice.findUnique({ where: { aeTitle: 'DR_ROOM' } }).then((d) => d?.active))
    .toBe(false);
  expect(await running.server.server.ctx.db.dicomDevice.findUnique({ where: { aeTitle: 'DR_ROOM' } })).toMatchObject({
    host: '10.0.8.9',
    port: 104,
  });
});

it("changes a township's exam code, and refuses one another township has", async () => {
  const page = await loginInBrowser(running.browser, running.server.url, 'admin');
  await page.getByTestId('nav-devices').click();
  const row = (code: string) => page.locator(`[data-testid="exam-code-row"][data-organization="${code}"]`);
  await expect.poll(() => row('T-HEKOU').getByTestId('exam-code').inputValue()).toBe('HK');
  await row('T-HEKOU').getByTestId('exam-code').fill('sq');
  await row('T-HEKOU').getByTestId('exam-code-save').click();
  await expect.poll(() => page.getByTestId('exam-codes').textContent()).toContain('该检查号代码已被其他机构使用过');
  await row('T-HEKOU').getByTestId('exam-code').fill('hkz');
  await row('T-HEKOU').getByTestId('exam-code-save').click();
  const hekou = () => running.server.server.ctx.db.organization.findUniqueOrThrow({ where: { code: 'T-HEKOU' } });
  await expect.poll(() => hekou().then((o) => o.examCode)).toBe('HKZ');
  await page.close();
});
