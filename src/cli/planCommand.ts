// `latentspike plan RUN.json [--adapter NAME | --limits FILE.json] [--json]`: what a run would
// allocate and dispatch on an adapter, and how long a step should take there (src/engine/webgpu/
// plan.ts), computed without a device. With neither option, the adapter is this machine's (its
// limits and info read, no device made). `latentspike plan --dump-limits [FILE]` writes this
// machine's adapter (info, limits, features) for `--limits` elsewhere.
// Exit codes: 0 the run fits, 3 it does not (a valid run too large for the adapter: what does
// not fit is named), 2 bad input (run file, options, unknown adapter name).

import { readFileSync } from 'node:fs';
import {
  writeFileAtomic,
  requestAdapter,
  adapterFacts,
  RunFileError,
  DISPATCH_VARIABLE,
  parseDispatchShape,
  PROFILE_NAMES,
  builtInTarget,
  dumpAdapter,
  dumpTarget,
  formatPlan,
  planRunFile,
  type AdapterDump,
  type PlanTarget,
} from '../node.ts';
import { parsePositiveInt, UsageError } from './args.ts';
import { parseOptions, type CommandSpec } from './options.ts';

/** A valid run that does not fit the adapter. */
export const EXIT_DOES_NOT_FIT = 3;

export const PLAN = {
  synopsis: [
    `plan RUN.json [--adapter ${PROFILE_NAMES.join('|')} | --limits FILE.json] [--json] [--dispatch sliced|folded] [--trials N]`,
    'plan --dump-limits [FILE]',
  ],
  summary:
    'What a run would allocate and dispatch on a WebGPU adapter and how long a step should take there, ' +
    "computed without a device (this machine's adapter unless told); exit 3 when it does not fit.",
  positionals: true,
  options: {
    adapter: { arg: 'NAME', help: 'a built-in adapter profile instead of this machine’s' },
    limits: { arg: 'FILE.json', help: 'an adapter dumped elsewhere with --dump-limits' },
    json: { flag: true, help: 'the plan as JSON' },
    dispatch: { arg: 'sliced|folded', help: 'dispatch shape to plan for' },
    trials: { arg: 'N', help: 'trials instead of the run file’s' },
    'dump-limits': {
      flag: true,
      arg: '[FILE]',
      help: 'write this machine’s adapter (info, limits, features) for --limits',
    },
  },
} as const satisfies CommandSpec;

const PLAN_USAGE = PLAN.synopsis.map((s) => `latentspike ${s}`).join('\n  ');

/** This machine's adapter, dumped (no device is made). */
async function dumpThisAdapter(): Promise<AdapterDump> {
  let found: Awaited<ReturnType<typeof requestAdapter>>;
  try {
    found = await requestAdapter();
  } catch (err) {
    throw new UsageError(
      `plan: this machine has no WebGPU adapter to plan for (${(err as Error).message}); ` +
        `give --adapter ${PROFILE_NAMES.join('|')} or --limits FILE.json`,
    );
  }
  return dumpAdapter(found.adapter, adapterFacts(found.adapter), found.path);
}

function readJson(path: string, what: string): unknown {
  const text = readFileSync(path, 'utf8');
  try {
    return JSON.parse(text);
  } catch (e) {
    if (what === 'run file') throw new RunFileError(path, `not valid JSON: ${(e as Error).message}`);
    throw new UsageError(`${what} ${path}: not valid JSON: ${(e as Error).message}`);
  }
}

export async function planCommand(args: string[]): Promise<number> {
  const { values, positionals } = parseOptions(PLAN, args);
  if (values['dump-limits']) {
    if (positionals.length > 1) throw new UsageError('plan --dump-limits: give at most one file');
    const text = `${JSON.stringify(await dumpThisAdapter(), null, 2)}\n`;
    if (positionals.length === 1) writeFileAtomic(positionals[0], text);
    else process.stdout.write(text);
    return 0;
  }
  if (positionals.length !== 1) throw new UsageError(`plan: give exactly one run file\n\n  ${PLAN_USAGE}`);
  if (values.adapter !== undefined && values.limits !== undefined) {
    throw new UsageError('plan: give --adapter or --limits, not both');
  }
  const dispatch =
    values.dispatch === undefined ? undefined : parseDispatchShape(values.dispatch, '--dispatch');
  if (dispatch instanceof Error) throw new UsageError(dispatch.message);
  const env = process.env[DISPATCH_VARIABLE];
  if (env !== undefined && env !== '' && parseDispatchShape(env, DISPATCH_VARIABLE) instanceof Error) {
    throw new UsageError((parseDispatchShape(env, DISPATCH_VARIABLE) as Error).message);
  }
  const trials = parsePositiveInt('trials', values.trials);

  let target: PlanTarget | Error;
  if (values.adapter !== undefined) {
    target = builtInTarget(values.adapter);
    if (target instanceof Error) throw new UsageError(`--adapter: ${target.message}`);
  } else if (values.limits !== undefined) {
    target = dumpTarget(readJson(values.limits, 'limits file'), values.limits);
  } else {
    target = dumpTarget(await dumpThisAdapter(), "this machine's adapter");
  }
  if (target instanceof Error) throw new UsageError(target.message);

  const run = readJson(positionals[0], 'run file');
  const json =
    trials !== undefined && typeof run === 'object' && run !== null ? { ...(run as object), trials } : run;
  const plan = planRunFile(json, target, { dispatch });
  process.stdout.write(values.json ? `${JSON.stringify(plan, null, 2)}\n` : `${formatPlan(plan)}\n`);
  return plan.fits ? 0 : EXIT_DOES_NOT_FIT;
}
