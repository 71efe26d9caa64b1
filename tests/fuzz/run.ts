// npm run fuzz -- [--count N] [--seed S] [--http SHARE] [--case SEED ...]
// A long fuzz run of the DICOM header parser, the ECG decoders and the HTTP ingest route (see fuzz.ts). Prints each
// finding with its case seed; `--case SEED` replays one case. Exits 1 when anything was found.
import { parseArgs } from 'node:util';
import { runFuzz } from './fuzz.ts';

const { values } = parseArgs({
  options: {
    count: { type: 'string', default: '1000' },
    seed: { type: 'string', default: String(Date.now() % 2 ** 31) },
    http: { type: 'string', default: '0.05' },
    case: { type: 'string', multiple: true },
  },
});
const started = Date.now();
const runSeed = Number(values.seed);
console.log(
  `fuzz: run seed ${runSeed}, ${values.case ? `${values.case.length} replayed case(s)` : `${values.count} cases`}, HTTP share ${values.http}`,
);
const report = await runFuzz({
  runSeed,
  count: Number(values.count),
  httpShare: Number(values.http),
  only: values.case?.map(Number),
  onProgress: (done) => done % 1000 === 0 && console.log(`  ${done} cases, ${Math.round((Date.now() - started) / 1000)} s`),
});
for (const finding of report.findings) {
  console.log(`FINDING case ${finding.seed} (${finding.origin}; ${finding.mutations.join('; ')}): ${finding.problem}`);
}
console.log(
  `fuzz: ${report.cases} cases (${report.httpCases} over HTTP) in ${Math.round((Date.now() - started) / 1000)} s, ` +
    `${report.findings.length} finding(s), rss growth ${report.rssGrowthMiB.toFixed(0)} MiB`,
);
console.log(`verdicts: ${JSON.stringify(report.verdicts)}`);
process.exit(report.findings.length ? 1 : 0);
