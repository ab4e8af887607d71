import { test } from 'node:test';
import assert from 'node:assert/strict';
import { AdaptiveDebounce } from '../../src/completion/debounce';

function clocked() {
  let now = 0;
  const d = new AdaptiveDebounce(() => ({ minMs: 50, maxMs: 600 }), () => now);
  return { d, at: (t: number) => ((now = t), d.next()) };
}

test('debounce: the first key after a pause waits the minimum', () => {
  const { at } = clocked();
  assert.equal(at(10_000), 50);
});

test('debounce: follows the typing rhythm, a bit longer than the gap between keys', () => {
  const { at } = clocked();
  let t = 10_000;
  at(t);
  let last = 0;
  for (let i = 0; i < 20; i++) last = at((t += 200));
  assert.ok(last >= 240 && last <= 280, `slow typist waits ~1.3 x 200 ms, got ${last}`);
  let fast = 0;
  for (let i = 0; i < 30; i++) fast = at((t += 60));
  assert.ok(fast >= 70 && fast <= 100, `fast typist waits ~1.3 x 60 ms, got ${fast}`);
});

test('debounce: clamped to [min, max]', () => {
  const { at } = clocked();
  let t = 0;
  at(t);
  let v = 0;
  for (let i = 0; i < 10; i++) v = at((t += 1000)); // slow but within 2 x max
  assert.equal(v, 600);
  for (let i = 0; i < 30; i++) v = at((t += 5));
  assert.equal(v, 50);
});

test('debounce: a long pause resets the rhythm', () => {
  const { at } = clocked();
  let t = 0;
  for (let i = 0; i < 10; i++) at((t += 400));
  assert.equal(at((t += 5000)), 50);
});
