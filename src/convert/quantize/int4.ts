/**
 * Block-wise 4-bit quantization along each row (K = input features), in the layout of
 * com.microsoft.MatMulNBits (B [N, blocks, blockSize/2], two values per byte, low nibble first) and
 * of GatherBlockQuantized with uint8 data and bits=4 (the same bytes viewed as [N, blocks*blockSize/2]).
 * Asymmetric: w ~= (q - zp) * scale with q, zp in [0, 15]; the range always includes 0 so zeros stay exact.
 */
export interface Int4Rows {
  packed: Uint8Array; // [rows, blocks * blockSize/2]
  scales: Float32Array; // [rows, blocks]
  zeroPoints: Uint8Array; // [rows, ceil(blocks/2)], packed like the data
}

export function int4Blocks(K: number, blockSize: number): number {
  return Math.ceil(K / blockSize);
}

/**
 * symmetric: zero point fixed at 8 (the ops' default when no zero_points input is given) and
 * scale = max|w| / 7, so the zero_points tensor can be left out.
 */
export function quantizeRowsInt4(w: Float32Array, rows: number, K: number, blockSize: number, symmetric = false): Int4Rows {
  if (blockSize < 16 || (blockSize & (blockSize - 1)) !== 0) throw new Error(`int4 block size must be a power of two >= 16, got ${blockSize}`);
  const nb = int4Blocks(K, blockSize);
  const blob = blockSize / 2;
  const zpBytes = Math.ceil(nb / 2);
  const packed = new Uint8Array(rows * nb * blob);
  const scales = new Float32Array(rows * nb);
  const zeroPoints = new Uint8Array(rows * zpBytes);
  const qs = new Uint8Array(blockSize);
  for (let r = 0; r < rows; r++) {
    for (let b = 0; b < nb; b++) {
      const k0 = b * blockSize;
      const k1 = Math.min(K, k0 + blockSize);
      let lo = 0;
      let hi = 0;
      for (let k = k0; k < k1; k++) {
        const v = w[r * K + k];
        if (v < lo) lo = v;
        if (v > hi) hi = v;
      }
      let scale: number;
      let zp: number;
      if (symmetric) {
        scale = Math.max(hi, -lo) / 7;
        zp = 8;
      } else {
        scale = (hi - lo) / 15;
        zp = scale > 0 ? Math.min(15, Math.max(0, Math.round(-lo / scale))) : 0;
      }
      if (!(scale > 0)) scale = 1;
      scales[r * nb + b] = scale;
      const inv = 1 / scale;
      qs.fill(zp); // padding past K quantizes to exactly 0
      for (let k = k0; k < k1; k++) {
        const q = Math.round(w[r * K + k] * inv) + zp;
        qs[k - k0] = q < 0 ? 0 : q > 15 ? 15 : q;
      }
      const out = (r * nb + b) * blob;
      for (let j = 0; j < blob; j++) packed[out + j] = qs[2 * j] | (qs[2 * j + 1] << 4);
      const zi = r * zpBytes + (b >> 1);
      zeroPoints[zi] = b & 1 ? zeroPoints[zi] | (zp << 4) : zp;
    }
  }
  return { packed, scales, zeroPoints };
}

/** Inverse of quantizeRowsInt4 for one row (tests and accuracy reports). */
export function dequantizeRowInt4(q: Int4Rows, row: number, K: number, blockSize: number): Float32Array {
  const nb = int4Blocks(K, blockSize);
  const blob = blockSize / 2;
  const zpBytes = Math.ceil(nb / 2);
  const out = new Float32Array(K);
  for (let k = 0; k < K; k++) {
    const b = Math.floor(k / blockSize);
    const j = k - b * blockSize;
    const byte = q.packed[(row * nb + b) * blob + (j >> 1)];
    const v = j & 1 ? byte >> 4 : byte & 15;
    const zb = q.zeroPoints[row * zpBytes + (b >> 1)];
    const zp = b & 1 ? zb >> 4 : zb & 15;
    out[k] = (v - zp) * q.scales[row * nb + b];
  }
  return out;
}
