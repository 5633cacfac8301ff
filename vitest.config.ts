import { defineConfig } from 'vitest/config';
import { TIERS, tierGlobs } from './test/tiers.ts';

export default defineConfig({
  test: {
    pool: 'forks',
    projects: Object.entries(TIERS).map(([name, tier]) => ({
      extends: true,
      test: { name, ...tierGlobs(name), testTimeout: tier.timeout },
    })),
  },
});
