// The app's wiring: the form's state → a run file (preset, formula or loaded file, then the
// changes) → validation → the engine (WebGPU or CPU) with progress and Stop → figures, metrics,
// performance, downloads and a shareable URL. Each step's module does the work; this one orders
// them and says which step failed.

import './harness.ts';
import type { RunFileJson } from '../model/runFile.ts';
import type { Engine } from '../engine/engine.ts';
import { CpuEngine } from '../engine/cpu/cpuEngine.ts';
import { compileNetwork } from '../model/compile.ts';
import { parseRunFile, parseRunFileText } from '../model/parse.ts';
import { toResultJson } from '../model/resultFile.ts';
import { PRESETS, findPreset } from '../experiments/presets/index.ts';
import type { Preset } from '../experiments/preset.ts';
import { isAbortError } from '../experiments/runner.ts';
import { queryFromState, stateFromQuery, type AppState, type BackendPreference } from './appState.ts';
import { openBackend, type Backend } from './backend.ts';
import { offerJson } from './download.ts';
import { runFileAsPreset } from '../experiments/genericPreset.ts';
import { readForm, writeForm } from './form.ts';
import { formulaPreset } from './formulaPreset.ts';
import { largestBuffer, tooLargeMessage } from './gpuFit.ts';
import { clearError, showError, showNotice } from './messages.ts';
import { applyOverrides, overridesFromState } from './overrides.ts';
import { attachPlaneSlider } from './planeSlider.ts';
import { renderPerformance, renderView } from './render.ts';
import { viewOf } from './view.ts';

type PageState = 'idle' | 'running' | 'done' | 'error' | 'stopped';

const form = document.getElementById('controls') as HTMLFormElement;
const progress = document.getElementById('progress') as HTMLProgressElement;
const stopButton = document.getElementById('stop') as HTMLButtonElement;
const backendLabel = document.getElementById('backend')!;

/** The run file loaded by the file input or a drop, until another replaces it. */
let loaded: { name: string; run: RunFileJson } | null = null;
/** One engine (and GPU device) per backend preference, made on first use. */
const backends = new Map<BackendPreference, Promise<Backend>>();
let current: AbortController | null = null;

function setPageState(state: PageState): void {
  document.body.dataset.state = state;
  stopButton.disabled = state !== 'running';
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

async function run(): Promise<void> {
  current?.abort();
  const controller = new AbortController();
  current = controller;
  const state = readForm(form);
  history.replaceState(null, '', `${location.pathname}${queryFromState(state)}`);
  clearError();
  setPageState('running');
  progress.value = 0;
  // What is being done, for the error message: the formula, the changes, the run file, the run.
  let what = sourceName(state);
  try {
    const preset = presetOf(state);
    const seed = seedOf(state);
    const runs = preset.runs({ seed: seed ?? 0 });
    const runFile = applyOverrides(runs[0], overridesFromState(state));
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
    } else if (backend.storageLimit !== null) {
      const tooLarge = tooLargeMessage(net, largestBuffer(net), backend.storageLimit);
      if (tooLarge) throw new Error(tooLarge);
    }
    showNotice(notices.length > 0 ? notices.join('\n') : null);
    const a = engine.adapter;
    backendLabel.textContent = `backend: ${engine.backend}${a ? ` — ${a.description || a.vendor}${a.software ? ' (software adapter)' : ''}` : ''}`;

    const result = await engine.run(net, {
      signal: controller.signal,
      onProgress: (done, total) => (progress.value = done / total),
    });
    const sim = { run: runFile, net, result };
    const title = `${preset.title} — ${net.N.toLocaleString('en')} neurons, ${net.S} steps`;
    const view = viewOf(preset, sim, seed ?? 0, runs.length > 1);
    renderView(title, view);
    attachPlaneSlider(sim, view.planeTitle, 'svg' in view.plane);
    renderPerformance(result, net.N);
    offerJson('download-result', `${preset.name}-result.json`, toResultJson(net, result));
    offerJson('download-run', `${preset.name}-run.json`, runFile);
    const share = document.getElementById('share') as HTMLAnchorElement;
    share.href = location.href;
    share.hidden = state.source === 'file';
    setPageState('done');
  } catch (e) {
    if (isAbortError(e)) {
      if (current === controller) setPageState('stopped');
      return;
    }
    showError(what, e);
    setPageState('error');
  }
}

/** A run file from the file input or a drop: validated at once, then simulated. */
async function load(file: File): Promise<void> {
  const text = await file.text();
  try {
    parseRunFileText(text, file.name);
  } catch (e) {
    current?.abort();
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
  form.addEventListener('submit', (e) => {
    e.preventDefault();
    void run();
  });
  stopButton.addEventListener('click', () => current?.abort());
  listenForFiles();
  // A shared link opens on its view.
  if (location.search !== '') void run();
}

start();
