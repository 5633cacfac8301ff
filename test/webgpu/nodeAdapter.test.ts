// Node adapter acquisition: the Vulkan path is asked only when the Vulkan loader would find a
// driver manifest, so a machine without one gets its software adapter without Dawn's
// "vkCreateInstance: Found no drivers!" on stderr.

import { execFile } from 'node:child_process';
import { mkdirSync, mkdtempSync, readdirSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { promisify } from 'node:util';
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { vulkanDriverListed } from '../../src/engine/webgpu/nodeAdapter.ts';
import { tryAcquireDevice } from './gpu.ts';

/** Folders outside the XDG variables' reach, which the loader always searches. */
const FIXED_FOLDERS = ['/etc/vulkan/icd.d', '/usr/local/etc/vulkan/icd.d'];
const fixedManifest = FIXED_FOLDERS.some((d) => {
  try {
    return readdirSync(d).some((f) => f.endsWith('.json'));
  } catch {
    return false;
  }
});

const VARIABLES = [
  'XDG_CONFIG_HOME',
  'XDG_CONFIG_DIRS',
  'XDG_DATA_HOME',
  'XDG_DATA_DIRS',
  'VK_DRIVER_FILES',
  'VK_ICD_FILENAMES',
  'VK_ADD_DRIVER_FILES',
];

describe.skipIf(process.platform !== 'linux')('vulkanDriverListed', () => {
  let saved: Record<string, string | undefined>;
  let root: string;

  beforeEach(() => {
    saved = Object.fromEntries(VARIABLES.map((v) => [v, process.env[v]]));
    VARIABLES.forEach((v) => delete process.env[v]);
    root = mkdtempSync(join(tmpdir(), 'latentspike-icd-'));
    for (const v of ['XDG_CONFIG_HOME', 'XDG_CONFIG_DIRS', 'XDG_DATA_HOME', 'XDG_DATA_DIRS']) {
      process.env[v] = join(root, v);
    }
  });

  afterEach(() => {
    for (const [v, value] of Object.entries(saved)) {
      if (value === undefined) delete process.env[v];
      else process.env[v] = value;
    }
  });

  it.skipIf(fixedManifest)('is false when no searched folder holds a manifest', () => {
    mkdirSync(join(root, 'XDG_DATA_DIRS', 'vulkan', 'icd.d'), { recursive: true });
    expect(vulkanDriverListed()).toBe(false);
  });

  it('is true with a manifest in an XDG data dir', () => {
    const folder = join(root, 'XDG_DATA_DIRS', 'vulkan', 'icd.d');
    mkdirSync(folder, { recursive: true });
    writeFileSync(join(folder, 'some_icd.json'), '{}');
    expect(vulkanDriverListed()).toBe(true);
  });

  it('is true when VK_ICD_FILENAMES names drivers', () => {
    process.env.VK_ICD_FILENAMES = '/usr/lib/chromium/vk_swiftshader_icd.json';
    expect(vulkanDriverListed()).toBe(true);
  });
});

const gpu = vulkanDriverListed() ? null : await tryAcquireDevice();
gpu?.release();

describe.skipIf(!gpu)('adapter acquisition without a Vulkan driver', () => {
  it('prints nothing about Vulkan on stderr', async () => {
    const script = fileURLToPath(new URL('./exitProbe.ts', import.meta.url));
    const env = { ...process.env };
    delete env.LATENTSPIKE_WEBGPU_PATH;
    const { stdout, stderr } = await promisify(execFile)(process.execPath, ['--import', 'tsx', script], {
      timeout: 30_000,
      env,
    });
    expect(stdout).toContain('released');
    expect(stderr).not.toMatch(/vkCreateInstance|VK_ERROR/);
  });
});
