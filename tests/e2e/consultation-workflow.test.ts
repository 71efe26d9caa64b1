// Live consultations' workflow in Chromium, outside the room: a technician asks for a consultation from the case
// page, naming a reader of the imaging centre → the reader's open consultations page shows it without reload and
// a notice appears → the reader accepts → the technician's page shows it accepted, live, with the way into the
// room. A second request, declined with a reason, shows the reason on the technician's page and list. Scheduled
// ones remind both sides as their time comes, and the specialist when the township waits in the room.
import type { Page } from 'playwright-core';
import { describe, expect, it } from 'vitest';
import { ConsultPeer } from '../helpers/consult-peer.ts';
import { loginInBrowser, screenshot, serverAndChromium } from '../helpers/e2e.ts';

describe('consultation workflow in Chromium', () => {
  const e2e = serverAndChromium();

  async function login(username: string): Promise<Page> {
    const page = await loginInBrowser(e2e.browser, e2e.server.url, username);
    await page.getByTestId('connection-status').waitFor();
    return page;
  }

  /** Waits until the page's socket is connected (events sent before would be missed, by design). */
  async function connected(page: Page): Promise<void> {
    await expect.poll(() => page.getByTestId('connection-status').getAttribute('data-state'), { timeout: 10_000 }).toBe('connected');
  }

  async function requestFromCasePage(tech: Page, topic: string): Promise<string> {
    await tech.getByTestId('request-consultation').click();
    const form = tech.getByTestId('consultation-request-form');
    await form.locator('select[name="centreId"]').selectOption({ label: '影像诊断中心' });
    // the centre's specialists load for the chosen centre
    await expect.poll(() => form.locator('select[name="specialistId"] option', { hasText: '陈医生' }).count(), { timeout: 10_000 }).toBe(1);
    await form.locator('select[name="specialistId"]').selectOption({ label: '陈医生' });
    await form.locator('input[name="when"][value="now"]').check();
    await form.locator('textarea[name="topic"]').fill(topic);
    await tech.getByTestId('consultation-request-submit').click();
    await form.waitFor({ state: 'detached' });
    const item = tech.getByTestId('case-consultation').filter({ hasText: topic });
    await expect.poll(() => item.count()).toBe(1);
    return (await item.getAttribute('data-id'))!;
  }

  it('requests from the case page, the reader sees it live, accepts or declines, the township sees the answer live', async () => {
    const techApi = await e2e.server.login('tech1');
    const created = await techApi.post('/api/cases', {
      patient: { name: '孙七', sex: 'M' },
      examKind: 'CT',
      bodyPart: '胸部',
      priority: 'ROUTINE',
    });
    expect(created.status).toBe(201);
    const caseId: string = created.body.id;

    // the reader's consultations page is open before anything is asked
    const reader = await login('reader1');
    await reader.getByTestId('nav-consultations').click();
    await reader.getByTestId('consultations-screen').waitFor();
    await connected(reader);

    const tech = await login('tech1');
    await tech.goto(`${e2e.server.url}/cases/${caseId}`);
    await tech.getByTestId('case-consultations').waitFor();
    await connected(tech);

    // ---- asked, seen live, accepted ----
    const topic = '胸部CT见右上肺结节，请专家会诊是否需要进一步检查';
    const consultationId = await requestFromCasePage(tech, topic);
    const caseItem = tech.locator(`[data-testid="case-consultation"][data-id="${consultationId}"]`);
    expect(await caseItem.getAttribute('data-status')).toBe('REQUESTED');

    const row = reader.locator(`[data-testid="consultation-row"][data-id="${consultationId}"]`);
    await expect.poll(() => row.count(), { timeout: 10_000 }).toBe(1); // without reload
    expect(await row.getAttribute('data-status')).toBe('REQUESTED');
    expect(await row.textContent()).toContain(topic);
    expect(await row.textContent()).toContain('孙七');
    expect(await row.textContent()).toContain('现在');
    const notice = reader.locator(`[data-testid="consultation-notice"][data-id="${consultationId}"]`);
    await expect.poll(() => notice.count()).toBe(1);
    expect(await notice.textContent()).toContain('王技师');
    await screenshot(reader, 'consultation-requested-reader.png');
    // the reader is not the requester: no way into the room yet, and nothing to withdraw
    expect(await row.getByTestId('consultation-join').count()).toBe(0);
    expect(await row.getByTestId('consultation-cancel').count()).toBe(0);

    await row.getByTestId('consultation-accept').click();
    await expect.poll(() => row.getAttribute('data-status')).toBe('ACCEPTED');
    await expect.poll(() => row.getByTestId('consultation-join').count()).toBe(1);
    // answered: the request's notice has done its job
    await expect.poll(() => notice.count()).toBe(0);

    // the technician's case page, live: accepted, with the specialist and the way into the room
    await expect.poll(() => caseItem.getAttribute('data-status'), { timeout: 10_000 }).toBe('ACCEPTED');
    expect(await caseItem.textContent()).toContain('陈医生');
    const join = caseItem.getByTestId('consultation-join');
    await expect.poll(() => join.count()).toBe(1);
    expect(await join.getAttribute('href')).toBe(`/consultations/${consultationId}/room`);
    const accepted = tech.locator(`[data-testid="consultation-notice"][data-id="${consultationId}"]`);
    await expect.poll(() => accepted.getAttribute('data-event')).toBe('accept');

    // the technician's list shows it accepted too, with join and withdraw
    await tech.getByTestId('nav-consultations').click();
    const techRow = tech.locator(`[data-testid="consultation-row"][data-id="${consultationId}"]`);
    await expect.poll(() => techRow.getAttribute('data-status')).toBe('ACCEPTED');
    expect(await techRow.getByTestId('consultation-join').count()).toBe(1);
    expect(await techRow.getByTestId('consultation-cancel').count()).toBe(1);
    expect(await techRow.getByTestId('consultation-accept').count()).toBe(0);

    // ---- a second request, declined with a reason ----
    await tech.goto(`${e2e.server.url}/cases/${caseId}`);
    await tech.getByTestId('case-consultations').waitFor();
    await connected(tech);
    const second = await requestFromCasePage(tech, '请再约一次会诊，讨论随访方案');
    const secondRow = reader.locator(`[data-testid="consultation-row"][data-id="${second}"]`);
    await expect.poll(() => secondRow.count(), { timeout: 10_000 }).toBe(1);
    await secondRow.getByTestId('consultation-decline').click();
    const reason = '本周门诊排满，请下周再约';
    await reader.getByTestId('consultation-decline-reason').fill(reason);
    await reader.getByTestId('consultation-decline-confirm').click();
    await expect.poll(() => secondRow.getAttribute('data-status')).toBe('DECLINED');
    expect(await secondRow.getByTestId('consultation-accept').count()).toBe(0);

    const secondItem = tech.locator(`[data-testid="case-consultation"][data-id="${second}"]`);
    await expect.poll(() => secondItem.getAttribute('data-status'), { timeout: 10_000 }).toBe('DECLINED');
    expect(await secondItem.textContent()).toContain(reason);
    expect(await secondItem.getByTestId('consultation-join').count()).toBe(0);
    const declined = tech.locator(`[data-testid="consultation-notice"][data-id="${second}"]`);
    await expect.poll(() => declined.getAttribute('data-event')).toBe('decline');
    expect(await declined.textContent()).toContain(reason);
    await screenshot(tech, 'consultation-declined-case-page.png');

    // both sides' lists agree after a reload (what the server has, not only what the events said)
    await reader.reload();
    await expect
      .poll(() => reader.locator(`[data-testid="consultation-row"][data-id="${consultationId}"]`).getAttribute('data-status'))
      .toBe('ACCEPTED');
    await expect
      .poll(() => reader.locator(`[data-testid="consultation-row"][data-id="${second}"]`).getAttribute('data-status'))
      .toBe('DECLINED');
  }, 90_000); // two browsers and a dozen round trips: more than the default on a busy machine

  it('requests a consultation on its own, scheduled, from the consultations screen; the requester withdraws it', async () => {
    const reader = await login('super1');
    await reader.getByTestId('nav-consultations').click();
    await reader.getByTestId('consultations-screen').waitFor();
    await connected(reader);

    const tech = await login('tech1');
    await tech.getByTestId('nav-consultations').click();
    await tech.getByTestId('consultations-screen').waitFor();
    await connected(tech);
    await tech.getByTestId('new-consultation').click();
    const form = tech.getByTestId('consultation-request-form');
    await screenshot(tech, 'consultation-request-form.png');
    await form.locator('select[name="centreId"]').selectOption({ label: '影像诊断中心' });
    await form.locator('input[name="when"][value="scheduled"]').check();
    // tomorrow at 09:30 local time
    const when = new Date();
    when.setDate(when.getDate() + 1);
    when.setHours(9, 30, 0, 0);
    const pad = (n: number) => String(n).padStart(2, '0');
    await form.locator('input[name="scheduledAt"]').fill(`${when.getFullYear()}-${pad(when.getMonth() + 1)}-${pad(when.getDate())}T09:30`);
    await form.locator('textarea[name="topic"]').fill('乡镇疑难病例讨论');
    await tech.getByTestId('consultation-request-submit').click();
    await form.waitFor({ state: 'detached' });

    const techRow = tech.getByTestId('consultation-row').filter({ hasText: '乡镇疑难病例讨论' });
    await expect.poll(() => techRow.count()).toBe(1);
    const id = (await techRow.getAttribute('data-id'))!;
    const stored = await (await e2e.server.login('tech1')).get(`/api/consultations/${id}`);
    expect(stored.body.specialist).toBeNull();
    expect(stored.body.case).toBeNull();
    expect(Date.parse(stored.body.scheduledAt)).toBe(when.getTime());

    // any specialist of the centre may answer: the supervisor sees it live, with accept and decline
    const superRow = reader.locator(`[data-testid="consultation-row"][data-id="${id}"]`);
    await expect.poll(() => superRow.count(), { timeout: 10_000 }).toBe(1);
    expect(await superRow.getByTestId('consultation-accept').count()).toBe(1);

    await techRow.getByTestId('consultation-cancel').click();
    await expect.poll(() => techRow.getAttribute('data-status')).toBe('CANCELLED');
    await expect.poll(() => superRow.getAttribute('data-status'), { timeout: 10_000 }).toBe('CANCELLED');
    expect(await superRow.getByTestId('consultation-accept').count()).toBe(0);
  }, 60_000);

  it('reminds both sides as a scheduled time comes, and the specialist that the township waits in the room', async () => {
    const techApi = await e2e.server.login('tech1');
    const readerApi = await e2e.server.login('reader1');
    const { centres } = (await techApi.get('/api/consortium')).body as { centres: { id: string; code: string }[] };
    const imaging = centres.find((c) => c.code === 'IMAGING')!.id;
    const specialistId = ((await readerApi.get('/api/me')).body as { id: string }).id;
    /** asked of reader1 by tech1 for `inMs` from now, and accepted */
    const scheduled = async (topic: string, inMs: number): Promise<string> => {
      const scheduledAt = new Date(Date.now() + inMs).toISOString();
      const created = await techApi.post('/api/consultations', { centreId: imaging, specialistId, scheduledAt, topic });
      expect(created.status).toBe(201);
      expect((await readerApi.post(`/api/consultations/${created.body.id}/accept`)).status).toBe(200);
      return created.body.id as string;
    };
    const soon = await scheduled('三分钟后会诊：腹部超声随访', 3 * 60_000);
    const later = await scheduled('两小时后会诊：心电图复查', 2 * 3_600_000);

    const reader = await login('reader1');
    const tech = await login('tech1');
    const reminder = (page: Page, id: string) => page.locator(`[data-testid="consultation-reminder"][data-id="${id}"]`);
    for (const [page, other] of [
      [reader, '城关镇卫生院 王技师'],
      [tech, '陈医生'],
    ] as const) {
      await expect.poll(() => reminder(page, soon).getAttribute('data-event'), { timeout: 10_000 }).toBe('due');
      expect(await reminder(page, soon).textContent()).toContain('三分钟后会诊');
      expect(await reminder(page, soon).textContent()).toContain(other);
      expect(await reminder(page, soon).getByTestId('consultation-reminder-join').getAttribute('href')).toBe(`/consultations/${soon}/room`);
      expect(await reminder(page, later).count()).toBe(0);
    }
    await screenshot(reader, 'consultation-reminder.png');

    // one that comes due while the page is open: ten minutes before its time, four seconds from now
    await connected(reader);
    const next = await scheduled('稍后到时的会诊', 10 * 60_000 + 4_000);
    expect(await reminder(reader, next).count()).toBe(0);
    await expect.poll(() => reminder(reader, next).count(), { timeout: 20_000 }).toBe(1);
    await reminder(reader, next).getByTestId('consultation-notice-dismiss').click();
    await expect.poll(() => reminder(reader, next).count()).toBe(0);

    // the technician enters the room (over the socket, as the room page does): the reader is told they wait
    const peer = await ConsultPeer.connect(techApi);
    try {
      const { routerRtpCapabilities } = await peer.ok('consult:capabilities', { consultationId: soon });
      await peer.ok('consult:join', { consultationId: soon, rtpCapabilities: routerRtpCapabilities });
      await expect.poll(() => reminder(reader, soon).getAttribute('data-event'), { timeout: 10_000 }).toBe('waiting');
      expect(await reminder(reader, soon).textContent()).toContain('王技师 已在会诊室等您');
      // the technician, in the room, is not reminded to enter it
      await expect.poll(() => reminder(tech, soon).count(), { timeout: 10_000 }).toBe(0);
    } finally {
      peer.close();
    }
  }, 60_000);

  it('shows administrators every consultation, read-only, and keeps them out of the room', async () => {
    const techApi = await e2e.server.login('tech1');
    const { centres } = (await techApi.get('/api/consortium')).body as { centres: { id: string; code: string }[] };
    const created = await techApi.post('/api/consultations', {
      centreId: centres.find((c) => c.code === 'ECG')!.id,
      topic: '心电图疑难病例讨论',
    });
    expect(created.status).toBe(201);

    const admin = await login('admin');
    await admin.getByTestId('nav-consultations').click();
    await admin.getByTestId('consultations-screen').waitFor();
    const row = admin.locator(`[data-testid="consultation-row"][data-id="${created.body.id}"]`);
    await expect.poll(() => row.count(), { timeout: 10_000 }).toBe(1);
    expect(await row.getAttribute('data-status')).toBe('REQUESTED');
    expect(await row.textContent()).toContain('心电图疑难病例讨论');
    // the consultations of earlier tests, accepted and declined between the imaging centre and the township, too
    await admin.getByTestId('consultation-filter').selectOption('all');
    await expect.poll(() => admin.getByTestId('consultation-row').count()).toBeGreaterThan(3);
    for (const action of ['accept', 'decline', 'cancel', 'join'])
      expect(await admin.getByTestId(`consultation-${action}`).count(), action).toBe(0);
    expect(await admin.getByTestId('new-consultation').count()).toBe(0);

    await admin.goto(`${e2e.server.url}/consultations/${created.body.id}/room`);
    await expect.poll(() => admin.getByRole('alert').textContent()).toBeTruthy();
    expect(await admin.getByTestId('shared-viewer').count()).toBe(0);
  });
});
