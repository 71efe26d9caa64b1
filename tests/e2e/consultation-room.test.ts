// A live consultation (远程会诊) in real Chromium, as the acceptance asks: the township technician requests a
// consultation on a CT case naming a county specialist, who accepts; both open the room in their own browser
// context with Chromium's fake camera and microphone. Each sees the other's video decoding frames (through real
// mediasoup workers), the participants and a good connection, also after the media worker dies and after one
// side's network drops; mute, camera off and a screen share show on the other side; the presenter's window/level,
// image, zoom and a length annotation show on the follower's shared viewer, also after handing control over; the
// specialist writes and saves the opinion, which the technician sees in the room and on the case; the specialist
// ends the consultation for both.
import type { Locator, Page } from 'playwright-core';
import { describe, expect, it } from 'vitest';
import type { CaseDetailDto } from '../../shared/api.ts';
import type { ConsultationDto } from '../../shared/consult.ts';
import { syntheticCt } from '../fixtures/dicom-writer.ts';
import { canvasStats, loginInBrowser, screenshot, serverAndChromium } from '../helpers/e2e.ts';

/** One worker is plenty for two peers; ports apart from the other media tests'. */
const MEDIA_ENV = { TELEDX_MEDIA_WORKERS: '1', TELEDX_MEDIA_RTC_MIN_PORT: '44000', TELEDX_MEDIA_RTC_MAX_PORT: '44999' };
const FAKE_MEDIA = ['--use-fake-device-for-media-stream', '--use-fake-ui-for-media-stream'];

/** The window/level the viewer inside a shared viewer says it shows. */
async function windowOf(sharedViewer: Locator): Promise<string> {
  const viewer = sharedViewer.getByTestId('viewer');
  return `${await viewer.getAttribute('data-window-width')}/${await viewer.getAttribute('data-window-center')}`;
}

/** The viewer's window once it has stopped changing: the same on two reads 300 ms apart (within 10 s). */
async function settledWindowOf(sharedViewer: Locator): Promise<string> {
  let last = await windowOf(sharedViewer);
  for (const deadline = Date.now() + 10_000; Date.now() < deadline;) {
    await new Promise((resolve) => setTimeout(resolve, 300));
    const now = await windowOf(sharedViewer);
    if (now === last) return now;
    last = now;
  }
  throw new Error(`the viewer's window kept changing (last ${last})`);
}

async function framesDecoded(page: Page): Promise<number> {
  return Number((await page.getByTestId('remote-video').first().getAttribute('data-frames-decoded')) ?? 0);
}

