// `npm run bench:sfu` is a benchmark, not a timed test: this only proves it runs end to end on a small load
// (a real worker, generated RTP, consumers in two steps) and prints its table and figure.
import { execFile } from 'node:child_process';
import { join } from 'node:path';
import { promisify } from 'node:util';
import { expect, it } from 'vitest';

it('npm run bench:sfu runs and prints its figures', async () => {
  const root = join(import.meta.dirname, '..', '..');
  const { stdout } = await promisify(execFile)(
    process.execPath,
    ['--import', 'tsx', 'tests/bench/sfu.ts', '--steps', '10,20', '--seconds', '1', '--producers', '1'],
    { cwd: root, timeout: 60_000 },
  );
  expect(stdout).toMatch(/one mediasoup worker \(pid \d+\)/);
  expect(stdout).toMatch(/^\s+0 \|/m);
  expect(stdout).toMatch(/^\s+10 \|\s+[\d.]+ \|\s+[\d.]+ % \|/m);
  expect(stdout).toMatch(/mediasoup documents ~500 consumers per worker/);
}, 60_000);
