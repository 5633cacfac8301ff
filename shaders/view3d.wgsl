// view3d.wgsl: the app's 3-D boundary view (src/web/view3d/gpuRenderer.ts), a render pipeline,
// not a simulation kernel. Binding: group 0, binding 0, a uniform 4×4 model-view-projection
// matrix (column-major, scene coordinates → clip space, depth in [0, 1]; view3d/camera.ts). One
// vertex invocation moves one vertex (scene position, RGBA colour) to clip space and passes its
// colour on; one fragment invocation returns that colour, which the pipeline blends over what is
// there (translucent planes, then opaque lines).

@group(0) @binding(0) var<uniform> mvp: mat4x4f;

struct Vertex {
  @builtin(position) position: vec4f,
  @location(0) colour: vec4f,
}

@vertex
fn vertex_main(@location(0) position: vec3f, @location(1) colour: vec4f) -> Vertex {
  return Vertex(mvp * vec4f(position, 1.0), colour);
}

@fragment
fn fragment_main(in: Vertex) -> @location(0) vec4f {
  return in.colour;
}
