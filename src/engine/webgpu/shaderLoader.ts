// Where WGSL source comes from. Kernels live in shaders/*.wgsl (one kernel per file), read with fs
// in Node; a browser bundle passes its own loader, e.g. with Vite:
//   const files = import.meta.glob('/shaders/*.wgsl', { query: '?raw', import: 'default' });
//   const loader: ShaderLoader = (name) => files[`/shaders/${name}.wgsl`]() as Promise<string>;
// so this module never depends on a bundler.

/** Returns the text of shaders/<name>.wgsl. */
export type ShaderLoader = (name: string) => Promise<string>;

/**
 * Node: reads the file from $LATENTSPIKE_SHADER_DIR when set (the packed device bundle,
 * bench/device/run.sh, where this module is bundled away from shaders/), else from the
 * repository's shaders/.
 */
export const nodeShaderLoader: ShaderLoader = async (name) => {
  const { readFile } = await import('node:fs/promises');
  const dir = process.env.LATENTSPIKE_SHADER_DIR;
  const file = `${name}.wgsl`;
  return readFile(dir ? `${dir}/${file}` : new URL(`../../../shaders/${file}`, import.meta.url), 'utf8');
};

export function defaultShaderLoader(): ShaderLoader {
  if (typeof process !== 'undefined' && process.versions?.node) return nodeShaderLoader;
  throw new Error('In a browser, pass a ShaderLoader (see src/engine/webgpu/shaderLoader.ts)');
}
