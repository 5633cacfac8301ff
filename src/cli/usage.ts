// What `latentspike --help` and `latentspike COMMAND --help` print: one table of every command's
// synopsis and options, and the exit codes every command shares. main.ts prints from it; each
// command's parser (parseArgs in its module) takes the options listed here.

import { PLAN_USAGE } from './planCommand.ts';

/** Exit codes of every command. */
export const EXIT_CODES: readonly { code: number; meaning: string }[] = [
  { code: 0, meaning: 'success' },
  { code: 1, meaning: 'failure: an error other than bad input (the message says what failed)' },
  {
    code: 2,
    meaning:
      'bad input: a run or study file that fails validation (the message names the JSON path), ' +
      'invalid JSON, an unknown preset, command or option; nothing is written',
  },
  {
    code: 3,
    meaning:
      'does not fit: a valid run too large for this machine or GPU adapter, refused before it runs or ' +
      'out of GPU memory while it runs (the need is named)',
  },
  { code: 130, meaning: 'interrupted (Ctrl-C): what finished is kept and written' },
];

export interface CommandUsage {
  /** One line per form of the command, without the leading `latentspike`. */
  synopsis: string[];
  /** What the command does, in a sentence or two. */
  summary: string;
  /** [flag and its value, what it does]. */
  options: [string, string][];
}

const BACKEND: [string, string] = [
  '--backend cpu|webgpu|auto',
  'engine (default auto: WebGPU when an adapter exists, else the CPU engine, said on stderr)',
];
const THREADS: [string, string] = [
  '--threads N|auto',
  "CPU-engine threads: a run's trials side by side, or one `all`-rule trial from 50 000 neurons on (default auto: every core)",
];

const NO_TUNE: [string, string] = [
  '--no-tune',
  'WebGPU: the built-in knobs, not this adapter’s entry in the tuning cache (as LATENTSPIKE_TUNING=off)',
];

const FORCE: [string, string] = [
  '--force',
  'run even when the memory estimate says it does not fit (otherwise exit 3 before allocating)',
];

