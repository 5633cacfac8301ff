/// <reference types="@webgpu/types" />
// A WebGPU adapter in Node through Dawn (the npm `webgpu` package), on a machine with or without a
// GPU (shared/spec/WEBGPU_WITHOUT_A_GPU.md). Paths, tried in this order unless
// LATENTSPIKE_WEBGPU_PATH names one:
//   vulkan       the system's Vulkan drivers (a real GPU; Mesa lavapipe gives no adapter)
//   swiftshader  Vulkan through the SwiftShader ICD that Debian's `chromium` ships
//   opengl       OpenGL ES on Mesa llvmpipe, WebGPU compatibility feature level
// Facts this module relies on, measured with webgpu 0.6.2:
//   - the Vulkan loader reads VK_ICD_FILENAMES, and EGL reads EGL_PLATFORM, when the adapter is
//     requested (not at `create`), so setting them in process.env for that call is enough and no
//     restart is needed;
//   - a Dawn instance that is garbage-collected shortly before the process exits can abort it
//     ("The futex facility returned an unexpected error code"), so each path's instance is created
//     once and kept for the life of the process; a destroyed device then lets Node exit.

import { existsSync, mkdtempSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';

export type NodeAdapterPath = 'vulkan' | 'swiftshader' | 'opengl';

const PATHS: readonly NodeAdapterPath[] = ['vulkan', 'swiftshader', 'opengl'];
const SWIFTSHADER_ICD = '/usr/lib/chromium/vk_swiftshader_icd.json';
const PATH_VARIABLE = 'LATENTSPIKE_WEBGPU_PATH';

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
    gpu = module.create(path === 'opengl' ? ['backend=opengl'] : ['backend=vulkan']);
    instances.set(path, gpu);
  }
  return gpu;
}

async function tryPath(module: DawnModule, path: NodeAdapterPath): Promise<GPUAdapter | null> {
  // EGL and Vulkan print warnings about a missing runtime dir without one.
  const env: Record<string, string> = {};
  if (!process.env.XDG_RUNTIME_DIR) env.XDG_RUNTIME_DIR = mkdtempSync(join(tmpdir(), 'latentspike-xdg-'));
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

function pathsToTry(): readonly NodeAdapterPath[] {
  const forced = process.env[PATH_VARIABLE];
  if (!forced) return PATHS;
  if (!(PATHS as readonly string[]).includes(forced)) {
    throw new Error(`${PATH_VARIABLE}='${forced}' is not one of: ${PATHS.join(', ')}`);
  }
  return [forced as NodeAdapterPath];
}

/** The first adapter found along the paths above, and which path gave it. */
export async function requestNodeAdapter(): Promise<{ adapter: GPUAdapter; path: NodeAdapterPath }> {
  const module = await loadDawn();
  const paths = pathsToTry();
  for (const path of paths) {
    const adapter = await tryPath(module, path);
    if (adapter) return { adapter, path };
  }
  throw new Error(
    `No WebGPU adapter in Node (tried ${paths.join(', ')}). Without a GPU, install the software ` +
      `adapters' system packages: bash scripts/install-system-deps.sh (libvulkan1 and chromium give ` +
      `SwiftShader; libegl1 libegl-mesa0 libgles2 give OpenGL on llvmpipe).`,
  );
}
