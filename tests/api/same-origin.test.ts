// Cross-origin writes refused (server/http/same-origin.ts), judged from the headers a browser sends: every
// combination of Sec-Fetch-Site and Origin, behind a local reverse proxy and with TELEDX_PUBLIC_ORIGIN, for the
// REST API and for the Socket.IO handshake. Requests with neither header (scripts, tools) keep working.
import { io } from 'socket.io-client';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { tinyPdf } from '../fixtures/other-files.ts';
import type { ApiClient } from '../helpers/api-client.ts';
import { BACKENDS, startTestServer, type TestServer } from '../helpers/test-server.ts';

const PUBLIC_ORIGIN = 'https://teledx.county.example';

describe.each(BACKENDS)('same-origin writes (%s)', (backend) => {
  let server: TestServer;
  let tech1: ApiClient;
  let otherPort: string;
  beforeAll(async () => {
    server = await startTestServer(backend, { TELEDX_PUBLIC_ORIGIN: PUBLIC_ORIGIN });
    tech1 = await server.login('tech1');
    // the attack of the finding: a page on another port of the same host
    const own = new URL(server.url);
    otherPort = `${own.protocol}//${own.hostname}:${Number(own.port) + 1}`;
  });
  afterAll(() => server?.close());

  async function draftCase(): Promise<string> {
    const res = await tech1.post('/api/cases', { patient: { name: '王五' }, examKind: 'DR' });
    expect(res.status).toBe(201);
    return res.body.id;
  }

  const cancel = (caseId: string, headers: Record<string, string>) =>
    tech1.request('POST', `/api/cases/${caseId}/cancel`, { json: {}, headers });

  async function statusOf(caseId: string): Promise<string> {
    return (await tech1.get(`/api/cases/${caseId}`)).body.status;
  }

  async function expectRefused(headers: Record<string, string>): Promise<void> {
    const caseId = await draftCase();
    const res = await cancel(caseId, headers);
    expect(res.status).toBe(403);
    expect(res.body.error.code).toBe('CROSS_ORIGIN');
    expect(await statusOf(caseId)).toBe('DRAFT');
  }

  async function expectAllowed(headers: Record<string, string>): Promise<void> {
    const caseId = await draftCase();
    const res = await cancel(caseId, headers);
    expect(res.status, JSON.stringify(res.body)).toBe(200);
    expect(await statusOf(caseId)).toBe('CANCELLED');
  }

  it('lets a request with neither Origin nor Sec-Fetch-Site through: not a browser, no ambient cookie', async () => {
    await expectAllowed({});
  });

  it('judges by Sec-Fetch-Site when the browser sends it: same-origin and none pass, same-site and cross-site do not', async () => {
    await expectAllowed({ 'sec-fetch-site': 'same-origin' });
    await expectAllowed({ 'sec-fetch-site': 'none' });
    await expectRefused({ 'sec-fetch-site': 'same-site', origin: otherPort });
    await expectRefused({ 'sec-fetch-site': 'cross-site', origin: 'https://elsewhere.example' });
    // the browser's word wins over an Origin that would match
    await expectRefused({ 'sec-fetch-site': 'same-site', origin: server.url });
  });

  it('without Sec-Fetch-Site (plain http on a LAN address), compares Origin with the address the request went to', async () => {
    await expectAllowed({ origin: server.url });
    await expectRefused({ origin: otherPort });
    await expectRefused({ origin: 'null' }); // sandboxed frames, data: URLs
    await expectRefused({ origin: 'not a url' });
  });

  it('behind a reverse proxy on this machine, the origin is the forwarded host and scheme', async () => {
    const proxied = { 'x-forwarded-host': 'pacs.hospital.example', 'x-forwarded-proto': 'https' };
    await expectAllowed({ ...proxied, origin: 'https://pacs.hospital.example' });
    await expectRefused({ ...proxied, origin: 'http://pacs.hospital.example' });
    await expectRefused({ ...proxied, origin: server.url });
    await expectRefused({ origin: 'https://pacs.hospital.example' }); // not forwarded: not our address
  });

  it('accepts the configured public origin (TELEDX_PUBLIC_ORIGIN), with or without the default port', async () => {
    await expectAllowed({ origin: PUBLIC_ORIGIN });
    await expectAllowed({ origin: `${PUBLIC_ORIGIN}:443` });
    await expectRefused({ origin: `${PUBLIC_ORIGIN}:8443` });
  });

  it('refuses a cross-origin upload before storing any of it, and a cross-origin login', async () => {
    const caseId = await draftCase();
    const form = new FormData();
    form.append('files', new Blob([tinyPdf('planted') as Uint8Array<ArrayBuffer>]), 'planted.pdf');
    const upload = await tech1.request('POST', `/api/cases/${caseId}/files`, { body: form, headers: { origin: otherPort } });
    expect(upload.status).toBe(403);
    expect(upload.body.error.code).toBe('CROSS_ORIGIN');
    expect((await tech1.get(`/api/cases/${caseId}`)).body.attachments).toEqual([]);

    const login = await server.anonymous().request('POST', '/api/session', {
      json: { username: 'tech1', password: 'whatever' },
      headers: { 'sec-fetch-site': 'same-site' },
    });
    expect(login.status).toBe(403);
    expect(login.headers.get('set-cookie')).toBeNull();
  });

  it('leaves reads alone: a cross-origin GET is answered (the browser keeps the answer from the other page)', async () => {
    const res = await tech1.get('/api/me', { 'sec-fetch-site': 'same-site', origin: otherPort });
    expect(res.status).toBe(200);
    expect(res.body.username).toBe('tech1');
  });

  it('refuses a Socket.IO handshake from another origin, with the session cookie; our own origin connects', async () => {
    const connect = (headers: Record<string, string>) =>
      new Promise<string>((resolve) => {
        const socket = io(server.url, {
          transports: ['websocket'],
          reconnection: false,
          extraHeaders: { cookie: tech1.cookie, ...headers },
        });
        socket.once('connect', () => (socket.close(), resolve('connected')));
        socket.once('connect_error', () => (socket.close(), resolve('refused')));
      });
    expect(await connect({ origin: otherPort })).toBe('refused');
    expect(await connect({ origin: 'https://elsewhere.example', 'sec-fetch-site': 'cross-site' })).toBe('refused');
    expect(await connect({ origin: server.url })).toBe('connected');
    expect(await connect({})).toBe('connected');
  });
});
