// Every default of the run-file format lives here and nowhere else (RUN_FORMAT.md, "Defaults for
// omitted fields"). Presets, the parser and the app read them from this module.

export const DEFAULTS = {
  model: 'spiking',
  seed: 0,
  trials: 1,
  spikeRule: 'one-per-step',
  allowDaleViolation: false,
  beta: 1,
  leak: 100,
  mu: 0,
  sigmaV: 0,
  synapse: { kind: 'delta' },
  refractoryMs: 0,
  selfReset: 'fast',
  clampAtThreshold: false,
  recurrence: true,
  priorityInhibitory: 0,
  priorityExcitatory: 1,
  readoutLeak: 100,
  record: { spikes: true, latents: true, every: 1 },
  /** Latent and rate metrics drop the first 50 ms (MODEL.md §6). */
  initCutSeconds: 0.05,
} as const;
