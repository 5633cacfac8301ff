// A study from code (Node only): define it, expand it into points, run them in child processes, and
// query the results database. npx tsx examples/study.ts [OUT_DIR] (docs/library.md), from a checkout
// or from a project that installed the package.
import { mkdtempSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { parseStudy, query, runStudy, studyPoints } from 'latentspike';

// The same fields as a study file (docs/studies.md); a preset as the base needs no run file on disk.
const { study, maxNeurons } = parseStudy(
  {
    format: 'latentspike/study@1',
    name: 'noise-example',
    base: 'fig12a',
    axes: { sigmaV: [0, 0.01], seed: [1, 2] },
    backend: 'cpu',
    steps: 2000,
  },
  process.cwd(), // where a `base: some-run.json` would be looked up
);
const points = studyPoints(study, maxNeurons);
const out = process.argv[2] ?? mkdtempSync(join(tmpdir(), 'latentspike-study-'));

const outcome = await runStudy(out, study, points, {
  workers: 2,
  threads: 1,
  signal: AbortSignal.timeout(300_000), // stops the points in flight; a rerun continues
  events: { recorded: (record) => console.error(`${record.id}: ${record.status}`) },
});
console.error(`${outcome.done} of ${outcome.points} points done in ${out}`);

// One row per point: its parameters, the metrics (METRIC_COLUMNS) and its provenance.
const sql =
  'select sigmaV, avg(rmse_target) as rmse, count(*) as n from points group by sigmaV order by sigmaV';
const result = await query(out, sql);
console.log(result.columns.join('\t'));
for (const row of result.rows) console.log(row.join('\t'));
