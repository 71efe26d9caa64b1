// Mutual recognition of results (检查结果互认) in Chromium: a patient had a CT read at one township; a new CT from
// another township shows it under 历史检查 with the signed impression, and 并排对比 opens its images in a second
// pane beside the current ones, fetched through the current case (?context=).
import { describe, expect, it } from 'vitest';
import { syntheticCt } from '../fixtures/dicom-writer.ts';
import { canvasStats, loginInBrowser, screenshot, serverAndChromium } from '../helpers/e2e.ts';
import type { ApiClient } from '../helpers/api-client.ts';
import { DEMO_PASSWORD } from '../helpers/test-server.ts';

const NATIONAL_ID = '110101199003074514';
const IMPRESSION = '右肺上叶小结节，建议随访。';

describe('priors in Chromium', () => {
  const e2e = serverAndChromium();

  async function ctExam(tech: ApiClient): Promise<string> {
    const id = (await tech.post('/api/cases', { patient: { name: '孙八', nationalId: NATIONAL_ID }, examKind: 'CT', bodyPart: '胸部' }))
      .body.id as string;
    const first = syntheticCt({ rows: 128, columns: 128, instanceNumber: 1 });
    const second = syntheticCt({
      rows: 128,
      columns: 128,
      instanceNumber: 2,
      studyUid: first.studyUid,
      seriesUid: first.seriesUid,
      seed: 300,
    });
    const upload = await tech.upload(id, [
      { name: 'IM1.dcm', data: first.bytes },
      { name: 'IM2.dcm', data: second.bytes },
    ]);
    expect(upload.body.rejected).toEqual([]);
    expect((await tech.post(`/api/cases/${id}/submit`)).status).toBe(200);
    return id;
  }

  it('lists the earlier exam with its impression and compares its images side by side', async () => {
    const [tech1, tech2, reader] = await Promise.all([e2e.server.login('tech1'), e2e.server.login('tech2'), e2e.server.login('reader1')]);
    const priorId = await ctExam(tech1); // 城关镇
    await reader.post(`/api/cases/${priorId}/claim`);
    await reader.request('PUT', `/api/cases/${priorId}/report`, { json: { templateId: 'head-ct', findings: '', impression: IMPRESSION } });
    expect((await reader.post(`/api/cases/${priorId}/report/sign`, { password: DEMO_PASSWORD })).status).toBe(200);
    const currentId = await ctExam(tech2); // 石桥镇

    const page = await loginInBrowser(e2e.browser, e2e.server.url, 'reader1');
    await page.goto(`${e2e.server.url}/cases/${currentId}`);
    await page.getByTestId('claim-case').click();

    const item = page.getByTestId('priors').getByTestId('prior-item');
    await expect.poll(() => item.count(), { timeout: 10_000 }).toBe(1);
    expect(await item.getAttribute('data-case-id')).toBe(priorId);
    const text = (await item.textContent()) ?? '';
    expect(text).toContain('城关镇卫生院');
    expect(text).toContain(IMPRESSION);
    expect(text).toContain('陈医生');

    await item.getByTestId('prior-compare').click();
    const prior = page.getByTestId('viewer-prior');
    await prior.waitFor();
    expect(await prior.getAttribute('data-case-id')).toBe(priorId);
    const priorViewer = prior.getByTestId('viewer');
    await expect.poll(() => priorViewer.getByTestId('viewer-image-index').textContent(), { timeout: 10_000 }).toBe('1 / 2');
    await expect.poll(() => canvasStats(priorViewer).then((c) => c.max), { timeout: 10_000 }).toBeGreaterThan(200);
    expect(await priorViewer.getByTestId('viewer-error').count()).toBe(0);
    // the current images stay beside it
    const current = page.locator('.viewer-current [data-testid="viewer"]');
    await expect.poll(() => canvasStats(current).then((c) => c.max), { timeout: 10_000 }).toBeGreaterThan(200);
    await page.getByTestId('viewer-prior').scrollIntoViewIfNeeded();
    await screenshot(page, 'case-priors-compare.png');

    // a second click closes the comparison
    await item.getByTestId('prior-compare').click();
    await prior.waitFor({ state: 'detached' });
  });
});
