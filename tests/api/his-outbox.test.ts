// The HIS outbox, on SQLite and PostgreSQL, against a local HTTP receiver standing in for the hospital information
// system (no FHIR server installs here): a receiver that is down when the report is signed gets it once it comes up,
// exactly once; a server killed before delivering delivers after its restart; answers of 500 are retried until a
// 2xx; two instances never hold the same row. Every Bundle received is validated against the R4 definitions.
// No timing assertions: every wait polls with a deadline.
import type { Bundle, DiagnosticReport } from '@medplum/fhirtypes';
import { createServer, type IncomingHttpHeaders, type Server } from 'node:http';
import type { AddressInfo } from 'node:net';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { claimNext } from '../../server/fhir/outbox.ts';
import { ApiClient } from '../helpers/api-client.ts';
import { amendCase, expectValidR4, signCase, submittedCase } from '../helpers/fhir.ts';
import { spawnServer } from '../helpers/server-process.ts';
import { BACKENDS, createServerHome, DEMO_PASSWORD, startTestServer, type TestServer } from '../helpers/test-server.ts';

/** The stand-in HIS: records each POST; answers 500 while `failures` lasts, else 200; can be down (not listening). */
class Receiver {
  received: { headers: IncomingHttpHeaders; bundle: Bundle }[] = [];
  failures = 0;
  private server: Server | null = null;

  constructor(readonly port: number) {}

  static async onFreePort(): Promise<Receiver> {
    const probe = createServer();
    await new Promise<void>((resolve) => probe.listen(0, '127.0.0.1', resolve));
    const { port } = probe.address() as AddressInfo;
    await new Promise((resolve) => probe.close(resolve));
    return new Receiver(port);
  }

  get url() {
    return `http://127.0.0.1:${this.port}/his/fhir`;
  }

  async up(): Promise<void> {
    this.server = createServer((req, res) => {
      const chunks: Buffer[] = [];
      req.on('data', (c: Buffer) => chunks.push(c));
      req.on('end', () => {
        if (this.failures > 0) {
          this.failures--;
          res.writeHead(500).end('busy');
          return;
        }
        this.received.push({ headers: req.headers, bundle: JSON.parse(Buffer.concat(chunks).toString()) as Bundle });
        res.writeHead(200, { 'content-type': 'application/fhir+json' }).end('{"resourceType":"Bundle","type":"transaction-response"}');
      });
    });
    await new Promise<void>((resolve) => this.server!.listen(this.port, '127.0.0.1', resolve));
  }

  async down(): Promise<void> {
    if (!this.server) return;
    this.server.closeAllConnections();
    await new Promise((resolve) => this.server!.close(resolve));
    this.server = null;
  }

  /** the DiagnosticReports received for a case */
  reportsOf(caseId: string): DiagnosticReport[] {
    return this.received
      .flatMap((r) => r.bundle.entry ?? [])
      .map((e) => e.resource)
      .filter((r): r is DiagnosticReport => r?.resourceType === 'DiagnosticReport' && r.id === caseId);
  }
}

async function until<T>(what: string, probe: () => Promise<T | null | undefined | false>, deadlineMs = 25_000): Promise<T> {
  const end = Date.now() + deadlineMs;
  for (;;) {
    const value = await probe();
    if (value) return value;
    if (Date.now() > end) throw new Error(`timed out waiting for ${what}`);
    await new Promise((resolve) => setTimeout(resolve, 50));
  }
}

const hisEnv = (receiver: Receiver) => ({
  TELEDX_HIS_URL: receiver.url,
  TELEDX_HIS_AUTHORIZATION: 'Bearer his-secret',
  TELEDX_HIS_RETRY_SECONDS: '0.1',
  TELEDX_HIS_RETRY_MAX_SECONDS: '0.3',
  TELEDX_HIS_POLL_SECONDS: '0.1',
  TELEDX_HIS_LEASE_SECONDS: '3',
});