export const COMMANDS: Readonly<Record<string, CommandUsage>> = {
  simulate: {
    synopsis: ['simulate RUN.json [options]'],
    summary: 'Simulates any run file and writes its result file (latentspike/result@1).',
    options: [
      BACKEND,
      ['--precision f64|f32', 'CPU engine: f32 rounds like a GPU (default f64)'],
      THREADS,
      ['--out RESULT.json', 'where to write the result (default: stdout); written atomically'],
      [
        '--checkpoint FILE',
        "write the run's whole state to FILE now and then (atomically), and on Ctrl-C before exiting 130; " +
          'removed once the result is written (docs/checkpoints.md)',
      ],
      ['--checkpoint-every SECONDS', 'seconds between checkpoints (default 60)'],
      [
        '--resume FILE',
        'continue the run from a checkpoint of this same run file: the same spikes, bit for bit; ' +
          "the checkpoint's backend and precision unless given",
      ],
      NO_TUNE,
      FORCE,
    ],
  },
  preset: {
    synopsis: ['preset NAME [options]'],
    summary: "Writes the run file of one of the paper's presets (`latentspike list` names them).",
    options: [
      ['--emit RUN.json', 'where to write it (default: stdout)'],
      ['--index K', 'which run file of a preset that simulates several (default 0)'],
      ['--seed S', 'noise seed (default 0)'],
    ],
  },
  run: {
    synopsis: ['run NAME|RUN.json [options]'],
    summary:
      "Simulates a preset (or any run file) for one or more seeds, prints its metrics next to the paper's, " +
      'and writes result.json, metrics.json and SVG plots (plane.svg where the network has an E/I plane). ' +
      'A seed that fails (e.g. a GPU device lost for good) keeps the seeds before it; metrics.json names it.',
    options: [
      BACKEND,
      THREADS,
      ['--seeds N', 'seeds 0 … N−1: metrics are mean ± s.d. over them (default 1)'],
      ['--trials N', 'trials of presets that sweep many (figS2, fig8-mistuning)'],
      ['--out DIR', 'output folder (default out/NAME)'],
      NO_TUNE,
      FORCE,
    ],
  },
  list: {
    synopsis: ['list'],
    summary: "Lists the paper's presets.",
    options: [],
  },
  bench: {
    synopsis: [
      'bench --backend cpu|webgpu [options]',
      'bench --peer brian2 [options]',
      'bench --grid [options]',
    ],
    summary:
      'Benchmarks neuron-updates per second (CPU), µs per step next to a bandwidth probe and a dense ' +
      'N×N kernel (WebGPU), both engines next to Brian2 (--peer), or the N × rank × rule × synapse × ' +
      'backend grid into --out, resumably (--grid).',
    options: [
      ['--backend cpu|webgpu', 'engine to measure (default cpu)'],
      ['--sizes N,N,…', 'network sizes (default 1e4,1e5,1e6 on cpu, 1e3,…,1e6 on webgpu and --peer)'],
      ['--repetitions R', 'timed runs per size (default 5; --peer 3)'],
      ['--steps S', 'steps per run (default 200; --grid 101)'],
      ['--threads 1|N|auto', 'CPU-engine threads (default 1: the single-core figure)'],
      ['--dense-sizes N,N', 'webgpu: sizes of the dense N×N baseline (default 4096,16384)'],
      ['--max-row-seconds S', 'webgpu and --peer: time budget per size (default 120; --peer 300)'],
      ['--per-invocation N', 'webgpu: neurons per shader invocation'],
      ['--json FILE', 'webgpu: also write the report, per-kernel GPU times included, as JSON'],
      ['--peer brian2', 'measure Brian2 on the same run files'],
      ['--targets numpy,cython,cpp_standalone', '--peer: Brian2 code-generation targets'],
      ['--grid', 'the benchmark grid (docs/performance.md: Benchmark grid)'],
      ['--out DIR', '--grid: output folder (default out/bench-grid); rerun to resume'],
      ['--max-n N', '--grid: sizes 10², 10³, … up to N (default 1e3), or give --sizes'],
      ['--ranks 1,2,8,32', '--grid: ranks K (1 or even)'],
      ['--rules all,one-per-step,sequential', '--grid: spike rules'],
      ['--synapses delta,pulse,exponential', '--grid: synapse kinds'],
      ['--backends cpu,webgpu,browser', '--grid: backends'],
      ['--dt S', '--grid: time step (default 1e-4)'],
      ['--sigma σ', '--grid: voltage noise (default 0)'],
      ['--seed S', '--grid: noise seed (default 0)'],
      ['--serial-max-n N', '--grid: largest N for one-per-step and sequential (default 1e4)'],
      ['--dense-max-n N', '--grid: largest N of the dense baseline (default 1e4)'],
      ['--no-baselines', '--grid: no bandwidth probe or dense baseline'],
      ['--max-point-seconds S', '--grid: time budget per point (default 30)'],
      NO_TUNE,
    ],
  },
  tune: {
    synopsis: ['tune [options]'],
    summary:
      "Times the WebGPU engine's speed knobs (workgroup size, neurons per invocation, stepAll's vector " +
      'path, neuron-steps per command buffer, trials per batch) on this adapter, keeps the fastest and ' +
      'caches it per adapter in $XDG_CACHE_HOME/latentspike/tuning.json (~/.cache when unset); WebGPU ' +
      'runs on that adapter then use it. Every candidate gives the same spikes (docs/gpu-runs.md).',
    options: [
      ['--sizes N,N,…', 'network sizes to time at (default 1e5,1e6)'],
      ['--steps S', 'samples per timed run (default 51)'],
      ['--trials T', 'trials per timed run (default 4)'],
      ['--repetitions R', 'timed runs per candidate and size (default 3)'],
    ],
  },
  table: {
    synopsis: ['table [options]'],
    summary: "Runs every preset and writes the comparison with the paper's numbers as Markdown.",
    options: [
      ['--out FILE', 'replace the results block of FILE (default: print it)'],
      ['--backend cpu|webgpu|auto', 'engine (default cpu)'],
    ],
  },
  scale: {
    synopsis: ['scale [options]'],
    summary:
      'The scaling study: one target function at growing sizes N (redundant copies), accuracy and time ' +
      'per step, as a study in --out (resumable; results.duckdb, report.md, plots).',
    options: [
      ['--sizes N,N,…', 'network sizes (default 1e2,1e3,1e4,1e5,1e6,1e7)'],
      ['--function fig5|tutorial', 'target function (default fig5)'],
      BACKEND,
      ['--steps S', 'steps per size (default 2000)'],
      ['--dt S', 'time step in seconds (default 1e-4)'],
      ['--sigma σ', 'voltage noise (default 0.01)'],
      ['--jitter J', 'threshold spread of the copies, in spike jumps (default 1)'],
      ['--every K', 'record latents every K steps (default 10)'],
      ['--seed S', 'noise seed (default 0)'],
      ['--workers W', 'sizes run at once (default 1)'],
      ['--threads N|auto', 'CPU-engine threads per size (default: every core)'],
      ['--out DIR', 'output folder (default out/scale)'],
    ],
  },
  plan: {
    synopsis: PLAN_USAGE.split('\n').map((line) => line.trim().replace(/^latentspike /, '')),
    summary:
      'What a run would allocate and dispatch on a WebGPU adapter and how long a step should take there, ' +
      "computed without a device (this machine's adapter unless told); exit 3 when it does not fit.",
    options: [
      ['--adapter NAME', 'a built-in adapter profile instead of this machine’s'],
      ['--limits FILE.json', 'an adapter dumped elsewhere with --dump-limits'],
      ['--json', 'the plan as JSON'],
      ['--dispatch sliced|folded', 'dispatch shape to plan for'],
      ['--trials N', 'trials instead of the run file’s'],
      ['--dump-limits [FILE]', 'write this machine’s adapter (info, limits, features) for --limits'],
    ],
  },
  study: {
    synopsis: ['study run|worker|plan|point|collect|query|export|report|compare …'],
    summary: 'Declared studies over axes of a network; `latentspike study help` lists its commands.',
    options: [],
  },
};

