/// <reference types="@webgpu/types" />
// One place that turns "some WebGPU" into a device the engine can trust: the browser's
// navigator.gpu or Dawn in Node, the adapter's real limits requested (the defaults are far below
// what the software adapters offer), adapter facts for every reported result, and asynchronous
// failures (device lost, uncaptured validation errors) kept so the engine can throw them.

import type { AdapterInfo } from '../engine.ts';
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
  /** The first asynchronous failure (device lost, uncaptured error), or null. */
  failure(): Error | null;
  /** Throws `failure()` if there is one: called by the engine between submits. */
  throwIfFailed(): void;
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

/** This machine's adapter (the browser's, or the first of Dawn's paths in Node) and the path that gave it. */
export async function requestAdapter(): Promise<{ adapter: GPUAdapter; path: string }> {
  const gpu = typeof navigator !== 'undefined' ? (navigator as Navigator).gpu : undefined;
  if (gpu) {
    const adapter = await gpu.requestAdapter({ powerPreference: 'high-performance' });
    if (!adapter)
      throw new Error('This browser exposes WebGPU but offered no adapter (is a GPU blocklisted?)');
    return { adapter, path: 'browser' };
  }
  if (typeof process !== 'undefined' && process.versions?.node) {
    const { requestNodeAdapter } = await import('./nodeAdapter.ts');
    return requestNodeAdapter();
  }
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

export async function acquireDevice(): Promise<GpuDevice> {
  const { adapter, path } = await requestAdapter();
  const adapterInfo = describeAdapter(adapter);
  const profile = profileOf(adapterFacts(adapter));
  const device = await adapter.requestDevice({
    label: 'latentspike',
    requiredLimits: requiredLimits(adapter),
    requiredFeatures: requestedFeatures(adapter),
  });
  let failure: Error | null = null;
  let released = false;
  device.lost.then((info) => {
    if (!released) failure ??= new Error(`WebGPU device lost (${info.reason}): ${info.message}`);
  });
  device.addEventListener('uncapturederror', (event) => {
    const error = (event as GPUUncapturedErrorEvent).error;
    failure ??= new Error(`WebGPU error: ${error.message}`);
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
    release() {
      if (released) return;
      released = true;
      device.destroy();
    },
  };
}
