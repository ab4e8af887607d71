/**
 * Symmetric int8 with one scale per row (a row = one output channel of an HF [out, in] weight):
 * w ~= q * scale, q in [-127, 127]. This is the layout com.microsoft.DynamicQuantizeMatMul takes
 * (per-column scales once the matrix is stored [in, out]) and what an int8 embedding table needs.
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
