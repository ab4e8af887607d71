// The attention mask and position ids of one onnxruntime pass (src/engine/session/onnxBlockModel.ts):
// block-causal over absolute positions, and with runs (drafts side by side) each run alone after the past.
import { test } from 'node:test';
import * as assert from 'node:assert/strict';
import { blockCausalMask, MASK_NEG, rowPositions } from '../../src/engine/session/onnxBlockModel';

/** The mask as rows of '1' (visible) and '.' (hidden). */
function pattern(start: number, T: number, B: number, runs?: number[]): string[] {
  const t = blockCausalMask(start, T, B, runs);
  const K = start + T;
  const data = t.data as Float32Array;
  assert.deepEqual(t.dims, [1, 1, T, K]);
  return Array.from({ length: T }, (_, q) => Array.from(data.subarray(q * K, (q + 1) * K), (v) => (v === 0 ? '1' : v === MASK_NEG ? '.' : '?')).join(''));
}

test('one run: a row sees its own block and every earlier position', () => {
  assert.deepEqual(pattern(4, 8, 4), [
    '11111111....', '11111111....', '11111111....', '11111111....',
    '111111111111', '111111111111', '111111111111', '111111111111',
  ]);
  assert.deepEqual(rowPositions(4, 8), [4, 5, 6, 7, 8, 9, 10, 11]);
});

test('runs: each sees the past and itself only, block-causally, at positions from start again', () => {
  // a finished block with the next block's masks (8 rows), then two drafted states of the block (4 rows each)
  assert.deepEqual(pattern(4, 16, 4, [8, 4, 4]), [
    ...Array(4).fill('11111111............'),
    ...Array(4).fill('111111111111........'),
    ...Array(4).fill('1111........1111....'),
    ...Array(4).fill('1111............1111'),
  ]);
  assert.deepEqual(rowPositions(4, 16, [8, 4, 4]), [4, 5, 6, 7, 8, 9, 10, 11, 4, 5, 6, 7, 4, 5, 6, 7]);
});
