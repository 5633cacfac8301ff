// Whether a network fits the adapter before the WebGPU engine tries, so the page can say what
// the network needs and what the adapter allows instead of surfacing an error from deep inside
// buffer creation. The check is the engine's own (WebGpuEngine.bindingError): the buffers its run
// would allocate against the device's limits, with constants and state split across bindings
// where they exceed maxStorageBufferBindingSize and the device has bindings to spare.

import type { CompiledNetwork } from '../browser.ts';

/** The part of the WebGPU engine this check uses. */
export interface BindingCheck {
  bindingError(net: CompiledNetwork): string | null;
}

/** The message to show when `net` cannot be bound on `engine`'s device, or null when it fits. */
export function tooLargeMessage(net: CompiledNetwork, engine: BindingCheck): string | null {
  const reason = engine.bindingError(net);
  if (reason === null) return null;
  // The engine's reason ends in what to do: fewer neurons (here: a lower redundancy m) or the CPU.
  return (
    `This network is too large for the WebGPU adapter (${net.N.toLocaleString('en')} neurons): ` +
    reason.replace(/^WebGpuEngine: /, '')
  );
}