interface Outbox {
  configured: boolean;
  pending: { caseId: string; attempts: number; lastHttpStatus: number | null; lastError: string | null; event: string }[];
  delivered: { caseId: string; attempts: number; reportVersion: number; event: string }[];
}

const outboxOf = async (admin: ApiClient) => {
  const res = await admin.get<Outbox>('/api/his-deliveries');
  expect(res.status).toBe(200);
  return res.body;
};
const deliveredRows = async (admin: ApiClient, caseId: string) => (await outboxOf(admin)).delivered.filter((d) => d.caseId === caseId);

describe.each(BACKENDS)('the HIS outbox (%s)', (backend) => {
  let server: TestServer;
  let receiver: Receiver;
  let tech1: ApiClient;
  let reader1: ApiClient;
  let admin: ApiClient;

  beforeAll(async () => {
    receiver = await Receiver.onFreePort();
    server = await startTestServer(backend, hisEnv(receiver));
    tech1 = await server.login('tech1');
    reader1 = await server.login('reader1');
    admin = await server.login('admin');
  });
  afterAll(async () => {
    await server?.close();
    await receiver?.down();
  });

  it('delivers a report signed while the HIS was down once it comes up, exactly once, then its amendment', async () => {
    const kase = await submittedCase(tech1, { name: '赵六', nationalId: '110101199003074514' });
    await signCase(reader1, kase.caseId);
    // the HIS is down: the delivery stays pending, with why, for the administrator to see
    const failing = await until('a failed attempt', async () =>
      (await outboxOf(admin)).pending.find((p) => p.caseId === kase.caseId && p.attempts >= 1),
    );
    expect(failing).toMatchObject({ event: 'sign', lastHttpStatus: null, lastError: expect.stringContaining('fetch failed') });

    await receiver.up();
    const [row] = await until(
      'the delivery',
      async () => (await deliveredRows(admin, kase.caseId)).length > 0 && deliveredRows(admin, kase.caseId),
    );
    expect(row).toMatchObject({ event: 'sign', reportVersion: 1 });
    // a delivered row is never taken again: what the receiver has now is all it will get
    expect(receiver.reportsOf(kase.caseId)).toHaveLength(1);
    const got = receiver.received.find((r) => r.bundle.entry!.some((e) => e.resource?.id === kase.caseId))!;
    expect(got.headers.authorization).toBe('Bearer his-secret');
    expect(got.headers['content-type']).toMatch(/^application\/fhir\+json/);
    expectValidR4(got.bundle);
    expect(got.bundle.type).toBe('transaction');
    expect(got.bundle.entry!.map((e) => e.request)).toContainEqual({ method: 'PUT', url: `DiagnosticReport/${kase.caseId}` });
    expect(got.bundle.entry!.map((e) => e.resource!.resourceType).sort()).toEqual(
      ['DiagnosticReport', 'ImagingStudy', 'Organization', 'Organization', 'Patient'].sort(),
    );
    expect(receiver.reportsOf(kase.caseId)[0]).toMatchObject({ status: 'final', meta: { versionId: '1' } });
    const audit = await server.server.ctx.db.auditEvent.findMany({ where: { action: 'case.his_delivered', entityId: kase.caseId } });
    expect(audit).toHaveLength(1);

    await amendCase(reader1, kase.caseId, '更正：未见异常。');
    await until('the amendment', async () => (await deliveredRows(admin, kase.caseId)).length === 2);
    expect(receiver.reportsOf(kase.caseId).map((r) => [r.status, r.meta!.versionId, r.conclusion])).toEqual([
      ['final', '1', '头颅CT平扫未见异常。'],
      ['amended', '2', '更正：未见异常。'],
    ]);
  });

  it('retries a HIS that answers 500 until it answers 2xx', async () => {
    receiver.failures = 3;
    const before = receiver.received.length;
    const kase = await submittedCase(tech1, { name: '孙七' });
    await signCase(reader1, kase.caseId);
    const [row] = await until(
      'the delivery',
      async () => (await deliveredRows(admin, kase.caseId)).length > 0 && deliveredRows(admin, kase.caseId),
    );
    expect(row!.attempts).toBe(4); // three 500s, then the 200
    expect(receiver.failures).toBe(0);
    expect(receiver.received.length - before).toBe(1);
    expect(receiver.reportsOf(kase.caseId)).toHaveLength(1);
  });

  it('lets one instance at a time hold a delivery (the lease is a compare-and-set)', async () => {
    await receiver.down(); // so that this server's own worker leaves the row to the test's two claimants
    const kase = await submittedCase(tech1, { name: '周八' });
    await signCase(reader1, kase.caseId);
    const db = server.server.ctx.db;
    const row = await db.hisDelivery.findFirstOrThrow({ where: { caseId: kase.caseId } });
    // take the row out of the server's own worker's reach (due only in ten minutes), then stand in for two
    // instances racing for it at that time
    const soon = new Date(Date.now() + 600_000);
    await until('the row out of reach', async () => {
      const { count } = await db.hisDelivery.updateMany({ where: { id: row.id, leaseOwner: null }, data: { nextAttemptAt: soon } });
      return count === 1;
    });
    const later = new Date(soon.getTime() + 1000);
    const [a, b] = await Promise.all([claimNext(db, 'instance-a', 60_000, later), claimNext(db, 'instance-b', 60_000, later)]);
    const winners = [a, b].filter((c) => c?.id === row.id);
    expect(winners).toHaveLength(1);
    // the other instance finds nothing to take until the lease runs out
    expect((await claimNext(db, 'instance-c', 60_000, later))?.id).not.toBe(row.id);
    const afterLease = new Date(later.getTime() + 120_000);
    expect((await claimNext(db, 'instance-c', 60_000, afterLease))?.id).toBe(row.id);
    // hand the row back to the server's worker and let it finish
    await db.hisDelivery.update({ where: { id: row.id }, data: { leaseOwner: null, leaseUntil: null, nextAttemptAt: new Date(0) } });
    await receiver.up();
    await until('the delivery', async () => (await deliveredRows(admin, kase.caseId)).length > 0);
    expect(receiver.reportsOf(kase.caseId)).toHaveLength(1);
  });

  it('delivers after the server was killed before it could, and restarted', async () => {
    const his = await Receiver.onFreePort();
    const home = await createServerHome(backend, 'teledx-his-');
    const env = { ...home.env, ...hisEnv(his) };
    try {
      let proc = await spawnServer(env);
      const login = async (url: string, username: string) => {
        const client = new ApiClient(url);
        expect((await client.post('/api/session', { username, password: DEMO_PASSWORD })).status).toBe(201);
        return client;
      };
      const kase = await submittedCase(await login(proc.url, 'tech1'), { name: '吴九' });
      await signCase(await login(proc.url, 'reader1'), kase.caseId);
      const pending = await outboxOf(await login(proc.url, 'admin'));
      expect(pending.pending.map((p) => p.caseId)).toEqual([kase.caseId]);
      await proc.kill('SIGKILL'); // a power cut, possibly in the middle of an attempt

      await his.up();
      proc = await spawnServer(env);
      try {
        const adminAgain = await login(proc.url, 'admin');
        await until('the delivery after the restart', async () => (await deliveredRows(adminAgain, kase.caseId)).length > 0);
        expect(his.reportsOf(kase.caseId)).toHaveLength(1);
        expectValidR4(his.received[0]!.bundle);
        expect((await outboxOf(adminAgain)).pending).toEqual([]);
      } finally {
        await proc.kill('SIGTERM');
      }
    } finally {
      await his.down();
      await home.remove();
    }
    // two server processes start one after the other (each migrates, seeds, loads the app)
  }, 180_000);
});
