// Which confidence threshold a request decodes with (src/engine/tasks.ts thresholdFor).
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { thresholdFor } from '../../src/engine/tasks';

const base = { mode: 'threshold' as const, threshold: 0.9, stepsPerBlock: 4, temperature: 0 };

test('completions and fills use the package\'s infilling threshold where it has one, edits the default', () => {
  const pkg = { ...base, infillThreshold: 0.7 };
  assert.equal(thresholdFor(pkg, {}, 'infill'), 0.7);
  assert.equal(thresholdFor(pkg, {}, 'edit'), 0.9);
  assert.equal(thresholdFor(base, {}, 'infill'), 0.9, 'no infilling threshold: the default');
});

test('a threshold in the request (the user\'s setting) wins for every task', () => {
  const pkg = { ...base, infillThreshold: 0.7 };
  assert.equal(thresholdFor(pkg, { threshold: 0.5 }, 'infill'), 0.5);
  assert.equal(thresholdFor(pkg, { threshold: 0.5 }, 'edit'), 0.5);
});