/** Lines of at most `width` characters (a longer word gets a line of its own). */
function wrap(text: string, width: number): string[] {
  const lines: string[] = [];
  let line = '';
  for (const word of text.split(' ')) {
    if (line !== '' && line.length + 1 + word.length > width) {
      lines.push(line);
      line = word;
    } else line = line === '' ? word : `${line} ${word}`;
  }
  return [...lines, line];
}

/** Two columns, the right one wrapped to fit 100 characters. */
function table(rows: [string, string][], indent: string): string {
  const width = Math.max(...rows.map(([left]) => left.length));
  const room = Math.max(40, 100 - indent.length - width - 2);
  return rows
    .flatMap(([left, right]) =>
      wrap(right, room).map((line, i) => `${indent}${(i === 0 ? left : '').padEnd(width)}  ${line}`),
    )
    .join('\n');
}

/** `latentspike COMMAND --help`. */
export function commandHelp(usage: CommandUsage): string {
  const lines = [
    `Usage: ${usage.synopsis.map((s) => `latentspike ${s}`).join('\n       ')}`,
    '',
    ...wrap(usage.summary, 100),
  ];
  if (usage.options.length > 0) lines.push('', 'Options:', table(usage.options, '  '));
  lines.push(
    '',
    `Exit codes: ${EXIT_CODES.map((e) => e.code).join(', ')} (latentspike --help says what each means)`,
  );
  return lines.join('\n');
}

/** `latentspike --help`: every command's synopsis, the exit codes, the presets. */
export function mainHelp(
  commands: Readonly<Record<string, CommandUsage>>,
  presets: readonly string[],
): string {
  const synopses = Object.values(commands).flatMap((c) => c.synopsis.map((s) => `  latentspike ${s}`));
  return [
    'latentspike — low-rank E/I spiking networks with latent boundaries (Podlaski & Machens 2024)',
    '',
    'Usage:',
    ...synopses,
    '',
    'latentspike COMMAND --help shows a command’s options.',
    '',
    'Exit codes:',
    table(
      EXIT_CODES.map((e) => [String(e.code), e.meaning]),
      '  ',
    ),
    '',
    `Presets: ${presets.join(', ')}`,
  ].join('\n');
}
