// Run as a child process by device.test.ts: acquire, do GPU work, release, and then simply end;
// the test fails if Node is kept alive (it kills the child after a timeout).

import '../../src/engine/nodeRuntime.ts';
import { acquireDevice } from '../../src/engine/webgpu/device.ts';
import { readBuffer } from '../../src/engine/webgpu/readback.ts';

const gpu = await acquireDevice();
const buffer = gpu.device.createBuffer({ size: 16, usage: GPUBufferUsage.STORAGE | GPUBufferUsage.COPY_SRC });
await readBuffer(gpu.device, buffer);
gpu.release();
console.log('released');
