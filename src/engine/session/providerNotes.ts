/**
 * What a package's weight formats mean on the provider it loaded on. onnxruntime places a node its
 * provider has no kernel for on the CPU, silently; for the weight ops that is most of the model:
 * - int8 as the converter writes it by default (com.microsoft.DynamicQuantizeMatMul) has CPU and
 *   DirectML kernels only (DirectML's added in 2024), so under CUDA or WebGPU every int8
 *   projection runs on the CPU, with activations copied across for each one;
 * - int4 and 'nbits' int8 (MatMulNBits) run on CPU, CUDA and WebGPU; fp16/fp32 (MatMul/Gemm) everywhere.
 * int4 packages keep the output layer int8 by default (src/convert tableFormats): on a GPU that one
 * large matrix runs on the CPU unless the package was converted with `--head int4` (or fp16).
 */
import type { Manifest } from '../package/manifest';

type Format = 'fp32' | 'fp16' | 'int8' | 'int4';

/**
 * The formats of the projections and of the output layer, from the converter's record or the dtype, and
 * the op int8 weights run as (src/convert GraphVariant.int8).
 */
export function weightFormats(m: Manifest): { projections: Format; head: Format; int8: 'dynamic' | 'nbits' } {
  const conv = (m.provenance?.conversion ?? {}) as { weights?: Format; head?: Format; graph?: { int8?: 'dynamic' | 'nbits' } };
  const projections = conv.weights ?? m.weights.dtype;
  // Without a record (a package from elsewhere), assume the converter's default for the dtype.
  const head = conv.head ?? (projections === 'int4' ? 'int8' : projections);
  return { projections, head, int8: conv.graph?.int8 ?? 'dynamic' };
}

/**
 * Whether a row's K/V and logits depend on the other rows of its pass (BlockModel.passScaledRows): int8
 * projections through DynamicQuantizeMatMul quantize a pass's activations with one scale.
 */
export function passScaledRows(m: Manifest): boolean {
  const f = weightFormats(m);
  return f.projections === 'int8' && f.int8 === 'dynamic';
}

/** Providers with a DynamicQuantizeMatMul kernel. */
const DYNAMIC_INT8_KERNELS = ['cpu', 'dml'];

/**
 * Providers `auto` should not pick for this package, with why: under CUDA or WebGPU every projection of a
 * DynamicQuantizeMatMul int8 package would run on the CPU anyway, its activations copied across and back
 * for each one, so the CPU alone runs it. A provider named in the setting is still tried.
 */
export function autoSkips(m: Manifest): Record<string, string> {
  const f = weightFormats(m);
  if (f.projections !== 'int8' || f.int8 === 'nbits') return {};
  const why = (p: string) => `left out by auto: ${m.name}'s int8 weights (DynamicQuantizeMatMul) have no ${p} kernel (name ${p} in diffcoder.engine.providers to use it anyway)`;
  return Object.fromEntries(['cuda', 'webgpu', 'coreml'].map((p) => [p, why(p)]));
}

/** Log lines for a session on `device` (empty on the CPU, or when every weight op has a kernel there). */
export function providerNotes(device: string, m: Manifest): string[] {
  const f = weightFormats(m);
  if (f.int8 === 'nbits' || DYNAMIC_INT8_KERNELS.includes(device)) return [];
  const onCpu = [f.projections === 'int8' ? 'every projection' : '', f.head === 'int8' ? 'the output layer' : ''].filter(Boolean);
  if (!onCpu.length) return [];
  const advice =
    f.projections === 'int8'
      ? 'for the GPU, use an int4 package converted with `--weights int4 --head int4` (MatMulNBits runs on CUDA and WebGPU) or an fp16 one'
      : 'for the GPU, convert with `--head int4` (or fp16) so the output layer runs there too';
  return [
    `int8 weights (DynamicQuantizeMatMul) have no ${device} kernel: ${onCpu.join(' and ')} of ${m.name} run${onCpu.length > 1 ? '' : 's'} on the CPU ` +
      `under ${device}, with activations copied across; ${advice}`,
  ];
}
