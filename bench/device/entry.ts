// The one entry point of the device bundle (bench/device/prepare.sh bundles it with esbuild into
// build/pack/app/): the `latentspike` command line itself, so the far side runs exactly
// `latentspike bench --grid …` without tsx or node_modules (Dawn's `webgpu` package excepted, which
// is packed beside it).
import { main } from '../../src/cli/main.ts';

process.stderr.write(`latentspike device bundle: node ${process.version} at ${process.execPath}\n`);
process.exitCode = await main(process.argv.slice(2));
