/// <reference types="@webgpu/types" />
// The typed errors of the WebGPU engine's device: a lost device (driver reset, GPU process crash,
// device.destroy()), an out-of-memory error, and validation or internal errors. GpuDevice
// (device.ts) keeps the first one it sees; the engine (webgpuEngine.ts) replaces a lost device it
// owns and restarts the batch in progress, and ends the run with one of these otherwise
// (docs/device-loss.md).

import { DoesNotFitError } from '../../model/errors.ts';

/** The device was lost: every later GPU call is a no-op and every pending map rejects. */
export class DeviceLostError extends Error {
  override name = 'DeviceLostError';

  constructor(
    /** GPUDeviceLostInfo.reason: 'destroyed' (device.destroy()) or 'unknown' (anything else). */
    readonly reason: string,
    message: string,
  ) {
    super(message);
  }
}

/**
 * The device could not allocate (GPUOutOfMemoryError). A DoesNotFitError, so the command line
 * exits 3 ("does not fit"); the engine's message names the run's GPU bytes.
 */
export class GpuOutOfMemoryError extends DoesNotFitError {
  constructor(message: string) {
    super(message);
    this.name = 'GpuOutOfMemoryError';
  }
}

/**
 * A validation error (a call the device refused: a bug in latentspike, never retried) or an
 * internal one (the implementation failed, e.g. a shader too large for it).
 */
export class GpuError extends Error {
  override name = 'GpuError';

  constructor(
    readonly kind: 'validation' | 'internal',
    message: string,
  ) {
    super(message);
  }
}

export type GpuFailure = DeviceLostError | GpuOutOfMemoryError | GpuError;

/**
 * The typed error for a GPUError an error scope or an uncapturederror event reported; `where` says
 * where it happened ("in WebGpuEngine.createRunResources", "on <adapter>").
 */
export function gpuFailureOf(
  error: GPUError,
  where: string,
  kind = errorKind(error),
): GpuOutOfMemoryError | GpuError {
  const text = `${where}: ${error.message.trim()}`;
  if (kind === 'out-of-memory') return new GpuOutOfMemoryError(`WebGPU out of memory ${text}`);
  if (kind === 'internal') return new GpuError('internal', `WebGPU internal error ${text}`);
  return new GpuError('validation', `WebGPU validation error ${text}`);
}

/** Which of the error filters (GPUErrorFilter) `error` belongs to. */
function errorKind(error: GPUError): GPUErrorFilter {
  const is = (name: string) => {
    const type = (globalThis as Record<string, unknown>)[name];
    return typeof type === 'function' && error instanceof type;
  };
  if (is('GPUOutOfMemoryError')) return 'out-of-memory';
  if (is('GPUInternalError')) return 'internal';
  return 'validation';
}
