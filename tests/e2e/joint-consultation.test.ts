// A joint consultation (远程联合会诊) in real Chromium, three browsers: the specialist (reader1) invites the ECG
// centre's reader (ecg1) from the consultations list; ecg1 is told at once and enters the room from the notice;
// with the township (tech1) all three are in the room, each sees the two others' videos (named, decoding frames
// through real mediasoup) and the case on the shared viewer; the invitee cannot end it; the specialist ends it for
// all, and the consultation is billed as joint. Kept lean (no worker death, no network drop: consultation-room
// covers those for two).
import type { Page } from 'playwright-core';
import { describe, expect, it } from 'vitest';
import type { ConsultationDto } from '../../shared/consult.ts';
import { syntheticCt } from '../fixtures/dicom-writer.ts';
import { loginInBrowser, screenshot, serverAndChromium } from '../helpers/e2e.ts';

const MEDIA_ENV = { TELEDX_MEDIA_WORKERS: '1', TELEDX_MEDIA_RTC_MIN_PORT: '46000', TELEDX_MEDIA_RTC_MAX_PORT: '46999' };
const FAKE_MEDIA = ['--use-fake-device-for-media-stream', '--use-fake-ui-for-media-stream'];

const stateOf = (page: Page) => page.getByTestId('consult-room').getAttribute('data-state');

describe('joint consultation in Chromium', () => {
  const e2e = serverAndChromium({ env: MEDIA_ENV, browserArgs: FAKE_MEDIA });

  it('invites a third specialist, who joins from the notice; three browsers see each other and the case', async () => {
    const tech = await e2e.server.login('tech1');
    const reader = await e2e.server.login('reader1');
    const caseId = (await tech.post('/api/cases', { patient: { name: '联合会诊病人' }, examKind: 'CT', bodyPart: '胸部' })).body
      .id as string;
    const slice = syntheticCt({ rows: 128, columns: 128 });
    expect((await tech.upload(caseId, [{ name: 'IM1.dcm', data: slice.bytes }])).body.rejected).toEqual([]);
    expect((await tech.post(`/api/cases/${caseId}/submit`)).status).toBe(200);
    const db = e2e.server.server.ctx.db;
    const centreId = (await db.readingCentre.findFirstOrThrow({ where: { code: 'IMAGING' } })).id;
    const [readerId, ecgId] = (await Promise.all(
      ['reader1', 'ecg1'].map(async (username) => (await db.user.findUniqueOrThrow({ where: { username } })).id),
    )) as [string, string];
    const requested = await tech.post('/api/consultations', { caseId, centreId, specialistId: readerId, topic: '疑难病例，联合会诊' });
    const consultationId = (requested.body as ConsultationDto).id;
    expect((await reader.post(`/api/consultations/${consultationId}/accept`)).status).toBe(200);

    const viewport = { width: 1280, height: 860 };
    const [techPage, readerPage, ecgPage] = (await Promise.all(
      ['tech1', 'reader1', 'ecg1'].map((name) => loginInBrowser(e2e.browser, e2e.server.url, name, viewport)),
    )) as [Page, Page, Page];
    // the ECG reader cannot see it yet
    expect((await ecgPage.request.get(`${e2e.server.url}/api/consultations/${consultationId}`)).status()).toBe(404);

    // ---- the specialist invites ecg1 from the consultations list ----
    await readerPage.goto(`${e2e.server.url}/consultations`);
    const row = readerPage.locator(`[data-testid="consultation-row"][data-id="${consultationId}"]`);
    await row.getByTestId('consultation-invite').click();
    const select = readerPage.getByTestId('consultation-invite-user');
    await expect.poll(() => select.locator(`option[value="${ecgId}"]`).count(), { timeout: 10_000 }).toBe(1);
    await select.selectOption(ecgId);
    await readerPage.getByTestId('consultation-invite-confirm').click();
    await expect.poll(() => row.getByTestId('consultation-invitees').textContent(), { timeout: 10_000 }).toContain('刘医生');

    // ---- ecg1 is told at once, and enters from the notice ----
    const notice = ecgPage.locator(`[data-testid="consultation-notice"][data-id="${consultationId}"][data-event="invite"]`);
    await notice.waitFor({ timeout: 10_000 });
    expect(await notice.textContent()).toContain('陈医生');
    await notice.getByTestId('consultation-notice-open').click();
    await techPage.goto(`${e2e.server.url}/consultations/${consultationId}/room`);
    await readerPage.goto(`${e2e.server.url}/consultations/${consultationId}/room`);
    const pages = [techPage, readerPage, ecgPage];
    expect(await notice.count(), 'in the room, the invitation needs no notice').toBe(0);
    for (const page of pages) {
      await expect.poll(() => stateOf(page), { timeout: 30_000 }).toBe('joined');
      await expect.poll(() => page.getByTestId('participant').count(), { timeout: 20_000 }).toBe(3);
    }
    const sides = await ecgPage.getByTestId('participant').evaluateAll((items) => items.map((li) => li.getAttribute('data-side')).sort());
    expect(sides).toEqual(['invitee', 'requester', 'specialist']);

    // each sees the two others' cameras, named, decoding frames; and the case on the shared viewer
    const names = ['王技师', '陈医生', '刘医生'];
    for (const [i, page] of pages.entries()) {
      const remote = page.getByTestId('remote-video');
      await expect.poll(() => remote.count(), { timeout: 30_000 }).toBe(2);
      for (const video of await remote.all()) {
        await expect.poll(async () => Number(await video.getAttribute('data-frames-decoded')), { timeout: 30_000 }).toBeGreaterThan(0);
      }
      const captions = await page.locator('.consult-remotes figcaption').allTextContents();
      expect(captions.sort()).toEqual(names.filter((_, j) => j !== i).sort());
      await expect
        .poll(() => page.getByTestId('shared-viewer').getByTestId('viewer-wl').textContent(), { timeout: 20_000 })
        .toBe('W 400 L 40');
    }
    await screenshot(ecgPage, 'consultation-joint.png');

    // the invitee leaves the ending to the lead; the lead ends it for all three
    expect(await ecgPage.getByTestId('end-consultation').count()).toBe(0);
    await readerPage.getByTestId('end-consultation').click();
    await readerPage.getByTestId('end-consultation-confirm').click();
    for (const page of pages) await expect.poll(() => stateOf(page), { timeout: 15_000 }).toBe('ended');
    const record = (await tech.get(`/api/consultations/${consultationId}`)).body as ConsultationDto;
    expect(new Set(record.participants.map((p) => p.user.displayName))).toEqual(new Set(names));
    expect(await db.feeEntry.findMany({ where: { consultationId }, select: { service: true } })).toEqual([{ service: 'CONSULT_JOINT' }]);
  }, 240_000);
});
