// The browser entry: the shared surface (src/index.ts). The CPU engine runs on the page's thread with
// the JavaScript noise fill; the WebGPU engine takes navigator.gpu's adapter and needs a shaderLoader
// (createEngine({ backend, shaderLoader: fetchShaderLoader(url) })). No Node module is reached from
// here (test/library/browserBundle.test.ts builds it with Vite and checks).

export * from './index.ts';
