/// <reference types="vite/client" />
// Shaders for a Vite bundle: every shaders/*.wgsl file as a lazily loaded string (`?raw`), so the
// browser runs exactly the WGSL that Node reads from disk.

import type { ShaderLoader } from '../browser.ts';

const files = import.meta.glob<string>('../../shaders/*.wgsl', { query: '?raw', import: 'default' });

export const viteShaderLoader: ShaderLoader = async (name) => {
  const load = files[`../../shaders/${name}.wgsl`];
  if (!load) throw new Error(`No shader shaders/${name}.wgsl in this bundle`);
  return load();
};
