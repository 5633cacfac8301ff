import { defineConfig } from 'vitest/config';
import { TIERS, tierGlobs } from './test/tiers.ts';

export default defineConfig({
  test: {
    // Node's engine runtime (worker threads, WebAssembly noise, Dawn, shaders/ on disk), as the
    // command line and the package's Node entry install it.
    setupFiles: ['src/engine/nodeRuntime.ts'],
    pool: 'forks',
    projects: Object.entries(TIERS).map(([name, tier]) => ({
      extends: true,
      test: { name, ...tierGlobs(name), testTimeout: tier.timeout },
    })),
  },
});
