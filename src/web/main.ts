// The app's wiring: the form's state → a run file (preset, formula or loaded file, then the
// changes) → validation → the engine (WebGPU or CPU) with progress, Pause/Step/Reset and Stop →
// figures, metrics, performance, downloads and a shareable URL. Each step's module does the work;
// this one orders them and says which step failed.
//
// Pause, Step and Reset use the engines' gate (RunOptions.gate): the run is cut into chunks of
// `chunk` steps and the gate, awaited before each, holds the run while paused; Step lets one chunk
// through; Reset (and any changed field while a run is going) aborts and starts again from step 0
// with the form as it is, paused or not as before. A paused run shows its recordings so far and
// puts `pause=<step>` into the URL, so the link reopens the run paused at that step.

import './harness.ts';
import {
  type RunFileJson,
  type Engine,
  type RunCheckpoint,
  type SimulationResult,
  CpuEngine,
  compileNetwork,
  parseRunFile,
  parseRunFileText,
  runFileRefusal,
  toResultJson,
  PRESETS,
  findPreset,
  type Preset,
  isAbortError,
  runFileAsPreset,
} from '../browser.ts';
import { pageMemoryBytes } from './pageMemory.ts';
import {
  chunkSteps,
  pauseFromQuery,
  queryFromState,
  queryProblems,
  stateFromQuery,
  withPause,
  type AppState,
  type BackendPreference,
} from './appState.ts';
import { openBackend, type Backend } from './backend.ts';
import { offerJson } from './download.ts';
import { readForm, writeForm } from './form.ts';
import { formulaPreset } from './formulaPreset.ts';
import { tooLargeMessage } from './gpuFit.ts';
import { clearError, showError, showNotice } from './messages.ts';
import { applyOverrides, overriddenSize, overridesFromState } from './overrides.ts';
import { attachPlaneSlider } from './planeSlider.ts';
import { renderPerformance, renderView } from './render.ts';
import { liveViewOf, viewOf } from './view.ts';
import { showBoundaryView } from './view3d/panel.ts';

type PageState = 'idle' | 'running' | 'paused' | 'done' | 'error' | 'stopped';

const form = document.getElementById('controls') as HTMLFormElement;
const progress = document.getElementById('progress') as HTMLProgressElement;
const counter = document.getElementById('step-counter') as HTMLOutputElement;
const pauseButton = document.getElementById('pause') as HTMLButtonElement;
const stepButton = document.getElementById('step') as HTMLButtonElement;
const resetButton = document.getElementById('reset') as HTMLButtonElement;
const stopButton = document.getElementById('stop') as HTMLButtonElement;
const backendLabel = document.getElementById('backend')!;
const share = document.getElementById('share') as HTMLAnchorElement;

/** While running, the figures are redrawn from the recordings so far at most this often. */
const LIVE_EVERY_MS = 500;

/** The run file loaded by the file input or a drop, until another replaces it. */
let loaded: { name: string; run: RunFileJson } | null = null;
/** One engine (and GPU device) per backend preference, made on first use. */
const backends = new Map<BackendPreference, Promise<Backend>>();

/** One run's controls: its cancellation, the chunks Step has let through, the paused gate's key. */
interface RunControl {
  controller: AbortController;
  /** Chunks the gate may still let through while paused (one per click on Step). */
  credit: number;
  /** Opens the gate the run is waiting at, or null when it is not waiting. */
  wake: (() => void) | null;
  /** The URL query of the run's state (without the pause). */
  query: string;
}
let current: RunControl | null = null;
/** Pause at the next chunk boundary: kept across restarts (Reset, a changed field). */
let paused = false;
/** From a shared link: pause once the run reaches this step. */
let pauseAt: number | null = pauseFromQuery(location.search);

function active(): boolean {
  return ['running', 'paused'].includes(document.body.dataset.state ?? '');
}

function setPageState(state: PageState): void {
  document.body.dataset.state = state;
  const going = state === 'running' || state === 'paused';
  stopButton.disabled = !going;
  pauseButton.disabled = !going;
  pauseButton.textContent = paused ? 'Resume' : 'Pause';
  pauseButton.setAttribute('aria-pressed', String(paused));
}

function showStep(done: number, total: number, note = ''): void {
  counter.dataset.step = String(done);
  counter.dataset.total = String(total);
  counter.textContent = `step ${done.toLocaleString('en')} of ${total.toLocaleString('en')}${note}`;
  progress.value = total > 0 ? done / total : 0;
}

/** What the form's source is called in messages ("the formula", "run file a.json"). */
function sourceName(state: AppState): string {
  if (state.source === 'formula') return 'the formula';
  if (state.source === 'file') return `run file ${loaded?.name ?? ''}`;
  return `preset ${state.preset}`;
}

