// 8-bit blocks for MatMulNBits (src/convert/quantize/int8.ts quantizeBlocksInt8): symmetric codes around
// 128, a block's largest weight and every zero exact, padding past K a zero, and a block of a whole row
// giving the per-row int8 codes (quantizeRowsInt8) the DynamicQuantizeMatMul path stores.
import { test } from 'node:test';
import * as assert from 'node:assert/strict';
import { INT8_BLOCK, quantizeBlocksInt8, quantizeRowsInt8 } from '../../src/convert/quantize/int8';

const weights = (rows: number, K: number) => Float32Array.from({ length: rows * K }, (_, i) => (i % 7 === 0 ? 0 : Math.sin(i * 1.3) * (1 + (i % 5))));

test('codes are symmetric around 128; the largest weight of a block and every zero are exact', () => {
  const K = 2 * INT8_BLOCK + 40; // two whole blocks and a partial one
  const w = weights(3, K);
  const { q, scales } = quantizeBlocksInt8(w, 3, K);
  const nb = 3;
  assert.equal(scales.length, 3 * nb);
  assert.equal(q.length, 3 * nb * INT8_BLOCK);
  for (let r = 0; r < 3; r++) {
    for (let b = 0; b < nb; b++) {
      const k0 = b * INT8_BLOCK;
      const k1 = Math.min(K, k0 + INT8_BLOCK);
      let amax = 0;
      for (let k = k0; k < k1; k++) amax = Math.max(amax, Math.abs(w[r * K + k]));
      const s = scales[r * nb + b];
      assert.ok(Math.abs(s - amax / 127) < 1e-7, 'scale = max|w| / 127');
      for (let k = k0; k < k1; k++) {
        const code = q[(r * nb + b) * INT8_BLOCK + k - k0];
        assert.ok(code >= 1 && code <= 255);
        const back = (code - 128) * s;
        assert.ok(Math.abs(back - w[r * K + k]) <= s / 2 + 1e-6, 'within half a step');
        if (w[r * K + k] === 0) assert.equal(code, 128, 'zeros stay zero');
        if (Math.abs(w[r * K + k]) === amax) assert.ok(Math.abs(Math.abs(back) - amax) < 1e-6, 'the largest weight is exact');
      }
      for (let k = k1; k < k0 + INT8_BLOCK; k++) assert.equal(q[(r * nb + b) * INT8_BLOCK + k - k0], 128, 'padding is zero');
    }
  }
});

test('a row that fits one block gets the per-row int8 codes, shifted by 128', () => {
  const K = 200;
  const w = weights(4, K);
  const blocks = quantizeBlocksInt8(w, 4, K);
  const rows = quantizeRowsInt8(w, 4, K);
  assert.deepEqual(Array.from(blocks.scales), Array.from(rows.scales));
  for (let r = 0; r < 4; r++) for (let k = 0; k < K; k++) assert.equal(blocks.q[r * INT8_BLOCK + k] - 128, rows.q[r * K + k]);
});

test('an all-zero block gets scale 1 and code 128, not a division by zero', () => {
  const { q, scales } = quantizeBlocksInt8(new Float32Array(INT8_BLOCK), 1, INT8_BLOCK);
  assert.deepEqual(Array.from(scales), [1]);
  assert.ok(q.every((c) => c === 128));
});
