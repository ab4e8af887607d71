/**
 * Symmetric int8 with one scale per row (a row = one output channel of an HF [out, in] weight):
 * w ~= q * scale, q in [-127, 127]. This is the layout com.microsoft.DynamicQuantizeMatMul takes
 * (per-column scales once the matrix is stored [in, out]; GraphVariant.int8 'dynamic') and what an int8
 * embedding table needs.
 */
export interface Int8Rows {
  q: Int8Array; // [rows, K]
  scales: Float32Array; // [rows]
}

export function quantizeRowsInt8(w: Float32Array, rows: number, K: number): Int8Rows {
  const q = new Int8Array(rows * K);
  const scales = new Float32Array(rows);
  for (let r = 0; r < rows; r++) {
    const base = r * K;
    let amax = 0;
    for (let k = 0; k < K; k++) {
      const a = Math.abs(w[base + k]);
      if (a > amax) amax = a;
    }
    const scale = amax > 0 ? amax / 127 : 1;
    scales[r] = scale;
    const inv = 1 / scale;
    for (let k = 0; k < K; k++) {
      const v = Math.round(w[base + k] * inv);
      q[base + k] = v > 127 ? 127 : v < -127 ? -127 : v;
    }
  }
  return { q, scales };
}

/**
 * Block size along K of the 8-bit MatMulNBits projections: the fastest of 32, 128 and 256 on the bundled
 * model's shapes on a 2-core CPU (one pass of 4 to 256 rows; the README of src/convert has the figures).
 */
export const INT8_BLOCK = 256;

export function int8Blocks(K: number): number {
  return Math.ceil(K / INT8_BLOCK);
}

/**
 * Symmetric 8-bit blocks along each row in com.microsoft.MatMulNBits's layout (bits 8, no zero points:
 * the op then takes 128): q [rows, blocks, INT8_BLOCK] as uint8 = round(w / scale) + 128 in [1, 255],
 * scale = max|w| / 127 per block, so a block's largest weight is exact and zeros stay exact. A block of a
 * whole row (K <= INT8_BLOCK) keeps quantizeRowsInt8's values.
 */
export function quantizeBlocksInt8(w: Float32Array, rows: number, K: number): { q: Uint8Array; scales: Float32Array } {
  const nb = int8Blocks(K);
  const q = new Uint8Array(rows * nb * INT8_BLOCK).fill(128); // padding past K is code 128, i.e. 0
  const scales = new Float32Array(rows * nb);
  for (let r = 0; r < rows; r++) {
    for (let b = 0; b < nb; b++) {
      const k0 = b * INT8_BLOCK;
      const k1 = Math.min(K, k0 + INT8_BLOCK);
      let amax = 0;
      for (let k = k0; k < k1; k++) amax = Math.max(amax, Math.abs(w[r * K + k]));
      const scale = amax > 0 ? amax / 127 : 1;
      scales[r * nb + b] = scale;
      const inv = 1 / scale;
      const out = (r * nb + b) * INT8_BLOCK - k0;
      for (let k = k0; k < k1; k++) {
        const v = Math.round(w[r * K + k] * inv);
        q[out + k] = (v > 127 ? 127 : v < -127 ? -127 : v) + 128;
      }
    }
  }
  return { q, scales };
}
