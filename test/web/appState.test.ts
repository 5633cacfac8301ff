// The app's state as a URL (src/web/appState.ts) in Node: a link round-trips to the same state and
// lists only what differs from the defaults, a loaded file cannot travel in a link, the chunk length
// follows its rule, and the pause step round-trips.
import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import {
  chunkSteps,
  DEFAULT_STATE,
  pauseFromQuery,
  queryFromState,
  stateFromQuery,
  withPause,
  type AppState,
} from '../../src/web/appState.ts';

const stateArbitrary: fc.Arbitrary<AppState> = fc.record({
  source: fc.constantFrom('preset', 'formula'),
  preset: fc.constantFrom('fig5', 'fig4', 'tutorial'),
  formula: fc.string(),
  seed: fc.oneof(fc.constant(''), fc.nat().map(String)),
  m: fc.oneof(fc.constant('1'), fc.integer({ min: 2, max: 64 }).map(String)),
  sigma: fc.oneof(fc.constant(''), fc.double({ min: 0, max: 1, noNaN: true }).map(String)),
  mu: fc.string(),
  rule: fc.constantFrom('', 'one-per-step', 'all', 'sequential'),
  pulse: fc.string(),
  dt: fc.string(),
  steps: fc.string(),
  input: fc.constantFrom('', 'ramp', 'step', 'constant', 'sine'),
  x0: fc.string(),
  x1: fc.string(),
  chunk: fc.string(),
  backend: fc.constantFrom('auto', 'cpu'),
});

describe('app state in the URL', () => {
  it('round-trips any state through its query string', () => {
    fc.assert(
      fc.property(stateArbitrary, (state) => {
        expect(stateFromQuery(queryFromState(state))).toEqual(state);
      }),
      { numRuns: 500 },
    );
  });

  it('lists only what differs from the defaults, and the defaults as no query at all', () => {
    expect(queryFromState(DEFAULT_STATE)).toBe('');
    expect(queryFromState({ ...DEFAULT_STATE, m: '4', sigma: '0.01' })).toBe('?m=4&sigma=0.01');
  });

  it('opens a link to a loaded file as the preset (a file cannot travel in a URL)', () => {
    expect(queryFromState({ ...DEFAULT_STATE, source: 'file' })).toBe('');
    expect(stateFromQuery('?source=file&preset=fig4')).toMatchObject({ source: 'preset', preset: 'fig4' });
  });

  it('cuts a run into about 100 chunks of 1, 2 or 5 × 10ᵏ steps unless told', () => {
    expect(chunkSteps(DEFAULT_STATE, 20_000)).toBe(200);
    expect(chunkSteps(DEFAULT_STATE, 1199)).toBe(20);
    expect(chunkSteps(DEFAULT_STATE, 30)).toBe(1);
    expect(chunkSteps(DEFAULT_STATE, 450_000)).toBe(5000);
    expect(chunkSteps({ ...DEFAULT_STATE, chunk: '7' }, 1000)).toBe(7);
    expect(() => chunkSteps({ ...DEFAULT_STATE, chunk: '0' }, 1000)).toThrow('steps per chunk');
  });

  it('round-trips the pause step', () => {
    expect(pauseFromQuery(withPause('?m=2', 1900))).toBe(1900);
    expect(pauseFromQuery(withPause('', 0))).toBe(0);
    expect(withPause('?m=2', null)).toBe('?m=2');
    expect(pauseFromQuery('?pause=soon')).toBeNull();
  });
});
