// Valid study files the study tests start from (parser, schema, fuzz): each is accepted as it
// stands, and a test edits a copy to make the case it needs.

/** The smoke study: fig12a's network, 2 × 2 × 2 points on the CPU engine. */
export const smoke = {
  format: 'latentspike/study@1',
  name: 'smoke',
  base: 'fig12a',
  axes: { redundancy: [1, 4], sigmaV: [0, 0.01], seed: [1, 2] },
  backend: 'cpu',
  steps: 3000,
};

/** The scale recipe's base with a log range. */
export const scale = {
  format: 'latentspike/study@1',
  name: 'scale',
  base: { scale: { function: 'fig5' } },
  axes: { redundancy: { log: [1, 100], count: 3 }, seed: [1] },
};

/** Zipped axes, a path axis, a range, a sample and most settings. */
export const zipped = {
  format: 'latentspike/study@1',
  name: 'zipped',
  description: 'fig5 at two time steps',
  base: { preset: { name: 'fig5', index: 0 } },
  axes: {
    dt: [1e-4, 5e-5],
    'populations.I.mu': [0, 0.01],
    trials: [1, 2],
    jitter: { linear: [0, 1], count: 2 },
  },
  zip: [['dt', 'populations.I.mu']],
  sample: { count: 3, seed: 7 },
  steps: 400,
  every: 2,
  retries: 1,
  maxNeurons: 1000,
};
