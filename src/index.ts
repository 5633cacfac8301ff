// latentspike's public surface shared by Node and the browser: run files, construction from
// functions, presets, engines, analysis, plots and the study results' analysis. Nothing here imports
// a Node module; the entries add what differs (src/node.ts, src/browser.ts). docs/library.md shows it
// in use.

// The WebGPU types the engine's declarations name (GPUDevice, …), kept in the emitted index.d.ts.
/// <reference types="@webgpu/types" preserve="true" />

// Run files: parse and validate (RunFileError names the field), then compile for an engine.
export { parseRunFile, parseRunFileText } from './model/parse.ts';
export { compileNetwork } from './model/compile.ts';
export type { CompiledNetwork } from './model/compile.ts';
export { RunFileError, DoesNotFitError } from './model/errors.ts';
export { RUN_FORMAT, RESULT_FORMAT } from './model/runFile.ts';
export type { RunFileJson, PopulationJson, SynapseJson, ScalarOrArray } from './model/runFile.ts';
export type { NetworkSpec, PopulationSpec, LatentSpec, ReadoutSpec, InputSpec, Sign } from './model/spec.ts';
export { toResultJson } from './model/resultFile.ts';

// Networks from functions: the paper's constructions, and a whole run file from one f(x).
export * from './construct/index.ts';
export { functionNetwork, functionRun, functionMetrics } from './experiments/presets/tutorial.ts';
export type { FunctionNetwork, FunctionRunOptions } from './experiments/presets/tutorial.ts';
export { eiRun, eiGeometry, inhibitoryPopulationRun } from './experiments/networks.ts';
export type { CommonRun, EIPopulation, InhibitoryPopulation } from './experiments/networks.ts';

// Presets: the paper's figures as runs + metrics + plots.
export { PRESETS, findPreset } from './experiments/presets/index.ts';
export { runPreset, isAbortError } from './experiments/runner.ts';
export type {
  PresetOutcome,
  PresetReport,
  AggregatedMetric,
  RunPresetOptions,
} from './experiments/runner.ts';
export type { Preset, PresetOptions, Metric, Plot, SimulatedRun } from './experiments/preset.ts';
export { runFileAsPreset, genericMetrics, genericPlots } from './experiments/genericPreset.ts';
// A preset's networks at any size (the scaling studies: fig5's and the tutorial's function).
export { SCALE_FUNCTIONS, scaleFunction, baseSize } from './experiments/scale/functions.ts';
export type { ScaleFunction, ScaleFunctionName } from './experiments/scale/functions.ts';

// Figures of a run, as the presets draw them (Plot: { name, svg }).
export { latent, inputAt, eiLatents, raster, E_COLOR, I_COLOR } from './experiments/figures.ts';
/** A run's samples after the init cut (INIT_CUT_WINDOW), as its figures and metrics take them. */
export { window as afterInitCut } from './experiments/figures.ts';
export { planeFigure, planeProblem } from './experiments/planeGeometry.ts';

// Engines: createEngine({ backend }) and the contract every backend implements.
export { createEngine, BACKEND_CHOICES } from './engine/select.ts';
export type { BackendChoice, CreateEngineOptions } from './engine/select.ts';
// The engines themselves, for a caller that picks one and keeps it (createEngine picks for you).
export { CpuEngine } from './engine/cpu/cpuEngine.ts';
export type { CpuEngineOptions } from './engine/cpu/cpuEngine.ts';
export { WebGpuEngine } from './engine/webgpu/webgpuEngine.ts';
export type { WebGpuEngineOptions } from './engine/webgpu/webgpuEngine.ts';
export type {
  Engine,
  BackendName,
  AdapterInfo,
  RunOptions,
  RunCheckpoint,
  SimulationResult,
  TrialResult,
  SpikeTrain,
} from './engine/engine.ts';
export { InputError, DEFAULT_INPUT_STEPS } from './engine/input.ts';
export type { InputSource, LatentsSoFar } from './engine/input.ts';
export { fetchShaderLoader } from './engine/webgpu/shaderLoader.ts';
export type { ShaderLoader } from './engine/webgpu/shaderLoader.ts';
// The error a cancelled run rejects with (isAbortError tells it); a gate throws it to stop the run.
export { abortError } from './engine/checkpoint.ts';
// Why a run file would not fit in so many bytes of memory (null: it fits); Node's admitRunText uses it.
export { runFileRefusal } from './engine/memoryNeed.ts';

// Checkpoints: a run's whole state at a gate (RunCheckpoint.snapshot()) as bytes and back;
// RunOptions.resumeFrom continues it, bit for bit (SnapshotMismatch: not this network's state).
export { encodeSnapshot, decodeSnapshot, CHECKPOINT_FORMAT } from './engine/snapshotCodec.ts';
export { SnapshotMismatch } from './engine/snapshot.ts';
export type { EngineSnapshot } from './engine/snapshot.ts';

// Planning a run for a WebGPU adapter without one: buffers, dispatches and whether it fits the
// adapter's limits (a built-in profile by name, or the limits an adapter dumped).
export { planRunFile, formatPlan, builtInTarget, dumpTarget } from './engine/webgpu/plan.ts';
export type { PlanTarget, PlanOptions, RunPlan, AdapterDump } from './engine/webgpu/plan.ts';
export { PROFILE_NAMES, DISPATCH_VARIABLE, parseDispatchShape } from './engine/webgpu/adapterProfile.ts';
export type { ProfileName, DispatchShape } from './engine/webgpu/adapterProfile.ts';

// Analysis of a result: errors against a target, rates, variability, E/I balance, windows.
export { rmse, rmseAgainst, meanError, meanErrorAgainst } from './analysis/latentMetrics.ts';
export { meanRateHz, isiCV, meanIsiCV, spikeCountCV, spikeCountsInWindow } from './analysis/firing.ts';
export { pearsonCorrelation } from './analysis/balance.ts';
export { mean, variance, standardDeviation, coefficientOfVariation, median } from './analysis/stats.ts';
export { INIT_CUT_WINDOW, stepRange, sampleRange, wholeRange } from './analysis/window.ts';
export type { TimeWindow, IndexRange } from './analysis/window.ts';

// Plots as self-contained SVG strings.
export { linePlot, rasterPlot, planePlot } from './report/plots.ts';
export type {
  LineSeries,
  LinePlotOptions,
  RasterPopulation,
  RasterPlotOptions,
  PlaneCurve,
  PlanePlotOptions,
} from './report/plots.ts';
// A preset's metrics as a terminal table or a Markdown table (beside the paper's values).
export { terminalTable, markdownTable, formatValue } from './report/metricsTable.ts';

// Studies, the parts that need no file system: a point's metrics, a report, two studies compared.
export { pointMetrics, METRIC_COLUMNS } from './study/metrics.ts';
export type { Metrics, PointMetricsInput } from './study/metrics.ts';
export { studyReport } from './study/report.ts';
export type { StudyReport, StudyReportInput } from './study/report.ts';
export { compareStudies } from './study/compare.ts';
export type { StudyResults, StudyComparison } from './study/compare.ts';
export { STUDY_FORMAT } from './study/types.ts';
export type {
  Study,
  StudyAxis,
  StudyPoint,
  StudyBackend,
  PointRecord,
  ResultRow,
  AxisValue,
} from './study/types.ts';
