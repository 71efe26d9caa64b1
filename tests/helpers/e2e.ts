// What the browser tests share: a server and a Chromium per test file, logging in through the login screen,
// reading back what a viewer's canvas shows, and optional screenshots for a human to look at.
import { join } from 'node:path';
import type { Browser, Locator, Page } from 'playwright-core';
import { afterAll, beforeAll, expect } from 'vitest';
import { launchBrowser } from './browser.ts';
import { DEMO_PASSWORD, startTestServer, type TestServer } from './test-server.ts';

/**
 * A test server (SQLite) and one headless Chromium for the tests of the enclosing `describe`: started before
 * them, closed after them. Read `.server` and `.browser` inside the tests, once they have started.
 */
export function serverAndChromium(options: { env?: Record<string, string>; browserArgs?: string[] } = {}): {
  server: TestServer;
  browser: Browser;
} {
  const running = {} as { server: TestServer; browser: Browser };
  beforeAll(async () => {
    running.server = await startTestServer('sqlite', options.env);
    running.browser = await launchBrowser(options.browserArgs);
  });
  afterAll(async () => {
    await running.browser?.close();
    await running.server?.close();
  });
  return running;
}

/** A new page, logged in as `username` through the login screen; resolves once the app has left it. */
export async function loginInBrowser(
  browser: Browser,
  url: string,
  username: string,
  viewport = { width: 1440, height: 900 },
): Promise<Page> {
  const page = await browser.newPage({ viewport });
  await page.goto(url);
  await page.getByTestId('login-username').fill(username);
  await page.getByTestId('login-password').fill(DEMO_PASSWORD);
  await page.getByTestId('login-submit').click();
  await page.getByTestId('login-submit').waitFor({ state: 'detached' });
  return page;
}

export interface CanvasStats {
  distinct: number;
  min: number;
  max: number;
  checksum: number;
  width: number;
  height: number;
}

/** What a viewer's canvas shows (the first viewer inside `scope`): distinct grey values, range and a checksum. */
export function canvasStats(scope: Page | Locator): Promise<CanvasStats> {
  return scope
    .getByTestId('viewer-canvas')
    .first()
    .locator('canvas')
    .evaluate((canvas: HTMLCanvasElement) => {
      const { data } = canvas.getContext('2d')!.getImageData(0, 0, canvas.width, canvas.height);
      const seen = new Set<number>();
      let checksum = 0;
      let min = 255;
      let max = 0;
      for (let i = 0; i < data.length; i += 4) {
        const v = data[i]!;
        seen.add(v);
        if (v < min) min = v;
        if (v > max) max = v;
        checksum = (checksum * 31 + v) >>> 0;
      }
      return { distinct: seen.size, min, max, checksum, width: canvas.width, height: canvas.height };
    });
}

/**
 * Waits until a viewer's mouse tools work: cornerstone-tools loads just after the first image is shown, so a drag
 * made at once would go to an image with no tools yet.
 */
export async function viewerToolsReady(viewer: Locator): Promise<void> {
  await expect.poll(() => viewer.getAttribute('data-tools-ready'), { timeout: 10_000 }).toBe('true');
}

/** TELEDX_E2E_SCREENSHOTS=/some/dir keeps pictures of the page for a human to look at. */
export async function screenshot(page: Page, name: string): Promise<void> {
  const dir = process.env.TELEDX_E2E_SCREENSHOTS;
  if (dir) await page.screenshot({ path: join(dir, name), fullPage: true });
}
