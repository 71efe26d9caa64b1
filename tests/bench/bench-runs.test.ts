// The ingest and DICOM benchmarks are scripts (npm run bench:ingest, bench:dimse), not timed tests; this only
// proves they run end to end and print their figures, on a small load.
import { execFile } from 'node:child_process';
import { join } from 'node:path';
import { promisify } from 'node:util';
import { expect, it } from 'vitest';

it('npm run bench:ingest runs and prints its figures', async () => {
  const root = join(import.meta.dirname, '..', '..');
  const { stdout } = await promisify(execFile)(
    process.execPath,
    [
      '--import',
      'tsx',
      'tests/bench/ingest.ts',
      '--instances',
      '30',
      '--clients',
      '3',
      '--batch',
      '4',
      '--large-mb',
      '32',
      '--single',
      '10',
      '--rounds',
      '1',
    ],
    { cwd: root, timeout: 120_000 },
  );
  expect(stdout).toMatch(/ingest: 30 CT instances/);
  expect(Number(stdout.match(/instances\/s\s+(\d+)/)?.[1])).toBeGreaterThan(0);
  expect(Number(stdout.match(/server peak RSS (\d+) MB/)?.[1])).toBeGreaterThan(0);
  // one file per request, against Debian's Orthanc's REST upload of the same files
  expect(stdout).toMatch(/one file per request: 10 CT instances × 1 rounds, 3 clients/);
  expect(Number(stdout.match(/teledx {2}instances\/s (\d+)/)?.[1])).toBeGreaterThan(0);
  expect(Number(stdout.match(/Orthanc instances\/s (\d+)/)?.[1])).toBeGreaterThan(0);
  expect(stdout).toMatch(/ratio\s+\d+\.\d+x teledx\/Orthanc/);
  expect(stdout).toMatch(/large file: one 32 MiB DICOM file/);
  expect(stdout).toMatch(/server RSS\s+\d+ MB before, \d+ MB peak during the upload/);
}, 120_000);

it('npm run bench:dimse runs and prints its figures', async () => {
  const root = join(import.meta.dirname, '..', '..');
  const { stdout } = await promisify(execFile)(
    process.execPath,
    ['--import', 'tsx', 'tests/bench/dimse.ts', '--instances', '8', '--parallel', '2'],
    {
      cwd: root,
      timeout: 180_000,
    },
  );
  expect(stdout).toMatch(/dimse: 8 CT instances/);
  for (const parallel of [1, 2]) {
    const line = stdout.match(
      new RegExp(`storescu x${parallel}: teledx ([\\d.]+) instances/s, Orthanc ([\\d.]+) instances/s, ratio ([\\d.]+)x`),
    );
    expect(line, stdout).not.toBeNull();
    expect(Number(line![1])).toBeGreaterThan(0);
    expect(Number(line![2])).toBeGreaterThan(0);
  }
  expect(Number(stdout.match(/teledx peak RSS (\d+) MB/)?.[1])).toBeGreaterThan(0);
}, 180_000);
