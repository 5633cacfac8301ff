// The layers the code is built in (README: Layout), checked by reading every module's imports:
// nothing under src/, bench/ or scripts/ reaches into test/, src/ takes nothing from bench/ (the
// benchmarks the command runs live in src/bench), the WebGPU engine takes nothing from the CPU
// engine (both follow the contract in src/engine), the model, analysis and plots need no engine,
// the command line and the app are clients of the library's public entries (docs/library.md),
// and no modules of src/ import each other in a cycle (type-only imports aside: they vanish).
import { readFileSync, readdirSync } from 'node:fs';
import { dirname, join, relative, resolve } from 'node:path';
import { fileURLToPath } from 'node:url';
import { describe, expect, it } from 'vitest';

const ROOT = fileURLToPath(new URL('..', import.meta.url));

function modules(dir: string): string[] {
  return (readdirSync(join(ROOT, dir), { recursive: true }) as string[])
    .filter((f) => f.endsWith('.ts'))
    .map((f) => join(dir, f));
}

interface Import {
  target: string;
  typeOnly: boolean;
}

/** The package's own name as tsconfig's `paths` and `exports` resolve it, to the entry's source. */
const PACKAGE_ENTRIES: Record<string, string> = {
  latentspike: 'src/node.ts',
  'latentspike/node': 'src/node.ts',
  'latentspike/browser': 'src/browser.ts',
};

/**
 * The project imports of a module (static, re-exports, side-effect and dynamic: relative ones and the
 * package's own name), resolved to repository paths; `node:` modules as they are.
 */