describe('consultation room in Chromium', () => {
  const e2e = serverAndChromium({ env: MEDIA_ENV, browserArgs: FAKE_MEDIA });

  it('connects two browsers with video, a shared viewer and the opinion', async () => {
    // ---- set up over REST: a submitted CT case, a consultation on it naming reader1, accepted ----
    const tech = await e2e.server.login('tech1');
    const reader = await e2e.server.login('reader1');
    const caseId = (await tech.post('/api/cases', { patient: { name: '会诊病人' }, examKind: 'CT', bodyPart: '胸部' })).body.id as string;
    const first = syntheticCt({ rows: 256, columns: 256, instanceNumber: 1 });
    const slices = [
      first,
      syntheticCt({ rows: 256, columns: 256, instanceNumber: 2, studyUid: first.studyUid, seriesUid: first.seriesUid, seed: 300 }),
    ];
    const upload = await tech.upload(
      caseId,
      slices.map((s, i) => ({ name: `IM${i + 1}.dcm`, data: s.bytes })),
    );
    expect(upload.body.rejected).toEqual([]);
    expect((await tech.post(`/api/cases/${caseId}/submit`)).status).toBe(200);

    const { centres } = (await tech.get('/api/consortium')).body as { centres: { id: string; code: string }[] };
    const centreId = centres.find((c) => c.code === 'IMAGING')!.id;
    const { specialists } = (await tech.get(`/api/consultations/specialists?centreId=${centreId}`)).body as {
      specialists: { id: string; displayName: string }[];
    };
    const readerId = specialists.find((s) => s.displayName === '陈医生')!.id;
    const requested = await tech.post('/api/consultations', { caseId, centreId, specialistId: readerId, topic: '右肺结节，请会诊' });
    expect(requested.status, JSON.stringify(requested.body)).toBe(201);
    const consultationId = (requested.body as ConsultationDto).id;
    expect((await reader.post(`/api/consultations/${consultationId}/accept`)).status).toBe(200);

    // ---- both open the room, each in its own browser context ----
    const techPage = await loginInBrowser(e2e.browser, e2e.server.url, 'tech1', { width: 1366, height: 900 });
    const readerPage = await loginInBrowser(e2e.browser, e2e.server.url, 'reader1', { width: 1366, height: 900 });
    const roomUrl = `${e2e.server.url}/consultations/${consultationId}/room`;
    await techPage.goto(roomUrl);
    await readerPage.goto(roomUrl);
    const pages = [techPage, readerPage];

    for (const page of pages) {
      await expect.poll(() => page.getByTestId('consult-room').getAttribute('data-state'), { timeout: 20_000 }).toBe('joined');
      await expect.poll(() => page.getByTestId('participant').count(), { timeout: 10_000 }).toBe(2);
      await page.getByTestId('local-video').waitFor();
    }

    // each sees exactly one remote video (the other's camera), decoding frames that keep coming
    for (const page of pages) {
      const remote = page.getByTestId('remote-video');
      await expect.poll(() => remote.count(), { timeout: 20_000 }).toBe(1);
      expect(await remote.getAttribute('data-source')).toBe('cam');
      await expect.poll(() => framesDecoded(page), { timeout: 20_000 }).toBeGreaterThan(0);
    }
    for (const page of pages) {
      const seen = await framesDecoded(page);
      await expect.poll(() => framesDecoded(page), { timeout: 10_000 }).toBeGreaterThan(seen);
    }
    // ---- the media worker dies under the room: it restarts on the replacement worker, and both browsers build
    // their connections again on their own and receive the other's camera anew ----
    const consumersBefore = await Promise.all(pages.map((page) => page.getByTestId('remote-video').getAttribute('data-consumer-id')));
    const media = await e2e.server.server.media.get();
    const deadPid = (await media.room(consultationId))!.placement()[0]!.workerPid;
    process.kill(deadPid, 'SIGKILL');
    for (const [i, page] of pages.entries()) {
      const remote = page.getByTestId('remote-video');
      await expect
        .poll(async () => (await remote.count()) === 1 && (await remote.getAttribute('data-consumer-id')) !== consumersBefore[i], {
          timeout: 30_000,
        })
        .toBe(true);
      await expect.poll(() => framesDecoded(page), { timeout: 20_000 }).toBeGreaterThan(0);
      expect(await page.getByTestId('consult-room').getAttribute('data-state')).toBe('joined');
    }
    expect((await media.room(consultationId))!.placement()[0]!.workerPid).not.toBe(deadPid);

    // the remote tile names the other side's peer; the connection on localhost is good
    const readerPeerId = await techPage.getByTestId('remote-video').getAttribute('data-peer-id');
    const techPeerId = await readerPage.getByTestId('remote-video').getAttribute('data-peer-id');
    expect(techPeerId).not.toBe(readerPeerId);
    for (const page of pages) {
      await expect.poll(() => page.getByTestId('connection-quality').getAttribute('data-level'), { timeout: 10_000 }).toBe('good');
    }
    // the technician mutes and turns the camera off: the specialist's participant list says so; and back on
    const techSeenByReader = readerPage.locator(`[data-testid="participant"][data-peer-id="${techPeerId}"]`);
    await techPage.getByTestId('mute').click();
    await techPage.getByTestId('camera').click();
    await expect
      .poll(async () => `${await techSeenByReader.getAttribute('data-mic')}/${await techSeenByReader.getAttribute('data-cam')}`)
      .toBe('paused/paused');
    await techPage.getByTestId('mute').click();
    await techPage.getByTestId('camera').click();
    await expect
      .poll(async () => `${await techSeenByReader.getAttribute('data-mic')}/${await techSeenByReader.getAttribute('data-cam')}`)
      .toBe('on/on');

    // the technician shares the screen: the specialist receives it as a second video, which ends when sharing stops
    await techPage.getByTestId('screen-share').click();
    const sharedScreen = readerPage.locator('[data-testid="remote-video"][data-source="screen"]');
    await expect.poll(() => sharedScreen.count(), { timeout: 20_000 }).toBe(1);
    await expect.poll(async () => Number(await sharedScreen.getAttribute('data-frames-decoded')), { timeout: 20_000 }).toBeGreaterThan(0);
    await expect.poll(() => techSeenByReader.getAttribute('data-screen')).toBe('on');
    await techPage.getByTestId('screen-share').click();
    await expect.poll(() => sharedScreen.count(), { timeout: 10_000 }).toBe(0);

    // ---- the technician's network drops: the room carries on for the specialist; back online, the technician's
    // page rejoins on its own and both see each other again ----
    await techPage.context().setOffline(true);
    await expect.poll(() => techPage.getByTestId('consult-room').getAttribute('data-state'), { timeout: 20_000 }).toBe('reconnecting');
    await expect.poll(() => readerPage.getByTestId('participant').count(), { timeout: 20_000 }).toBe(1);
    expect(await readerPage.getByTestId('consult-room').getAttribute('data-state')).toBe('joined');
    await techPage.context().setOffline(false);
    await expect.poll(() => techPage.getByTestId('consult-room').getAttribute('data-state'), { timeout: 30_000 }).toBe('joined');
    await expect.poll(() => readerPage.getByTestId('participant').count(), { timeout: 20_000 }).toBe(2);
    for (const page of pages) {
      await expect.poll(() => page.getByTestId('remote-video').count(), { timeout: 20_000 }).toBe(1);
      await expect.poll(() => framesDecoded(page), { timeout: 20_000 }).toBeGreaterThan(0);
    }

    // only the specialist may end the consultation
    expect(await readerPage.getByTestId('end-consultation').count()).toBe(1);
    expect(await techPage.getByTestId('end-consultation').count()).toBe(0);

    // ---- the shared viewer: one presenter (the first to join), the other follows read-only ----
    const rolesOf = async () => Promise.all(pages.map((page) => page.getByTestId('shared-viewer').getAttribute('data-role')));
    await expect.poll(async () => (await rolesOf()).sort().join(','), { timeout: 10_000 }).toBe('follower,presenter');
    let [presenter, follower] = (await rolesOf())[0] === 'presenter' ? [techPage, readerPage] : [readerPage, techPage];
    let presenterViewer = presenter.getByTestId('shared-viewer');
    let followerViewer = follower.getByTestId('shared-viewer');
    // both show the case's first image in the file's window (W 400 L 40)
    for (const viewer of [presenterViewer, followerViewer]) {
      await expect.poll(() => viewer.getByTestId('viewer-wl').textContent(), { timeout: 20_000 }).toBe('W 400 L 40');
    }
    await expect.poll(() => follower.getByTestId('viewer-following').isVisible()).toBe(true);
    expect(await followerViewer.getByTestId('viewer-preset-lung').isDisabled()).toBe(true);

    // a preset on the presenter's viewer: the follower's viewer shows the same window
    await presenterViewer.getByTestId('viewer-preset-lung').click();
    await expect.poll(() => windowOf(presenterViewer)).toBe('1500/-600');
    await expect.poll(() => windowOf(followerViewer), { timeout: 5000 }).toBe('1500/-600');
    await expect.poll(() => followerViewer.getByTestId('viewer-wl').textContent()).toBe('W 1500 L -600');

    // a window/level drag (the left button's default tool) on the presenter's image: the follower ends where it ends
    await expect.poll(() => presenterViewer.getByTestId('viewer').getAttribute('data-tools-ready'), { timeout: 10_000 }).toBe('true');
    const canvas = presenterViewer.getByTestId('viewer-canvas');
    await canvas.scrollIntoViewIfNeeded(); // the videos above push the viewer below the fold
    const box = (await canvas.boundingBox())!;
    const [cx, cy] = [box.x + box.width / 2, box.y + box.height / 2];
    await presenter.mouse.move(cx - 80, cy + 60);
    await presenter.mouse.down();
    await presenter.mouse.move(cx + 90, cy - 70, { steps: 12 });
    await presenter.mouse.up();
    await expect.poll(() => windowOf(presenterViewer)).not.toBe('1500/-600');
    // the presenter's viewer may still be working through the drag's last moves: take where it comes to rest
    const dragged = await settledWindowOf(presenterViewer);
    await expect.poll(() => windowOf(followerViewer), { timeout: 5000 }).toBe(dragged);
    await screenshot(follower, 'consultation-follower.png');

    // ---- the presenter hands control over: the roles swap and the new presenter drives ----
    await presenter.getByTestId('hand-over').click();
    await expect.poll(() => follower.getByTestId('shared-viewer').getAttribute('data-role'), { timeout: 5000 }).toBe('presenter');
    await expect.poll(() => presenter.getByTestId('shared-viewer').getAttribute('data-role')).toBe('follower');
    [presenter, follower] = [follower, presenter];
    presenterViewer = presenter.getByTestId('shared-viewer');
    followerViewer = follower.getByTestId('shared-viewer');
    await presenterViewer.getByTestId('viewer-preset-bone').click();
    await expect.poll(() => windowOf(followerViewer), { timeout: 5000 }).toBe('2000/300');
    await expect.poll(() => followerViewer.getByTestId('viewer-wl').textContent()).toBe('W 2000 L 300');

    // the image, the zoom and the annotations follow too: the next slice, zoomed in, with a length drawn on it
    const presenterCanvas = presenterViewer.getByTestId('viewer-canvas');
    await presenterCanvas.scrollIntoViewIfNeeded();
    await presenterCanvas.focus();
    await presenter.keyboard.press('ArrowDown');
    await expect.poll(() => followerViewer.getByTestId('viewer-image-index').textContent(), { timeout: 10_000 }).toBe('2 / 2');
    const unzoomed = await canvasStats(followerViewer);
    await presenterViewer.getByTestId('viewer-zoom-in').click();
    await expect.poll(async () => (await canvasStats(followerViewer)).checksum, { timeout: 10_000 }).not.toBe(unzoomed.checksum);
    await expect.poll(() => presenterViewer.getByTestId('viewer').getAttribute('data-tools-ready'), { timeout: 10_000 }).toBe('true');
    await expect.poll(() => followerViewer.getByTestId('viewer').getAttribute('data-tools-ready'), { timeout: 10_000 }).toBe('true');
    const withoutLength = await canvasStats(followerViewer);
    await presenterViewer.getByTestId('viewer-tool-length').click();
    const at = (await presenterCanvas.boundingBox())!;
    await presenter.mouse.move(at.x + at.width / 2 - 100, at.y + at.height / 2);
    await presenter.mouse.down();
    await presenter.mouse.move(at.x + at.width / 2 + 100, at.y + at.height / 2, { steps: 10 });
    await presenter.mouse.up();
    await expect.poll(() => presenterViewer.getByTestId('viewer-measurement').textContent()).toMatch(/\d+(\.\d+)? 毫米/);
    await expect.poll(async () => (await canvasStats(followerViewer)).checksum, { timeout: 10_000 }).not.toBe(withoutLength.checksum);
    await screenshot(follower, 'consultation-follower-annotated.png');

    // ---- the specialist writes and saves the opinion; the technician sees it, in the room and on the case ----
    const opinion = '右肺上叶结节，考虑良性可能大，建议3个月后复查胸部CT。';
    expect(await techPage.getByTestId('opinion-text').count()).toBe(0); // not the specialist: nothing to write
    await readerPage.getByTestId('opinion-text').fill(opinion);
    await readerPage.getByTestId('opinion-save').click();
    await expect.poll(() => readerPage.getByTestId('opinion-saved').textContent(), { timeout: 10_000 }).toBe(opinion);
    await expect.poll(() => techPage.getByTestId('opinion-saved').textContent(), { timeout: 10_000 }).toBe(opinion);
    const detail = (await tech.get(`/api/cases/${caseId}`)).body as CaseDetailDto;
    expect(detail.consultations.map((c) => c.opinion)).toContain(opinion);
    await screenshot(readerPage, 'consultation-specialist.png');

    // ---- the specialist ends it (after a confirmation in the page): both rooms close ----
    await readerPage.getByTestId('end-consultation').click();
    await readerPage.getByTestId('end-consultation-confirm').click();
    for (const page of pages) {
      await expect.poll(() => page.getByTestId('consult-room').getAttribute('data-state'), { timeout: 10_000 }).toBe('ended');
      expect(await page.getByTestId('remote-video').count()).toBe(0);
    }
    const record = (await tech.get(`/api/consultations/${consultationId}`)).body as ConsultationDto;
    expect(record).toMatchObject({ status: 'ENDED', durationSeconds: expect.any(Number) });
    expect(new Set(record.participants.map((p) => p.user.displayName))).toEqual(new Set(['王技师', '陈医生']));
    expect(record.participants.every((p) => p.leftAt !== null)).toBe(true);
    await techPage.getByTestId('back-to-consultations').click();
    await expect.poll(() => new URL(techPage.url()).pathname).toBe('/consultations');
    // the record is on the case too: when, how long, who
    await techPage.goto(`${e2e.server.url}/cases/${caseId}`);
    const onCase = techPage.getByTestId('consultation-record');
    await expect.poll(() => onCase.textContent(), { timeout: 10_000 }).toContain('陈医生');
    expect(await onCase.getAttribute('data-duration-seconds')).toBe(String(record.durationSeconds));
    expect(await techPage.getByTestId('consultation-opinion').textContent()).toBe(opinion);
  }, 180_000);
});
