// Vite serves (and can build) the in-browser harness in src/web/, which imports the engine straight
// from src/ and the kernels from shaders/ (both outside the page's root, hence fs.allow).
import { fileURLToPath } from 'node:url';
import { defineConfig } from 'vite';

const repository = fileURLToPath(new URL('.', import.meta.url));

export default defineConfig({
  root: fileURLToPath(new URL('./src/web', import.meta.url)),
  // WebGPU needs a secure context: localhost qualifies, a LAN address does not.
  server: { host: 'localhost', fs: { allow: [repository] } },
  // The harness has no npm dependencies to pre-bundle.
  optimizeDeps: { noDiscovery: true, include: [] },
  build: { outDir: fileURLToPath(new URL('./out/web', import.meta.url)), emptyOutDir: true },
});
