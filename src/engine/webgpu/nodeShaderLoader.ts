// Node's ShaderLoader: shaders/*.wgsl read from disk.

import { readFile } from 'node:fs/promises';
import type { ShaderLoader } from './shaderLoader.ts';

/**
 * Reads the file from $LATENTSPIKE_SHADER_DIR when set (the packed device bundle,
 * bench/device/run.sh, where this module is bundled away from shaders/), else from shaders/ beside
 * src/ (the repository) or dist/ (the installed package): the same depth below the root.
 */
export const nodeShaderLoader: ShaderLoader = async (name) => {
  const dir = process.env.LATENTSPIKE_SHADER_DIR;
  const file = `${name}.wgsl`;
  return readFile(dir ? `${dir}/${file}` : new URL(`../../../shaders/${file}`, import.meta.url), 'utf8');
};
