// The live-queue benchmark is a script (npm run bench:queue), not a timed test; this only proves it runs end to end
// on a small load and that every event reached every reader.
import { execFile } from 'node:child_process';
import { join } from 'node:path';
import { promisify } from 'node:util';
import { expect, it } from 'vitest';

it('npm run bench:queue runs and prints its figures', async () => {
  const root = join(import.meta.dirname, '..', '..');
  const { stdout } = await promisify(execFile)(
    process.execPath,
    ['--import', 'tsx', 'tests/bench/queue.ts', '--readers', '20', '--rate', '10', '--seconds', '1', '--claimers', '2'],
    { cwd: root, timeout: 120_000 },
  );
  expect(stdout).toContain('queue: 20 readers (socket.io clients in 2 processes) on 2 instances');
  expect(Number(/p99 (\d+) ms, max/.exec(stdout)?.[1])).toBeGreaterThan(0);
  expect(stdout).toMatch(/event sent → its last reader: p50 \d+ ms, p99 \d+ ms/);
  expect(stdout).toContain('deliveries 200 of 200 (missed 0)');
  expect(stdout).toMatch(/floor on this machine .*: one message to 10 loopback sockets takes [\d.]+ ms/);
  expect(Number(/server A ([\d.]+) ms/.exec(stdout)?.[1])).toBeGreaterThan(0);
  expect(Number(/(\d+) cases claimed\/s/.exec(stdout)?.[1])).toBeGreaterThan(0);
}, 130_000);
