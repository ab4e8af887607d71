import { test } from 'node:test';
import assert from 'node:assert/strict';
import { findHoles } from '../../src/completion/holes';

test('holes: whole-line and inline markers', () => {
  const text = 'def f(x):\n    # FILL\n\nconst a = /*FILL*/;\n  // FILL\n<FILL>\nx = <FILL> + 1\n# FILL me later\n';
  const holes = findHoles(text);
  assert.deepEqual(
    holes.map((h) => [h.line, text.slice(h.offset, h.offset + h.length), h.wholeLine]),
    [
      [1, '# FILL', true],
      [3, '/*FILL*/', false],
      [4, '// FILL', true],
      [5, '<FILL>', true],
      [6, '<FILL>', false],
    ],
  );
});

test('holes: CRLF documents keep offsets right', () => {
  const text = 'a\r\n  # FILL\r\nb = /*FILL*/\r\n';
  const holes = findHoles(text);
  assert.equal(text.slice(holes[0].offset, holes[0].offset + holes[0].length), '# FILL');
  assert.equal(text.slice(holes[1].offset, holes[1].offset + holes[1].length), '/*FILL*/');
});
