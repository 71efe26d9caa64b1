// 1,000 seeded cases of mutated real and generated files: 900 straight into the header parser and the ECG decoders,
// 100 through the real HTTP ingest route. Nothing may throw, answer 5xx, refuse with an unknown code, or store other
// bytes than were sent. A fixed run seed keeps npm test reproducible; npm run fuzz explores new seeds.
import { expect, it } from 'vitest';
import { runFuzz } from './fuzz.ts';

it('survives 1,000 mutated files with coded answers, intact bytes and bounded memory', { timeout: 120_000 }, async () => {
  const report = await runFuzz({ runSeed: 20261202, count: 1000, httpShare: 0.1 });
  expect(report.httpCases).toBe(100);
  // each finding names its case seed: `npm run fuzz -- --case SEED` replays it
  expect(report.findings).toEqual([]);
  expect(Object.keys(report.verdicts).length).toBeGreaterThan(5); // the mutations reach many different answers
  expect(report.rssGrowthMiB).toBeLessThan(300);
});
