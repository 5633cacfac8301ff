#!/usr/bin/env node
// Runs the TypeScript CLI directly (tsx), so the bin works right after `npm ci` with no build step.
import { existsSync } from 'node:fs';
import { URL } from 'node:url';

const cli = new URL('../src/cli/main.ts', import.meta.url);
if (!existsSync(cli)) {
  // The packed library (npm pack) carries dist/ only; the command line runs from a checkout.
  process.stderr.write(
    'latentspike: the command line runs from a checkout of the repository (npm ci there); ' +
      'this installed package is the library (import from "latentspike", docs/library.md)\n',
  );
  process.exit(1);
}
const { register } = await import('tsx/esm/api');
register();
// A reader that stops early (`| head`) is not an error.
process.stdout.on('error', (e) => {
  if (e.code === 'EPIPE') process.exit(0);
  throw e;
});
const { main } = await import(cli.href);
process.exitCode = await main(process.argv.slice(2));