function presetOf(state: AppState): Preset {
  if (state.source === 'formula') return formulaPreset(state.formula);
  if (state.source === 'file') {
    if (!loaded) throw new Error('no run file loaded: choose one above or drop it on the page');
    return runFileAsPreset(loaded.name, loaded.run);
  }
  const preset = findPreset(state.preset);
  if (!preset) throw new Error(`unknown preset '${state.preset}'`);
  return preset;
}

function seedOf(state: AppState): number | undefined {
  if (state.seed.trim() === '') return undefined;
  const seed = Number(state.seed);
  if (!Number.isInteger(seed) || seed < 0)
    throw new Error(`seed: must be an integer ≥ 0 (got '${state.seed}')`);
  return seed;
}

function backendFor(preference: BackendPreference): Promise<Backend> {
  let backend = backends.get(preference);
  if (!backend) {
    backend = openBackend(preference);
    backends.set(preference, backend);
  }
  return backend;
}

/**
 * Runs the form's state from step 0, replacing any run going on; `credit` is how many chunks it may
 * run while paused before it holds (Step on a finished page: one).
 */
async function run(credit = 0): Promise<void> {
  current?.controller.abort();
  const state = readForm(form);
  const control: RunControl = {
    controller: new AbortController(),
    credit,
    wake: null,
    query: queryFromState(state),
  };
  const { controller } = control;
  current = control;
  history.replaceState(null, '', `${location.pathname}${withPause(control.query, pauseAt)}`);
  clearError();
  setPageState('running');
  showStep(0, 0);
  // What is being done, for the error message: the formula, the changes, the run file, the run.
  let what = sourceName(state);
  try {
    const preset = presetOf(state);
    const seed = seedOf(state);
    const runs = preset.runs({ seed: seed ?? 0 });
    const overrides = overridesFromState(state);
    refuseIfTooLarge(overriddenSize(runs[0], overrides));
    const runFile = applyOverrides(runs[0], overrides);
    if (seed !== undefined) runFile.seed = seed;
    // A file that is valid as loaded can only fail through the changes: say so.
    if (state.source === 'file') what = `${what} with your changes`;
    const net = compileNetwork(parseRunFile(runFile));
    what = 'the simulation';

    const backend = await backendFor(state.backend);
    const notices = backend.notice ? [backend.notice] : [];
    if (runs.length > 1) notices.push(`${preset.name} simulates ${runs.length} runs; this is the first.`);
    let engine: Engine = backend.engine;
    const reason = engine.unsupported(net);
    if (reason !== null) {
      notices.push(`The WebGPU engine cannot run this network (${reason}): the CPU engine runs it.`);
      engine = new CpuEngine();
    } else if (backend.bindings !== null) {
      const tooLarge = tooLargeMessage(net, backend.bindings);
      if (tooLarge) throw new Error(tooLarge);
    }
    showNotice(notices.length > 0 ? notices.join('\n') : null);
    const a = engine.adapter;
    backendLabel.textContent = `backend: ${engine.backend}${a ? ` — ${a.description || a.vendor}${a.software ? ' (software adapter)' : ''}` : ''}`;

    const title = `${preset.title} — ${net.N.toLocaleString('en')} neurons, ${net.S} steps`;
    const chunk = chunkSteps(state, net.S - 1);
    // The figures of the trial in progress, from its recordings so far.
    const drawSoFar = async (at: RunCheckpoint, note: string) => {
      const trial = await at.partial();
      if (current !== control) return;
      const soFar: SimulationResult = {
        backend: engine.backend,
        adapter: engine.adapter,
        steps: net.S,
        dt: net.dt,
        every: net.record.every,
        trials: [trial],
        timing: { setupSeconds: 0, simulateSeconds: 0, stepsPerSecond: 0 },
      };
      const trialNote = net.trials > 1 ? `, trial ${at.trial + 1} of ${net.trials}` : '';
      const simSoFar = { run: runFile, net, result: soFar };
      const view = liveViewOf(preset, simSoFar, runs.length > 1);
      renderView(`${title} — step ${at.step}${trialNote} (${note})`, view);
      // The x slider moves the boundaries behind the trajectory so far.
      attachPlaneSlider(simSoFar, view.planeTitle, 'svg' in view.plane);
      showBoundaryView(simSoFar);
    };
    let lastDrawn = performance.now();
    const gate = async (at: RunCheckpoint): Promise<void> => {
      if (current !== control) return;
      showStep(at.done, at.total);
      if (pauseAt !== null && at.done >= pauseAt) {
        paused = true;
        pauseAt = null;
      }
      if (!paused) {
        if (performance.now() - lastDrawn > LIVE_EVERY_MS) {
          await drawSoFar(at, 'running');
          lastDrawn = performance.now();
        }
        return;
      }
      if (control.credit > 0) {
        control.credit--;
        return;
      }
      await drawSoFar(at, 'paused');
      if (current !== control) return;
      history.replaceState(null, '', `${location.pathname}${withPause(control.query, at.done)}`);
      share.href = location.href;
      share.hidden = state.source === 'file';
      showStep(at.done, at.total, ' (paused)');
      setPageState('paused');
      while (paused && control.credit === 0) await new Promise<void>((open) => (control.wake = open));
      control.wake = null;
      if (paused) control.credit--;
      else history.replaceState(null, '', `${location.pathname}${control.query}`);
      if (current === control) setPageState('running');
    };

    const result = await engine.run(net, { signal: controller.signal, chunkSteps: chunk, gate });
    paused = false;
    showStep(result.steps - 1, result.steps - 1);
    const sim = { run: runFile, net, result };
    const view = viewOf(preset, sim, seed ?? 0, runs.length > 1);
    renderView(title, view);
    attachPlaneSlider(sim, view.planeTitle, 'svg' in view.plane);
    showBoundaryView(sim);
    renderPerformance(result, net.N);
    offerJson('download-result', `${preset.name}-result.json`, toResultJson(net, result));
    offerJson('download-run', `${preset.name}-run.json`, runFile);
    history.replaceState(null, '', `${location.pathname}${control.query}`);
    share.href = location.href;
    share.hidden = state.source === 'file';
    setPageState('done');
  } catch (e) {
    if (current !== control) return;
    if (isAbortError(e)) {
      setPageState('stopped');
      return;
    }
    showError(what, e);
    setPageState('error');
  }
}

