// Where WGSL source comes from. Kernels live in shaders/*.wgsl (one kernel per file), read from disk
// in Node (nodeShaderLoader.ts, installed by the Node runtime); a browser bundle passes its own
// loader, e.g. with Vite:
//   const files = import.meta.glob('/shaders/*.wgsl', { query: '?raw', import: 'default' });
//   const loader: ShaderLoader = (name) => files[`/shaders/${name}.wgsl`]() as Promise<string>;
// or fetchShaderLoader(url of a folder holding the package's shaders/), so this module never
// depends on a bundler.

import { runtime } from '../runtime.ts';

/** Returns the text of shaders/<name>.wgsl. */
export type ShaderLoader = (name: string) => Promise<string>;

/** Fetches `<base>/<name>.wgsl` (base: a folder URL holding the package's shaders/*.wgsl). */
export function fetchShaderLoader(base: string | URL): ShaderLoader {
  const folder = String(base).endsWith('/') ? String(base) : `${String(base)}/`;
  return async (name) => {
    const url = new URL(`${name}.wgsl`, new URL(folder, globalThis.location?.href));
    const response = await fetch(url);
    if (!response.ok)
      throw new Error(`shader ${name}.wgsl: ${response.status} ${response.statusText} (${url})`);
    return response.text();
  };
}

/** The runtime's loader (Node: shaders/ on disk); a browser must pass one. */
export function defaultShaderLoader(): ShaderLoader {
  const loader = runtime()?.shaderLoader;
  if (loader) return loader;
  throw new Error(
    'WebGPU in a browser needs a shaderLoader: pass one (e.g. fetchShaderLoader(url of the shaders/ folder))',
  );
}
