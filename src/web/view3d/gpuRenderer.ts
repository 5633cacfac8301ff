/// <reference types="@webgpu/types" />
// Draws the 3-D view's mesh with WebGPU (shaders/view3d.wgsl): the translucent planes as one
// triangle list blended over a white background in their order (no depth buffer: every plane shows
// through the ones in front), then the box and the trajectory as one line list. The frame is drawn
// into an offscreen texture and read back onto the page's 2-D canvas, not presented through a
// WebGPU canvas context: headless Chromium on SwiftShader destroys the device when a WebGPU canvas
// is presented, and one presentation path keeps page screenshots (and the page's tests) the same
// for both renderers (docs/decisions.md).

import { viteShaderLoader } from '../viteShaderLoader.ts';
import { BACKGROUND, vertexArrays, type Mesh } from './mesh.ts';

export interface SceneRenderer {
  /** 'webgpu' or 'canvas2d': said on the page and read by the tests. */
  kind: string;
  /** Replaces what is drawn. */
  setMesh(mesh: Mesh): void;
  /** Draws the mesh through this matrix (column-major, scene → clip) at the canvas's size. */
  draw(mvp: Float32Array<ArrayBuffer>): Promise<void>;
}

const FLOATS_PER_VERTEX = 7;

/** A WebGPU renderer onto `canvas`, or null when the page has no adapter (nothing is touched then). */
export async function webGpuRenderer(canvas: HTMLCanvasElement): Promise<SceneRenderer | null> {
  const adapter = await navigator.gpu?.requestAdapter();
  if (!adapter) return null;
  const context = canvas.getContext('2d');
  if (!context) return null;
  const device = await adapter.requestDevice();
  // A WebGPU error in the view is a bug: say it on the console (the page's tests fail on one).
  device.addEventListener('uncapturederror', (e) => console.error('3-D view:', e.error.message));
  const format: GPUTextureFormat = 'rgba8unorm';
  let target: GPUTexture | null = null;
  const module = device.createShaderModule({
    label: 'shaders/view3d.wgsl',
    code: await viteShaderLoader('view3d'),
  });
  const blend: GPUBlendState = {
    color: { srcFactor: 'src-alpha', dstFactor: 'one-minus-src-alpha', operation: 'add' },
    alpha: { srcFactor: 'one', dstFactor: 'one-minus-src-alpha', operation: 'add' },
  };
  const pipeline = (topology: GPUPrimitiveTopology) =>
    device.createRenderPipeline({
      label: `view3d ${topology}`,
      layout: 'auto',
      vertex: {
        module,
        entryPoint: 'vertex_main',
        buffers: [
          {
            arrayStride: FLOATS_PER_VERTEX * 4,
            attributes: [
              { shaderLocation: 0, offset: 0, format: 'float32x3' },
              { shaderLocation: 1, offset: 12, format: 'float32x4' },
            ],
          },
        ],
      },
      fragment: { module, entryPoint: 'fragment_main', targets: [{ format, blend }] },
      primitive: { topology },
    });
  const pipelines = { triangles: pipeline('triangle-list'), lines: pipeline('line-list') };
  const uniform = device.createBuffer({ size: 64, usage: GPUBufferUsage.UNIFORM | GPUBufferUsage.COPY_DST });
  const bindGroups = {
    triangles: device.createBindGroup({
      layout: pipelines.triangles.getBindGroupLayout(0),
      entries: [{ binding: 0, resource: { buffer: uniform } }],
    }),
    lines: device.createBindGroup({
      layout: pipelines.lines.getBindGroupLayout(0),
      entries: [{ binding: 0, resource: { buffer: uniform } }],
    }),
  };
  let buffers: {
    triangles: GPUBuffer | null;
    lines: GPUBuffer | null;
    counts: { triangles: number; lines: number };
  } = {
    triangles: null,
    lines: null,
    counts: { triangles: 0, lines: 0 },
  };
  const upload = (data: Float32Array<ArrayBuffer>) => {
    if (data.length === 0) return null;
    const buffer = device.createBuffer({
      size: data.byteLength,
      usage: GPUBufferUsage.VERTEX | GPUBufferUsage.COPY_DST,
    });
    device.queue.writeBuffer(buffer, 0, data);
    return buffer;
  };
  /** A command encoder with the frame's render pass recorded into `texture`. */
  const frame = (mvp: Float32Array<ArrayBuffer>, texture: GPUTexture) => {
    device.queue.writeBuffer(uniform, 0, mvp);
    const encoder = device.createCommandEncoder();
    const [r, g, b, a] = BACKGROUND;
    const pass = encoder.beginRenderPass({
      colorAttachments: [
        {
          view: texture.createView(),
          clearValue: { r, g, b, a },
          loadOp: 'clear',
          storeOp: 'store',
        },
      ],
    });
    for (const part of ['triangles', 'lines'] as const) {
      const buffer = buffers[part];
      if (!buffer) continue;
      pass.setPipeline(pipelines[part]);
      pass.setBindGroup(0, bindGroups[part]);
      pass.setVertexBuffer(0, buffer);
      pass.draw(buffers.counts[part]);
    }
    pass.end();
    return encoder;
  };
  return {
    kind: 'webgpu',
    setMesh(mesh) {
      buffers.triangles?.destroy();
      buffers.lines?.destroy();
      const { triangles, lines } = vertexArrays(mesh);
      buffers = {
        triangles: upload(triangles),
        lines: upload(lines),
        counts: { triangles: triangles.length / FLOATS_PER_VERTEX, lines: lines.length / FLOATS_PER_VERTEX },
      };
    },
    async draw(mvp) {
      const { width, height } = canvas;
      if (!target || target.width !== width || target.height !== height) {
        target?.destroy();
        target = device.createTexture({
          size: { width, height },
          format,
          usage: GPUTextureUsage.RENDER_ATTACHMENT | GPUTextureUsage.COPY_SRC,
        });
      }
      const encoder = frame(mvp, target);
      // Rows of a texture copy start at multiples of 256 bytes.
      const bytesPerRow = Math.ceil((width * 4) / 256) * 256;
      const buffer = device.createBuffer({
        size: bytesPerRow * height,
        usage: GPUBufferUsage.COPY_DST | GPUBufferUsage.MAP_READ,
      });
      encoder.copyTextureToBuffer({ texture: target }, { buffer, bytesPerRow }, { width, height });
      device.queue.submit([encoder.finish()]);
      await buffer.mapAsync(GPUMapMode.READ);
      const rows = new Uint8Array(buffer.getMappedRange());
      const image = new ImageData(width, height);
      for (let y = 0; y < height; y++)
        image.data.set(rows.subarray(y * bytesPerRow, y * bytesPerRow + 4 * width), 4 * y * width);
      buffer.destroy();
      // The canvas may have been resized while the frame was read back: it is drawn again then.
      if (canvas.width === width && canvas.height === height) context.putImageData(image, 0, 0);
    },
  };
}
