/// <reference types="@webgpu/types" />
// A kernel is its own shaders/<name>.wgsl followed by the shared files it uses (the webgpu-samples
// way: `kernel + common`), so the kernel's line numbers are its file's. Compile messages are mapped
// back to (file, line) and prefixed with the file name.

import type { ShaderLoader } from './shaderLoader.ts';

export interface ShaderPart {
  file: string;
  code: string;
  /** First line of this part in the concatenated source (1-based). */
  firstLine: number;
}

export interface ComposedShader {
  code: string;
  parts: ShaderPart[];
}

export async function composeShader(
  kernel: string,
  includes: readonly string[],
  load: ShaderLoader,
): Promise<ComposedShader> {
  const names = [kernel, ...includes];
  const texts = await Promise.all(names.map((n) => load(n)));
  const parts: ShaderPart[] = [];
  let line = 1;
  texts.forEach((text, i) => {
    const code = text.endsWith('\n') ? text : `${text}\n`;
    parts.push({ file: `shaders/${names[i]}.wgsl`, code, firstLine: line });
    line += code.split('\n').length - 1;
  });
  return { code: parts.map((p) => p.code).join(''), parts };
}

/** "shaders/x.wgsl:12:5" for a line of the concatenated source. */
export function locate(shader: ComposedShader, lineNum: number, linePos: number): string {
  let part = shader.parts[0];
  for (const p of shader.parts) if (p.firstLine <= lineNum) part = p;
  return `${part.file}:${lineNum - part.firstLine + 1}:${linePos}`;
}

/** Compiles and throws every error message, each located in its own file. */
export async function compileShader(
  device: GPUDevice,
  label: string,
  shader: ComposedShader,
): Promise<GPUShaderModule> {
  device.pushErrorScope('validation');
  const module = device.createShaderModule({ label, code: shader.code });
  const info = await module.getCompilationInfo();
  const scopeError = await device.popErrorScope();
  const errors = info.messages
    .filter((m) => m.type === 'error')
    .map((m) => `${locate(shader, m.lineNum, m.linePos)}: ${m.message}`);
  if (errors.length > 0) throw new Error(`WGSL compile error in ${label}:\n${errors.join('\n')}`);
  if (scopeError) throw new Error(`${shader.parts[0].file}: ${scopeError.message}`);
  return module;
}
