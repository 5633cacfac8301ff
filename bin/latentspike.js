#!/usr/bin/env node
// Runs the TypeScript CLI directly (tsx), so the bin works right after `npm ci` with no build step.
import { register } from 'tsx/esm/api';

register();
// A reader that stops early (`| head`) is not an error.
process.stdout.on('error', (e) => {
  if (e.code === 'EPIPE') process.exit(0);
  throw e;
});
const { main } = await import('../src/cli/main.ts');
process.exitCode = await main(process.argv.slice(2));
