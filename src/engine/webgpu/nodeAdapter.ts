/// <reference types="@webgpu/types" />
// A WebGPU adapter in Node through Dawn (the npm `webgpu` package), on a machine with or without a
// GPU (shared/spec/WEBGPU_WITHOUT_A_GPU.md). Paths, tried in this order unless
// LATENTSPIKE_WEBGPU_PATH names one:
//   vulkan       the system's Vulkan drivers (a real GPU; Mesa lavapipe gives no adapter); tried
//                only when the Vulkan loader would find a driver manifest (below), because with
//                none Dawn prints "vkCreateInstance: Found no drivers!" on stderr on every run
//   swiftshader  Vulkan through the SwiftShader ICD that Debian's `chromium` ships
//   opengl       OpenGL ES on Mesa llvmpipe, WebGPU compatibility feature level
// Facts this module relies on, measured with webgpu 0.6.2:
//   - the Vulkan loader reads VK_ICD_FILENAMES, and EGL reads EGL_PLATFORM, when the adapter is
//     requested (not at `create`), so setting them in process.env for that call is enough and no
//     restart is needed;
//   - a Dawn instance that is garbage-collected shortly before the process exits can abort it
//     ("The futex facility returned an unexpected error code"), so each path's instance is created
//     once and kept for the life of the process; a destroyed device then lets Node exit;
//   - Dawn quantizes timestamp queries to multiples of 65 536 ns unless the instance is created
//     with 'disable-dawn-features=timestamp_quantization';
//   - Dawn logs to stderr with no option to turn it off, so the quiet way is not to ask a path that
//     cannot work.

import { existsSync, mkdtempSync, readdirSync } from 'node:fs';
import { homedir, tmpdir } from 'node:os';
import { join } from 'node:path';

export type NodeAdapterPath = 'vulkan' | 'swiftshader' | 'opengl';

const PATHS: readonly NodeAdapterPath[] = ['vulkan', 'swiftshader', 'opengl'];
const SWIFTSHADER_ICD = '/usr/lib/chromium/vk_swiftshader_icd.json';
const PATH_VARIABLE = 'LATENTSPIKE_WEBGPU_PATH';

/** Variables that hand the Vulkan loader its driver manifests directly. */
const ICD_VARIABLES = ['VK_DRIVER_FILES', 'VK_ICD_FILENAMES', 'VK_ADD_DRIVER_FILES'];

/**
 * The folders the Vulkan loader searches for driver manifests on Linux (its LoaderInterface
 * document: XDG config and data dirs with their defaults, plus /etc and /usr/local/etc).
 */
function icdFolders(): string[] {
  const env = process.env;
  const split = (value: string | undefined, fallback: string) =>
    (value && value.length > 0 ? value : fallback).split(':').filter((d) => d.length > 0);
  const home = homedir();
  const roots = [
    env.XDG_CONFIG_HOME || join(home, '.config'),
    ...split(env.XDG_CONFIG_DIRS, '/etc/xdg'),
    '/etc',
    '/usr/local/etc',
    env.XDG_DATA_HOME || join(home, '.local/share'),
    ...split(env.XDG_DATA_DIRS, '/usr/local/share:/usr/share'),
  ];
  return roots.map((root) => join(root, 'vulkan', 'icd.d'));
}

const hasManifest = (folder: string): boolean => {
  try {
    return readdirSync(folder).some((f) => f.endsWith('.json'));
  } catch {
    return false;
  }
};

/** Whether the Vulkan loader would find any driver (other platforms: assume it might). */
export function vulkanDriverListed(): boolean {
  if (process.platform !== 'linux') return true;
  if (ICD_VARIABLES.some((v) => (process.env[v] ?? '').length > 0)) return true;
  return icdFolders().some(hasManifest);
}

interface DawnModule {
  create(options: string[]): GPU;
  globals: object;
}

const instances = new Map<NodeAdapterPath, GPU>();
let dawn: DawnModule | null = null;

