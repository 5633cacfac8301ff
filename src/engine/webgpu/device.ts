/// <reference types="@webgpu/types" />
// One place that turns "some WebGPU" into a device the engine can trust: the browser's
// navigator.gpu or Dawn in Node, the adapter's real limits requested (the defaults are far below
// what the software adapters offer), adapter facts for every reported result, and asynchronous
// failures (device lost, uncaptured validation or out-of-memory errors) kept as typed errors
// (gpuErrors.ts) so the engine can throw them.

import type { AdapterInfo } from '../engine.ts';
import { DeviceLostError, gpuFailureOf, type GpuFailure } from './gpuErrors.ts';
import { runtime } from '../runtime.ts';
import {
  profileOf,
  REQUESTED_LIMIT_NAMES,
  type AdapterFacts,
  type AdapterProfile,
} from './adapterProfile.ts';

export interface GpuDevice {
  device: GPUDevice;
  adapterInfo: AdapterInfo;
  /** The adapter's profile (adapterProfile.ts: dispatch shape, software), chosen from its info. */
  profile: AdapterProfile;
  /** 'browser', or the Node path that gave the adapter ('vulkan', 'swiftshader', 'opengl'). */
  path: string;
  /** 'core' or 'compatibility' (Dawn's OpenGL path). */
  featureLevel: string;
  /** The first asynchronous failure (device lost, uncaptured error) since the last clearErrors(), or null. */
  failure(): GpuFailure | null;
  /** Throws `failure()` if there is one: called by the engine between submits. */
  throwIfFailed(): void;
  /**
   * Forgets an uncaptured error (the device still works after one), so that it fails only the run
   * it happened in; a loss is never forgotten.
   */
  clearErrors(): void;
  /**
   * The loss of this device: at once when it is known, else once the device reports it within
   * `waitMs` (a pending map rejects as the device is lost, and `lost` settles first, but the order
   * of their callbacks is the implementation's); null when it did not.
   */
  lostWithin(waitMs: number): Promise<DeviceLostError | null>;
  /** Whether release() was called. */
  readonly released: boolean;
  /** Destroys the device (rejecting its pending work); idempotent. */
  release(): void;
}

const SOFTWARE_PATTERN = /llvmpipe|lavapipe|softpipe|swiftshader|microsoft basic render|warp/i;

/** The adapter's own words about itself, as a profile is chosen from them (and a dump records them). */
export function adapterFacts(adapter: GPUAdapter): Required<AdapterFacts> {
  const info = adapter.info as GPUAdapterInfo & { isFallbackAdapter?: boolean };
  return {
    vendor: info.vendor,
    architecture: info.architecture,
    device: info.device,
    description: info.description,
    software: describeAdapter(adapter).software,
  };
}

export function describeAdapter(adapter: GPUAdapter): AdapterInfo {
  const info = adapter.info;
  const join = (parts: string[], separator: string) => parts.filter((s) => s && s.length > 0).join(separator);
  // Browsers may leave description and device empty (fingerprinting); vendor and architecture remain.
  const description =
    join([info.description, info.device], ' / ') || join([info.vendor, info.architecture], ' ');
  const text = `${info.vendor} ${info.architecture} ${info.device} ${info.description}`;
  // isFallbackAdapter is missing from older implementations, hence the name match as well.
  const fallback = (info as GPUAdapterInfo & { isFallbackAdapter?: boolean }).isFallbackAdapter === true;
  return {
    vendor: info.vendor,
    architecture: info.architecture,
    description,
    software: fallback || SOFTWARE_PATTERN.test(text),
  };
}

function requiredLimits(adapter: GPUAdapter): Record<string, number> {
  const out: Record<string, number> = {};
  for (const name of REQUESTED_LIMIT_NAMES) {
    const value = adapter.limits[name];
    if (typeof value === 'number') out[name] = value;
  }
  return out;
}

/**
 * The optional features the engine uses where the adapter has them: 'timestamp-query', for
 * per-kernel GPU time (RunOptions.kernelTimes; kernelTimer.ts).
 */
function requestedFeatures(adapter: GPUAdapter): GPUFeatureName[] {
  return adapter.features.has('timestamp-query') ? ['timestamp-query'] : [];
}

/**
 * This machine's adapter (the browser's, or the first of Dawn's paths in Node, or the Node path
 * `path` names) and the path that gave it.
 */
export async function requestAdapter(path?: string): Promise<{ adapter: GPUAdapter; path: string }> {
  const gpu = typeof navigator !== 'undefined' ? (navigator as Navigator).gpu : undefined;
  if (gpu) {
    const adapter = await gpu.requestAdapter({ powerPreference: 'high-performance' });
    if (!adapter)
      throw new Error('This browser exposes WebGPU but offered no adapter (is a GPU blocklisted?)');
    return { adapter, path: 'browser' };
  }
  const host = runtime();
  if (host) return host.requestAdapter(path);
  throw new Error('WebGPU is not available here: navigator.gpu is missing (it needs a secure context)');
}

/**
 * A core adapter lists the 'core-features-and-limits' feature; Dawn 0.6.2 has no
 * `adapter.featureLevel`. Only the OpenGL path asks for compatibility, so an adapter from elsewhere
 * (e.g. a browser that predates the feature) counts as core.
 */
function featureLevelOf(adapter: GPUAdapter, path: string): string {
  return path === 'opengl' && !adapter.features.has('core-features-and-limits') ? 'compatibility' : 'core';
}

/** A device on this machine's adapter; `path`: on the adapter that path gives (GpuDevice.path). */
export async function acquireDevice(from?: string): Promise<GpuDevice> {
  const { adapter, path } = await requestAdapter(from);
  const adapterInfo = describeAdapter(adapter);
  const profile = profileOf(adapterFacts(adapter));
  const device = await adapter.requestDevice({
    label: 'latentspike',
    requiredLimits: requiredLimits(adapter),
    requiredFeatures: requestedFeatures(adapter),
  });
  const on = `on ${adapterInfo.description || adapterInfo.vendor || 'the adapter'}`;
  let failure: GpuFailure | null = null;
  let loss: DeviceLostError | null = null;
  let released = false;
  const lost = device.lost.then((info) => {
    loss = new DeviceLostError(
      info.reason,
      `WebGPU device lost ${on} (${info.reason}): ${info.message.trim()}`,
    );
    // A loss outranks an error that came before it: the run cannot go on either way, but only a
    // loss lets the engine replace the device.
    if (!released && !(failure instanceof DeviceLostError)) failure = loss;
    return loss;
  });
  device.addEventListener('uncapturederror', (event) => {
    failure ??= gpuFailureOf((event as GPUUncapturedErrorEvent).error, on);
  });
  return {
    device,
    adapterInfo,
    profile,
    path,
    featureLevel: featureLevelOf(adapter, path),
    failure: () => failure,
    throwIfFailed() {
      if (failure) throw failure;
    },
    clearErrors() {
      if (!(failure instanceof DeviceLostError)) failure = null;
    },
    async lostWithin(waitMs) {
      if (loss) return loss;
      let timer: ReturnType<typeof setTimeout> | undefined;
      const late = new Promise<null>((resolve) => (timer = setTimeout(() => resolve(null), waitMs)));
      try {
        return await Promise.race([lost, late]);
      } finally {
        clearTimeout(timer);
      }
    },
    get released() {
      return released;
    },
    release() {
      if (released) return;
      released = true;
      device.destroy();
    },
  };
}
