// guessIndentUnit: one level of indentation from a document's text (the CLI has no editor to ask).
import { test } from 'node:test';
import * as assert from 'node:assert/strict';
import { guessIndentUnit } from '../../src/completion/indentUnit';

test('four-space Python, two-space TypeScript, tabs in Go', () => {
  assert.equal(guessIndentUnit('class A:\n    def f(self):\n        return 1\n\n    def g(self):\n        pass\n').indentUnit, '    ');
  assert.equal(guessIndentUnit('function f() {\n  if (x) {\n    y();\n  }\n}\n').indentUnit, '  ');
  assert.equal(guessIndentUnit('func f() {\n\tif x {\n\t\ty()\n\t}\n}\n').indentUnit, '\t');
});

test('a continuation line aligned far right does not decide; no indentation at all gives the tab size', () => {
  const py = 'def f(a,\n          b):\n    return a\n\ndef g():\n    pass\n\ndef h():\n    pass\n';
  assert.equal(guessIndentUnit(py).indentUnit, '    ');
  assert.equal(guessIndentUnit('x = 1\ny = 2\n', 2).indentUnit, '  ');
});