function importsOf(file: string): Import[] {
  const text = readFileSync(join(ROOT, file), 'utf8');
  const found: Import[] = [];
  const add = (specifier: string, typeOnly: boolean) => {
    if (specifier.startsWith('.'))
      found.push({ target: relative(ROOT, resolve(ROOT, dirname(file), specifier)), typeOnly });
    else if (specifier in PACKAGE_ENTRIES) found.push({ target: PACKAGE_ENTRIES[specifier], typeOnly });
    else if (specifier.startsWith('node:')) found.push({ target: specifier, typeOnly });
  };
  for (const m of text.matchAll(/^\s*(?:import|export)\s+(type\s+)?[^'";]*?\sfrom\s+'([^']+)'/gm))
    add(m[2], !!m[1]);
  for (const m of text.matchAll(/^\s*import\s+'([^']+)'/gm)) add(m[1], false);
  for (const m of text.matchAll(/\bimport\(\s*'([^']+)'\s*\)/g)) add(m[1], false);
  return found;
}

const SRC = modules('src');
const BENCH = modules('bench');
const SCRIPTS = modules('scripts');

function offenders(files: string[], from: (f: string) => boolean, to: (t: string) => boolean): string[] {
  return files.filter(from).flatMap((f) =>
    importsOf(f)
      .filter((i) => to(i.target))
      .map((i) => `${f} → ${i.target}`),
  );
}

describe('layers', () => {
  it('finds the modules and their imports', () => {
    expect(SRC.length).toBeGreaterThan(100);
    expect(SCRIPTS).toContain('scripts/webgpuStepTime.ts');
    expect(importsOf('bench/device/entry.ts').map((i) => i.target)).toEqual(['src/cli/main.ts']);
    expect(importsOf('src/engine/webgpu/webgpuEngine.ts').map((i) => i.target)).toContain(
      'src/engine/checkpoint.ts',
    );
  });

  it('src/, bench/ and scripts/ import nothing from test/', () => {
    expect(
      offenders(
        [...SRC, ...BENCH, ...SCRIPTS],
        () => true,
        (t) => t.startsWith('test/'),
      ),
    ).toEqual([]);
  });

  it('src/ imports nothing from bench/', () => {
    expect(
      offenders(
        SRC,
        () => true,
        (t) => t.startsWith('bench/'),
      ),
    ).toEqual([]);
  });

  it('the WebGPU engine imports nothing from the CPU engine', () => {
    const webgpu = (f: string) => f.startsWith('src/engine/webgpu/');
    expect(offenders(SRC, webgpu, (t) => t.startsWith('src/engine/cpu/'))).toEqual([]);
  });

  it('the model, analysis and plots import nothing from the engines', () => {
    const lower = (f: string) => /^src\/(model|analysis|report)\//.test(f);
    expect(offenders(SRC, lower, (t) => t.startsWith('src/engine/'))).toEqual([]);
  });

  it('the command line imports the rest of the project only through the Node and bench entries', () => {
    const cli = (f: string) => f.startsWith('src/cli/');
    const allowed = ['src/node.ts', 'src/index.ts', 'src/bench.ts'];
    const project = (t: string) =>
      !t.startsWith('node:') && !t.startsWith('src/cli/') && !allowed.includes(t);
    expect(SRC.filter(cli).length).toBeGreaterThan(5);
    expect(offenders(SRC, cli, project)).toEqual([]);
  });

  it('nothing else in src/ imports the command line', () => {
    const outsideCli = (f: string) => !f.startsWith('src/cli/');
    expect(offenders(SRC, outsideCli, (t) => t.startsWith('src/cli/'))).toEqual([]);
  });

  it('the app imports the rest of the project only through the browser entry, and no Node module', () => {
    const web = (f: string) => f.startsWith('src/web/');
    const outside = (t: string) => !t.startsWith('src/web/') && t !== 'src/browser.ts';
    expect(SRC.filter(web).length).toBeGreaterThan(10);
    expect(offenders(SRC, web, outside)).toEqual([]);
  });

  it('the import reader sees every form an entry rule must catch', () => {
    // Multi-line, type-only, dynamic and side-effect imports, and the package's own name.
    expect(importsOf('src/cli/main.ts')).toContainEqual({ target: 'src/node.ts', typeOnly: false });
    expect(importsOf('src/cli/tuneCommand.ts').map((i) => i.target)).toContain('src/bench.ts');
    expect(importsOf('src/web/render.ts')).toContainEqual({ target: 'src/browser.ts', typeOnly: true });
    expect(importsOf('src/node.ts').map((i) => i.target)).toContain('src/engine/nodeRuntime.ts');
    expect(importsOf('examples/study.ts').map((i) => i.target)).toContain('src/node.ts');
    expect(importsOf('src/io/files.ts').map((i) => i.target)).toContain('node:fs');
  });

  it('no modules of src/ import each other in a cycle', () => {
    const graph = new Map(
      SRC.map(
        (f) =>
          [
            f,
            importsOf(f)
              .filter((i) => !i.typeOnly)
              .map((i) => i.target),
          ] as const,
      ),
    );
    // Tarjan's strongly connected components: any with two or more modules is a cycle.
    const index = new Map<string, number>();
    const low = new Map<string, number>();
    const stack: string[] = [];
    const onStack = new Set<string>();
    const cycles: string[][] = [];
    const visit = (v: string) => {
      index.set(v, index.size);
      low.set(v, index.get(v)!);
      stack.push(v);
      onStack.add(v);
      for (const w of graph.get(v) ?? []) {
        if (!graph.has(w)) continue;
        if (!index.has(w)) {
          visit(w);
          low.set(v, Math.min(low.get(v)!, low.get(w)!));
        } else if (onStack.has(w)) low.set(v, Math.min(low.get(v)!, index.get(w)!));
      }
      if (low.get(v) === index.get(v)) {
        const component: string[] = [];
        let w: string;
        do {
          w = stack.pop()!;
          onStack.delete(w);
          component.push(w);
        } while (w !== v);
        if (component.length > 1) cycles.push(component.sort());
      }
    };
    for (const v of graph.keys()) if (!index.has(v)) visit(v);
    expect(cycles).toEqual([]);
  });
});
