// The administrator's API tokens screen in Chromium, in Chinese: a township's token issued through the form, its
// secret shown once and working as a bearer token on /dicom-web, then revoked from its row and refused.
import { expect, it } from 'vitest';
import { loginInBrowser, serverAndChromium } from '../helpers/e2e.ts';

const running = serverAndChromium();

it('issues a township token, shows its secret once, and revokes it', async () => {
  const page = await loginInBrowser(running.browser, running.server.url, 'admin');
  await page.getByTestId('nav-api-tokens').click();
  await expect.poll(() => page.getByTestId('api-token-form').isVisible()).toBe(true);
  await page.locator('#token-name').fill('乡镇 PACS');
  const township = (
    await running.server.server.ctx.db.user.findUniqueOrThrow({ where: { username: 'tech1' }, include: { organization: true } })
  ).organization;
  await page.locator('#token-org').selectOption(township.id);
  await page.getByTestId('api-token-form').locator('button[type=submit]').click();
  const secretBox = page.getByTestId('api-token-secret');
  await expect.poll(() => secretBox.isVisible()).toBe(true);
  const secret = (await secretBox.locator('code').textContent())!.trim();
  expect(secret).toMatch(/^tdx_/);
  const studies = () =>
    fetch(`${running.server.url}/dicom-web/studies`, { headers: { Authorization: `Bearer ${secret}` } }).then((r) => r.status);
  expect(await studies()).toBe(204); // the township has no studies yet: an empty answer, not a refusal

  const row = page.getByTestId('api-token-row').filter({ hasText: '乡镇 PACS' });
  await expect.poll(() => row.textContent()).toContain(township.name);
  await expect.poll(() => row.textContent()).toContain('有效');
  await page.getByRole('button', { name: '已复制' }).click();
  await expect.poll(() => secretBox.count()).toBe(0);
  await row.getByRole('button', { name: '吊销' }).click();
  await expect.poll(() => row.textContent()).toContain('已吊销');
  expect(await studies()).toBe(401);
});
