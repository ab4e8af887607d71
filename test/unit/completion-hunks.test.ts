import { test } from 'node:test';
import assert from 'node:assert/strict';
import { applyHunks, applyLineOps, computeHunks, lineOps, mergedView } from '../../src/completion/hunks';

const orig = ['def f(a, b):', '    x = a', '    y = b', '    return x + y'];

test('hunks: one changed line', () => {
  const h = computeHunks(orig, ['def f(a, b):', '    x = a', '    y = b * 2', '    return x + y']);
  assert.deepEqual(h, [{ origStart: 2, newStart: 2, removed: ['    y = b'], added: ['    y = b * 2'] }]);
});

test('hunks: insertions, deletions and two separate hunks', () => {
  const h = computeHunks(orig, ['"""doc"""', 'def f(a, b):', '    x = a', '    return x + y']);
  assert.deepEqual(h, [
    { origStart: 0, newStart: 0, removed: [], added: ['"""doc"""'] },
    { origStart: 2, newStart: 3, removed: ['    y = b'], added: [] },
  ]);
});

test('hunks: identical text has none', () => {
  assert.deepEqual(computeHunks(orig, orig), []);
});

test('hunks: partial answers do not mark the unreached tail as removed', () => {
  const h = computeHunks(orig, ['def f(a: int, b: int):', '    x = a'], { partial: true });
  assert.deepEqual(h, [{ origStart: 0, newStart: 0, removed: ['def f(a, b):'], added: ['def f(a: int, b: int):'] }]);
  assert.deepEqual(computeHunks(orig, ['def f(a, b):'], { partial: true }), []);
});

test('hunks: merged view shows removed then added lines of pending hunks', () => {
  const h = computeHunks(orig, ['def f(a, b):', '    x = a', '    y = b * 2', '    return x + y']);
  const m = mergedView(orig, h, ['pending']);
  assert.deepEqual(m.map((l) => l.kind), ['same', 'same', 'removed', 'added', 'same']);
  assert.deepEqual(mergedView(orig, h, ['rejected']).map((l) => l.text), orig);
  assert.equal(m[3].proposed, 2, 'an added line knows its place in the proposal');
  assert.deepEqual(mergedView(orig, h, ['accepted']).map((l) => l.text), applyHunks(orig, h, () => true));
});

test('hunks: each added line maps back to its proposed line, across hunks', () => {
  const proposed = ['# a', 'def f(a, b):', '    x = a', '    y = b', '    z = 0', '    return x + y'];
  const m = mergedView(orig, computeHunks(orig, proposed), ['pending', 'pending']);
  const added = m.filter((l) => l.kind === 'added');
  assert.deepEqual(added.map((l) => [l.text, proposed[l.proposed!]]), [['# a', '# a'], ['    z = 0', '    z = 0']]);
});

test('hunks: apply takes or leaves each hunk', () => {
  const proposed = ['# header', 'def f(a, b):', '    x = a', '    return x + y'];
  const h = computeHunks(orig, proposed);
  assert.deepEqual(applyHunks(orig, h, () => true), proposed);
  assert.deepEqual(applyHunks(orig, h, () => false), orig);
  assert.deepEqual(applyHunks(orig, h, (i) => i === 0), ['# header', ...orig]);
});

test('line ops: turn what is shown into what should be, never touching common lines', () => {
  const proposed = ['def f(a: int, b: int) -> int:', '    x = a', '    y = b', '    return x + y', '# end'];
  const h = computeHunks(orig, proposed);
  const pending = mergedView(orig, h, h.map(() => 'pending')).map((l) => l.text);
  // From the original to the pending view: only insertions (the green lines).
  const show = lineOps(orig, pending);
  assert.ok(show.every((op) => op.deleteCount === 0));
  assert.deepEqual(applyLineOps(orig, show), pending);
  // Accept all: only deletions (the red lines).
  const accept = lineOps(pending, mergedView(orig, h, h.map(() => 'accepted')).map((l) => l.text));
  assert.ok(accept.every((op) => op.insert.length === 0));
  assert.deepEqual(applyLineOps(pending, accept), proposed);
  // Reject all: only deletions, back to the original exactly.
  const reject = lineOps(pending, mergedView(orig, h, h.map(() => 'rejected')).map((l) => l.text));
  assert.ok(reject.every((op) => op.insert.length === 0));
  assert.deepEqual(applyLineOps(pending, reject), orig);
});

test('line ops: a streamed answer growing block by block', () => {
  const final = ['def f(a, b):', '    """Add two numbers."""', '    x = a', '    y = b', '    return x + y'];
  let shown = orig;
  for (let n = 1; n <= final.length; n++) {
    const h = computeHunks(orig, final.slice(0, n), { partial: true });
    const next = mergedView(orig, h, h.map(() => 'pending')).map((l) => l.text);
    assert.deepEqual(applyLineOps(shown, lineOps(shown, next)), next);
    shown = next;
  }
  assert.deepEqual(shown, ['def f(a, b):', '    """Add two numbers."""', '    x = a', '    y = b', '    return x + y']);
});
