// The viewer benchmark is a script (npm run bench:viewer), not a timed test; this only proves it runs end to end
// in the browser harness and prints its figures, with one run of each case.
import { execFile } from 'node:child_process';
import { join } from 'node:path';
import { promisify } from 'node:util';
import { expect, it } from 'vitest';

it('npm run bench:viewer runs and prints its figures', async () => {
  const root = join(import.meta.dirname, '..', '..');
  const { stdout } = await promisify(execFile)(process.execPath, ['--import', 'tsx', 'tests/bench/viewer.ts', '--runs', '1'], {
    cwd: root,
    timeout: 170_000,
  });
  for (const image of ['512×512 16-bit CT', '3000×3000 16-bit JPEG 2000 DX']) {
    const line = stdout.split('\n').find((l) => l.includes(image)) ?? '';
    expect(Number(/cold (\d+) ms/.exec(line)?.[1]), image).toBeGreaterThan(0);
    expect(Number(/warm (\d+) ms/.exec(line)?.[1]), image).toBeGreaterThan(0);
  }
  expect(stdout).toMatch(/as timed from the harness \d+ ms/);
  expect(Number(/ultrasound loop\s+([\d.]+) frames\/s/.exec(stdout)?.[1])).toBeGreaterThan(0);
}, 180_000);