async function loadDawn(): Promise<DawnModule> {
  if (dawn) return dawn;
  // A variable specifier keeps browser bundlers from trying to bundle dawn.node.
  const name = 'webgpu';
  try {
    dawn = (await import(/* @vite-ignore */ name)) as DawnModule;
  } catch (err) {
    throw new Error(`WebGPU in Node needs the npm package 'webgpu' (npm ci): ${(err as Error).message}`);
  }
  // GPUBufferUsage, GPUMapMode, … are globals in a browser; Dawn exports them instead.
  for (const [key, value] of Object.entries(dawn.globals)) {
    if (!(key in globalThis)) (globalThis as Record<string, unknown>)[key] = value;
  }
  return dawn;
}

/** Sets environment variables for the duration of `fn` (they are read when the adapter is requested). */
async function withEnv<T>(vars: Record<string, string>, fn: () => Promise<T>): Promise<T> {
  const saved = Object.keys(vars).map((k) => [k, process.env[k]] as const);
  Object.assign(process.env, vars);
  try {
    return await fn();
  } finally {
    for (const [k, v] of saved) {
      if (v === undefined) delete process.env[k];
      else process.env[k] = v;
    }
  }
}

function instance(module: DawnModule, path: NodeAdapterPath): GPU {
  let gpu = instances.get(path);
  if (!gpu) {
    // Dawn rounds timestamp queries down to 2¹⁶ ns by default (a browser's fingerprinting guard),
    // too coarse for a kernel of microseconds; in Node nothing is fingerprinted.
    gpu = module.create([
      path === 'opengl' ? 'backend=opengl' : 'backend=vulkan',
      'disable-dawn-features=timestamp_quantization',
    ]);
    instances.set(path, gpu);
  }
  return gpu;
}

let runtimeDir: string | null = null;

async function tryPath(module: DawnModule, path: NodeAdapterPath): Promise<GPUAdapter | null> {
  // EGL and Vulkan print warnings about a missing runtime dir without one.
  const env: Record<string, string> = {};
  if (!process.env.XDG_RUNTIME_DIR) {
    runtimeDir ??= mkdtempSync(join(tmpdir(), 'latentspike-xdg-'));
    env.XDG_RUNTIME_DIR = runtimeDir;
  }
  if (path === 'swiftshader') {
    if (!existsSync(SWIFTSHADER_ICD)) return null;
    env.VK_ICD_FILENAMES = SWIFTSHADER_ICD;
  }
  if (path === 'opengl' && !process.env.EGL_PLATFORM) env.EGL_PLATFORM = 'surfaceless';
  const gpu = instance(module, path);
  return withEnv(env, () =>
    gpu.requestAdapter(
      path === 'opengl' ? { featureLevel: 'compatibility' } : { powerPreference: 'high-performance' },
    ),
  );
}

/**
 * A forced path (`only`, else LATENTSPIKE_WEBGPU_PATH) is always tried (its failure is then the
 * answer); otherwise vulkan only with a driver.
 */
function pathsToTry(only: string | undefined): readonly NodeAdapterPath[] {
  const forced = only ?? process.env[PATH_VARIABLE];
  if (!forced) return vulkanDriverListed() ? PATHS : PATHS.filter((p) => p !== 'vulkan');
  if (!(PATHS as readonly string[]).includes(forced)) {
    throw new Error(`${PATH_VARIABLE}='${forced}' is not one of: ${PATHS.join(', ')}`);
  }
  return [forced as NodeAdapterPath];
}

/** The first adapter found along the paths above (or on path `only`), and which path gave it. */
export async function requestNodeAdapter(
  only?: string,
): Promise<{ adapter: GPUAdapter; path: NodeAdapterPath }> {
  const module = await loadDawn();
  const paths = pathsToTry(only);
  for (const path of paths) {
    const adapter = await tryPath(module, path);
    if (adapter) return { adapter, path };
  }
  const skippedNote =
    paths.length < PATHS.length && !process.env[PATH_VARIABLE]
      ? '; vulkan skipped: no Vulkan driver manifest'
      : '';
  throw new Error(
    `No WebGPU adapter in Node (tried ${paths.join(', ')}${skippedNote}). Without a GPU, install the software ` +
      `adapters' system packages: bash scripts/install-system-deps.sh (libvulkan1 and chromium give ` +
      `SwiftShader; libegl1 libegl-mesa0 libgles2 give OpenGL on llvmpipe).`,
  );
}
