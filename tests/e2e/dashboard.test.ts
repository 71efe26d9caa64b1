// The county's dashboard in Chromium, on a fresh demo with its year of signed cases: the administrator opens 调度一张图,
// sees the year's volumes (the total the database holds for the twelve months, drawn by ECharts), narrows the
// period with the date pickers (the figures and the CSV links follow), and watches the imaging centre's load go up
// live when a township sends a case; then puts it on a wall screen (full screen).
import { expect, it } from 'vitest';
import { syntheticCt } from '../fixtures/dicom-writer.ts';
import { loginInBrowser, serverAndChromium } from '../helpers/e2e.ts';

const running = serverAndChromium({ env: { TELEDX_DEMO_HISTORY: 'true' } });

const CHINA = 8 * 3600_000;
const chinaDay = (ms: number) => new Date(ms + CHINA).toISOString().slice(0, 10);
const chinaStart = (day: string) => new Date(Date.parse(`${day}T00:00:00Z`) - CHINA);

/** what the database holds between two China-time days (both included): signed cases, consultations held, referrals */
async function heldBetween(from: string, to: string): Promise<number> {
  const db = running.server.server.ctx.db;
  const range = { gte: chinaStart(from), lt: new Date(chinaStart(to).getTime() + 86_400_000) };
  const [cases, consultations, referrals] = await Promise.all([
    db.case.count({ where: { signedAt: range } }),
    db.consultation.count({ where: { status: 'ENDED', endedAt: range } }),
    db.referral.count({ where: { createdAt: range } }),
  ]);
  return cases + consultations + referrals;
}

it('shows the seeded year, follows a date-range change, and the load live', async () => {
  const page = await loginInBrowser(running.browser, running.server.url, 'admin');
  // ECharts runs under the page's Content-Security-Policy (no inline script, no eval): nothing refused
  const refused: string[] = [];
  page.on('console', (m) => m.type() === 'error' && refused.push(m.text()));
  page.on('pageerror', (e) => refused.push(e.message));
  await page.getByTestId('nav-dashboard').click();
  const total = page.getByTestId('dashboard-volumes-total');
  await expect.poll(() => total.getAttribute('data-total'), { timeout: 20_000 }).not.toBeNull();
  // the default period: from the first of the month eleven months back to today
  const from = await page.getByTestId('dashboard-from').inputValue();
  const to = await page.getByTestId('dashboard-to').inputValue();
  expect(to).toBe(chinaDay(Date.now()));
  expect(from.endsWith('-01')).toBe(true);
  const year = await heldBetween(from, to);
  expect(year).toBeGreaterThan(2000);
  expect(Number(await total.getAttribute('data-total'))).toBe(year);
  expect(await total.textContent()).toBe(`合计 ${year} 例`);
  // ECharts drew the months: a canvas with something on it
  const inked = await page
    .getByTestId('dashboard-volumes-chart')
    .locator('canvas')
    .first()
    .evaluate((canvas: HTMLCanvasElement) => {
      const data = canvas.getContext('2d')!.getImageData(0, 0, canvas.width, canvas.height).data;
      let n = 0;
      for (let i = 3; i < data.length; i += 4) if (data[i]! > 0) n++;
      return n;
    });
  expect(inked).toBeGreaterThan(1000);
  expect(await page.getByTestId('dashboard-quality-row').count()).toBeGreaterThanOrEqual(3);

  // the last month only
  const monthAgo = chinaDay(Date.now() - 30 * 86_400_000);
  await page.getByTestId('dashboard-from').fill(monthAgo);
  const month = await heldBetween(monthAgo, to);
  expect(month).toBeLessThan(year);
  await expect.poll(() => total.getAttribute('data-total')).toBe(String(month));
  expect(await page.getByTestId('dashboard-volumes-csv').getAttribute('href')).toBe(`/api/dashboard/volumes.csv?from=${monthAgo}&to=${to}`);
  const quality = await page
    .getByTestId('dashboard-quality-row')
    .evaluateAll((rows) => rows.reduce((s, r) => s + Number(r.getAttribute('data-signed')), 0));
  expect(quality).toBe(await running.server.server.ctx.db.case.count({ where: { signedAt: { gte: chinaStart(monthAgo) } } }));

  // a township sends a CT: the imaging centre's waiting count goes up without a reload
  const imaging = page.locator('[data-testid="dashboard-load-row"][data-centre="影像诊断中心"]').getByTestId('load-waiting');
  await expect.poll(() => imaging.textContent()).toBe('0');
  const tech1 = await running.server.login('tech1');
  const id = (await tech1.post('/api/cases', { patient: { name: '大屏' }, examKind: 'CT', priority: 'STAT' })).body.id as string;
  expect((await tech1.upload(id, [{ name: 'ct.dcm', data: syntheticCt({ rows: 16, columns: 16 }).bytes }])).status).toBe(200);
  expect((await tech1.post(`/api/cases/${id}/submit`)).status).toBe(200);
  await expect.poll(() => imaging.textContent(), { timeout: 10_000 }).toBe('1');
  // the wall screen: full screen, larger type
  await page.getByTestId('dashboard-fullscreen').click();
  await expect.poll(() => page.getByTestId('dashboard').getAttribute('class')).toBe('dashboard dashboard-wall');
  expect(await page.getByTestId('dashboard-fullscreen').textContent()).toBe('退出全屏');
  expect(refused).toEqual([]);
  await page.close();
}, 90_000);
