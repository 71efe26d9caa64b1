// npm run bench:dashboard is a script, not a timed test; this proves it runs end to end on both databases and
// prints a p50 and p95 for every query, on a small load.
import { execFile } from 'node:child_process';
import { join } from 'node:path';
import { promisify } from 'node:util';
import { expect, it } from 'vitest';

it('npm run bench:dashboard runs and prints its figures', async () => {
  const root = join(import.meta.dirname, '..', '..');
  const { stdout } = await promisify(execFile)(
    process.execPath,
    ['--import', 'tsx', 'tests/bench/dashboard.ts', '--cases', '3000', '--years', '2', '--runs', '3'],
    { cwd: root, timeout: 240_000 },
  );
  expect(stdout).toMatch(/dashboard: 3000 signed cases over 2 years, 3 runs per query/);
  for (const backend of ['postgresql', 'sqlite']) {
    expect(stdout).toMatch(new RegExp(`${backend}: inserted 3000 cases in [\\d.]+ s \\(\\d+ cases/s\\)`));
    for (const query of ['volumes, 12 months', 'volumes, 3 years', 'turnaround, 12 months', 'quality, 3 years', 'load, now']) {
      const line = stdout.match(new RegExp(`${backend}\\s+${query}\\s+p50\\s+([\\d.]+) ms\\s+p95\\s+([\\d.]+) ms`));
      expect(line, `${backend} ${query}\n${stdout}`).not.toBeNull();
      expect(Number(line![2])).toBeGreaterThanOrEqual(Number(line![1]));
    }
    // over three years the volumes count every case of the two generated years (and of no other)
    expect(Number(stdout.match(new RegExp(`${backend}\\s+volumes, 3 years .*\\((\\d+) counted\\)`))?.[1])).toBeGreaterThanOrEqual(3000);
  }
}, 240_000);
