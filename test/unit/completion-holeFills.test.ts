// What a hole fill puts into the file (src/completion/holeFills.ts): the worker's fills through the
// completion filters, markers kept where nothing is left, unsure lines carried over to the placed text.
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { placeFills } from '../../src/completion/holeFills';
import { findHoles } from '../../src/completion/holes';

const DOC = 'def clamp(x, lo, hi):\n    # FILL\n\n\ndef square(x):\n    return <FILL>\n';
const fill = (text: string, unsureLines: number[] = [], lineConfidence: number[] = []) => ({ text, unsureLines, lineConfidence });

test('a fill ends with its block and leaves no blank lines of its own; an inline hole gets one line', () => {
  const holes = findHoles(DOC);
  const r = placeFills(DOC, holes, [fill('return max(lo, min(x, hi))\n    \n\ndef other():\n    pass\n'), fill('x * x\n\nprint(square(2))')]);
  assert.equal(r.text, 'def clamp(x, lo, hi):\n    return max(lo, min(x, hi))\n\n\ndef square(x):\n    return x * x\n');
  assert.deepEqual(r.unfilled, []);
});

test('a hole the model had nothing for keeps its marker, and says which filter left nothing', () => {
  const holes = findHoles(DOC);
  const r = placeFills(DOC, holes, [fill('   \n'), fill('x * x')]);
  assert.equal(r.text, DOC.replace('return <FILL>', 'return x * x'), 'the first marker stays');
  assert.deepEqual(r.unfilled, [{ hole: 0, why: 'trimEmpty' }]);
  const repeats = placeFills('a = 1\n# FILL\nb = 2\n', findHoles('a = 1\n# FILL\nb = 2\n'), [fill('b = 2')]);
  assert.equal(repeats.text, 'a = 1\n# FILL\nb = 2\n', 'a fill that only repeats the next line is no fill');
  assert.equal(repeats.unfilled[0].why, 'dropSuffixRepetition');
  assert.equal(placeFills(DOC, holes, []).text, DOC, 'no fills at all: nothing changes');
});

test('a fill may not leave a docstring open: the file after it would become a string', () => {
  const holes = findHoles(DOC);
  const r = placeFills(DOC, holes, [fill('"""\n    Return the number of angle.\n\n    Parameters\n    ----------\n'), fill('x * x')]);
  assert.equal(r.text, DOC.replace('<FILL>', 'x * x'), 'the first marker stays');
  assert.deepEqual(r.unfilled, [{ hole: 0, why: 'dropUnclosed' }]);
});

test('a closer already right of an inline hole is not doubled', () => {
  const doc = 'print(/*FILL*/)\n';
  const r = placeFills(doc, findHoles(doc), [fill('square(3))')]);
  assert.equal(r.text, 'print(square(3))\n');
});

test('fills follow the holes\' order as given, placed by offset', () => {
  const holes = findHoles(DOC).reverse();
  const r = placeFills(DOC, holes, [fill('x * x'), fill('return lo')]);
  assert.equal(r.text, DOC.replace('# FILL', 'return lo').replace('<FILL>', 'x * x'));
});

test('unsure lines are lines of the placed text, with the probability the worker gave them', () => {
  const holes = findHoles(DOC);
  // The second fill line is the unsure one; the fill is re-indented (tab -> four spaces) and its tail cut.
  const r = placeFills(DOC, holes, [
    fill('"""Clamp x."""\n\treturn guess(x)\n\n\ndef other():', [1], [0.9, 0.04, 1, 1, 1]),
    fill('x ** 2', [0], [0.02]),
  ], { indentUnit: '    ', tabSize: 4 });
  const lines = r.text.split('\n');
  assert.deepEqual([...r.unsure.keys()], [2, 6], JSON.stringify(lines));
  assert.equal(lines[2].trim(), 'return guess(x)');
  assert.equal(lines[6], '    return x ** 2');
  assert.deepEqual([...r.unsure.values()], [0.04, 0.02]);
});
