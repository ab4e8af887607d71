import assert from 'node:assert/strict';
import { test } from 'node:test';
import { Packer, PackedRow } from '../../scripts/data/lib/pack';

const EOS = 1;
const PAD = 2;

function packAll(samples: { prompt: number[]; answer: number[]; eos: number }[], row = 32) {
  const rows: PackedRow[] = [];
  const p = new Packer(row, 4, EOS, PAD, (r) => rows.push(r));
  const accepted = samples.map((s) => p.add(s));
  p.finish();
  return { rows, accepted };
}

test('packed rows have fixed length, block-aligned samples and the loss on answer + eos only', () => {
  const samples = [
    { prompt: [100, 101, 102], answer: [200, 201], eos: 3 },
    { prompt: [110], answer: [210, 211, 212], eos: 1 },
    { prompt: [120, 121, 122, 123, 124], answer: [], eos: 4 }, // an empty middle: eos only
    { prompt: Array(20).fill(130), answer: [230], eos: 2 },
  ];
  const { rows } = packAll(samples);
  let seen = 0;
  for (const r of rows) {
    assert.equal(r.ids.length, 32);
    assert.equal(r.loss.length, 32);
    for (const [start, p, a] of r.samples) {
      seen++;
      assert.equal(start % 4, 0);
      for (let i = 0; i < p; i++) assert.equal(r.loss[start + i], 0);
      for (let i = 0; i < a; i++) assert.equal(r.loss[start + p + i], 1);
      const s = samples.find((x) => x.prompt.length === p && x.answer.length + x.eos === a)!;
      assert.deepEqual(r.ids.slice(start, start + p), s.prompt);
      assert.deepEqual(r.ids.slice(start + p, start + p + s.answer.length), s.answer);
      assert.deepEqual(r.ids.slice(start + p + s.answer.length, start + p + a), Array(s.eos).fill(EOS));
    }
    // everything outside samples is pad with loss 0
    const covered = new Set<number>();
    for (const [start, p, a] of r.samples) for (let i = start; i < start + p + a; i++) covered.add(i);
    r.ids.forEach((id, i) => { if (!covered.has(i)) { assert.equal(id, PAD); assert.equal(r.loss[i], 0); } });
  }
  assert.equal(seen, samples.length);
});

test('a sample longer than a row is refused; samples never straddle rows', () => {
  const { rows, accepted } = packAll([{ prompt: Array(30).fill(5), answer: [6, 7], eos: 1 }, { prompt: [5], answer: [6], eos: 1 }]);
  assert.deepEqual(accepted, [false, true]);
  assert.equal(rows.length, 1);
});

test('first fit fills earlier rows before opening new ones', () => {
  const big = { prompt: Array(20).fill(5), answer: [6], eos: 1 }; // 22 tokens
  const small = { prompt: [5, 5], answer: [6], eos: 1 }; // 4 tokens
  const { rows } = packAll([big, big, small, small]);
  assert.equal(rows.length, 2);
  assert.deepEqual(rows.map((r) => r.samples.length).sort(), [2, 2]);
});
