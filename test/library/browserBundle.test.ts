// The browser entry (src/browser.ts) bundles for the browser without reaching a Node module: Vite
// builds it as a library, and every import the bundler resolves is recorded before Vite's own
// resolver could swap a Node built-in for an empty browser stub. Node's engine runtime, built the
// same way, shows that the check sees such imports.

import { builtinModules } from 'node:module';
import { describe, expect, it } from 'vitest';
import { build, type Plugin, type Rollup } from 'vite';

const NODE_BUILTINS = new Set(builtinModules);

interface Bundle {
  /** `specifier ← importer` for every import of a Node built-in. */
  nodeImports: string[];
  code: string;
}

async function bundleForBrowser(entry: string): Promise<Bundle> {
  const nodeImports: string[] = [];
  const record: Plugin = {
    name: 'record-node-imports',
    enforce: 'pre',
    resolveId(source, importer) {
      if (source.startsWith('node:') || NODE_BUILTINS.has(source.split('/')[0])) {
        nodeImports.push(`${source} ← ${importer}`);
      }
      return null;
    },
  };
  const output = (await build({
    configFile: false,
    logLevel: 'silent',
    plugins: [record],
    build: { write: false, minify: false, lib: { entry, formats: ['es'] } },
  })) as Rollup.RollupOutput[];
  const code = output
    .flatMap((o) => o.output)
    .map((chunk) => (chunk.type === 'chunk' ? chunk.code : ''))
    .join('\n');
  return { nodeImports, code };
}

describe('browser bundle', () => {
  it('the browser entry reaches no Node module', async () => {
    const { nodeImports, code } = await bundleForBrowser('src/browser.ts');
    expect(nodeImports).toEqual([]);
    expect(code).not.toMatch(/__vite-browser-external|from ["']node:|import\(["']node:/);
    // The surface is there: engines, construction, analysis, plots.
    for (const name of [
      'createEngine',
      'functionNetwork',
      'rmseAgainst',
      'rasterPlot',
      'fetchShaderLoader',
    ]) {
      expect(code).toContain(name);
    }
  });

  it('the check sees the Node modules of Node’s engine runtime', async () => {
    const { nodeImports } = await bundleForBrowser('src/engine/nodeRuntime.ts');
    expect(nodeImports.some((i) => i.startsWith('node:os ← ') && i.endsWith('nodeRuntime.ts'))).toBe(true);
  });
});
