// Password guessing at the login, against a real server on SQLite and on PostgreSQL: the limits count the username
// the login will look up (whitespace variants are one user), per user across addresses and per address, and
// what the limiter remembers stays small whatever the clients send. The server trusts X-Forwarded-For from
// loopback (trust proxy 'loopback'), so each test speaks from addresses of its own.
import { setFlagsFromString } from 'node:v8';
import { runInNewContext } from 'node:vm';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { ADDRESS_ATTEMPTS_PER_USER_ATTEMPT } from '../../server/auth/throttle.ts';
import { BACKENDS, DEMO_PASSWORD, startTestServer, type TestServer } from '../helpers/test-server.ts';

const LIMIT = 3;

setFlagsFromString('--expose-gc');
const collectGarbage = runInNewContext('gc') as () => void;

describe.each(BACKENDS)('login throttling (%s)', (backend) => {
  let server: TestServer;
  beforeAll(async () => {
    server = await startTestServer(backend, { TELEDX_LOGIN_ATTEMPTS: String(LIMIT) });
  });
  afterAll(() => server?.close());

  const login = (username: string, password: string, from: string) =>
    server.anonymous().request('POST', '/api/session', { json: { username, password }, headers: { 'x-forwarded-for': from } });

  it('counts " tech2", "  tech2  " and "tech2" as one user, refuses "\\ttech2", and keeps the right password out', async () => {
    // a control character is no name at all: refused before any count, so it buys no guess
    const tabbed = await login('\ttech2 ', 'guess', '10.0.0.1');
    expect([tabbed.status, tabbed.body.error.code]).toEqual([400, 'CONTROL_CHARACTERS']);
    for (const variant of ['tech2', ' tech2', '  tech2  ']) expect((await login(variant, 'guess', '10.0.0.1')).status).toBe(401);
    const blocked = await login('tech2 ', DEMO_PASSWORD, '10.0.0.1');
    expect(blocked.status).toBe(429);
    expect(blocked.body.error.code).toBe('TOO_MANY_ATTEMPTS');
    expect((await login('tech2', DEMO_PASSWORD, '10.0.0.1')).status).toBe(429);
  });

  it('limits one user across addresses, without locking out others there', async () => {
    for (const from of ['10.0.1.1', '10.0.1.2', '10.0.1.3']) expect((await login('reader1', 'guess', from)).status).toBe(401);
    expect((await login('reader1', DEMO_PASSWORD, '10.0.1.4')).status).toBe(429);
    expect((await login('ecg1', DEMO_PASSWORD, '10.0.1.4')).status).toBe(201);
  });

  it('limits one address across usernames, without locking out other addresses', async () => {
    const allowed = LIMIT * ADDRESS_ATTEMPTS_PER_USER_ATTEMPT;
    for (let i = 0; i < allowed; i++) expect((await login(`nobody${i}`, 'guess', '10.0.2.1')).status).toBe(401);
    const blocked = await login('super1', DEMO_PASSWORD, '10.0.2.1');
    expect(blocked.status).toBe(429);
    expect(blocked.body.error.message).toMatch(/from this address/);
    expect((await login('super1', DEMO_PASSWORD, '10.0.2.2')).status).toBe(201);
  });

  it('refuses megabyte usernames with 400 before counting them, and keeps no memory of them', async () => {
    const flood = 300;
    collectGarbage();
    const before = process.memoryUsage().heapUsed;
    for (let i = 0; i < flood; i++) {
      const huge = (i % 2 ? ' ' : 'x').repeat(1024 * 1024 - 100) + `u${i}`;
      const res = await login(huge, 'guess', `10.1.${i >> 8}.${i & 255}`);
      expect(res.status).toBe(400);
      expect(res.body.error.code).toBe('VALIDATION_FAILED');
    }
    collectGarbage();
    const grownMb = (process.memoryUsage().heapUsed - before) / 2 ** 20;
    // a limiter that stored the raw usernames holds ~300 MB here
    expect(grownMb).toBeLessThan(32);
    // none of them counted against their address
    expect((await login('tech1', DEMO_PASSWORD, '10.1.0.1')).status).toBe(201);
  }, 120_000);
});
