// Vite serves the browser app in src/web/ (`npm run app`) and builds it as a static site into dist/
// (`npm run build`); the page imports the engine straight from src/ and the kernels from shaders/
// (both outside the page's root, hence fs.allow).
import { fileURLToPath } from 'node:url';
import { defineConfig } from 'vite';

const repository = fileURLToPath(new URL('.', import.meta.url));

export default defineConfig({
  root: fileURLToPath(new URL('./src/web', import.meta.url)),
  // WebGPU needs a secure context: localhost qualifies, a LAN address does not.
  server: { host: 'localhost', fs: { allow: [repository] } },
  // The app's one npm dependency, gl-matrix, is plain ES modules: nothing to pre-bundle.
  optimizeDeps: { noDiscovery: true, include: [] },
  build: { outDir: fileURLToPath(new URL('./dist', import.meta.url)), emptyOutDir: true },
});