function togglePause(): void {
  paused = !paused;
  pauseAt = null;
  if (!paused) current?.wake?.();
  setPageState(document.body.dataset.state as PageState);
}

/** One chunk: from a paused run, or a fresh run paused after its first chunk. */
function step(): void {
  pauseAt = null;
  if (!active()) {
    paused = true;
    void run(1);
    return;
  }
  if (!paused) {
    // A running run stops at its next chunk boundary.
    paused = true;
    setPageState('running');
    return;
  }
  current!.credit++;
  current!.wake?.();
}

/**
 * Refuses a run file whose sizes need more memory than the page may use, before anything
 * per-neuron is built (the same estimate as the command line's admission).
 */
function refuseIfTooLarge(run: unknown): void {
  const refusal = runFileRefusal(run, pageMemoryBytes());
  if (refusal)
    throw new Error(refusal.replace('does not fit in memory', "does not fit in this page's memory"));
}

/** The parsed JSON, or null when the text is not JSON (the parser then says why). */
function jsonOrNull(text: string): unknown {
  try {
    return JSON.parse(text);
  } catch {
    return null;
  }
}

/** A run file from the file input or a drop: validated at once, then simulated. */
async function load(file: File): Promise<void> {
  let text: string;
  try {
    text = await file.text();
    refuseIfTooLarge(jsonOrNull(text));
    parseRunFileText(text, file.name);
  } catch (e) {
    current?.controller.abort();
    current = null;
    showError(`run file ${file.name}`, e);
    setPageState('error');
    return;
  }
  loaded = { name: file.name, run: JSON.parse(text) as RunFileJson };
  writeForm(form, { ...readForm(form), source: 'file' });
  await run();
}

function listenForFiles(): void {
  const input = document.getElementById('file') as HTMLInputElement;
  input.addEventListener('change', () => {
    if (input.files?.[0]) void load(input.files[0]);
  });
  document.addEventListener('dragover', (e) => {
    e.preventDefault();
    document.body.classList.add('dragging');
  });
  document.addEventListener('dragleave', () => document.body.classList.remove('dragging'));
  document.addEventListener('drop', (e) => {
    e.preventDefault();
    document.body.classList.remove('dragging');
    const file = e.dataTransfer?.files[0];
    if (file) void load(file);
  });
}

function start(): void {
  const select = form.elements.namedItem('preset') as HTMLSelectElement;
  select.replaceChildren(...PRESETS.map((p) => new Option(p.title, p.name)));
  writeForm(form, stateFromQuery(location.search));
  // Run: from step 0, not paused (Reset keeps the pause).
  form.addEventListener('submit', (e) => {
    e.preventDefault();
    paused = false;
    pauseAt = null;
    void run();
  });
  stopButton.addEventListener('click', () => {
    current?.controller.abort();
    paused = false;
    pauseAt = null;
  });
  pauseButton.addEventListener('click', togglePause);
  stepButton.addEventListener('click', step);
  resetButton.addEventListener('click', () => void run());
  // A changed field while a run is going restarts it with the change.
  form.addEventListener('change', (e) => {
    if ((e.target as HTMLElement).id !== 'file' && active()) void run();
  });
  listenForFiles();
  // Whatever escapes a handler still ends on the page, never in a page that silently stops.
  window.addEventListener('unhandledrejection', (e) => {
    showError('the app', e.reason);
    setPageState('error');
  });
  // A shared link opens on its view; a link the form cannot show says what is wrong with it.
  const problems = queryProblems(
    location.search,
    PRESETS.map((p) => p.name),
  );
  if (problems.length > 0) {
    showError('this link', new Error(problems.join('; ')));
    setPageState('error');
  } else if (location.search !== '') void run();
}

start();
