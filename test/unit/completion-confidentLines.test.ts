// Automatic suggestions show only the lines the model is sure of (src/completion/confidentLines.ts and the
// Completer's use of GenerateResult.confidentLines); the worker side is test/unit/tasks-lineConfidence.test.ts.
import { test } from 'node:test';
import * as assert from 'node:assert/strict';
import { Completer } from '../../src/completion/completer';
import { confidentText } from '../../src/completion/confidentLines';
import { FakeEngine } from './completion-fakeEngine';

test('confidentText keeps the leading confident lines', () => {
  const text = 'if x:\n    y = 1\n    z = 2';
  assert.equal(confidentText({ text, confidentLines: 3 }), text);
  assert.equal(confidentText({ text, confidentLines: 2 }), 'if x:\n    y = 1');
  assert.equal(confidentText({ text, confidentLines: 0 }), '');
  assert.equal(confidentText({ text }), text, 'no confidence reported (an older worker): all of it');
  assert.equal(confidentText({ text: 'a\n', confidentLines: 1 }), 'a', 'an unsure empty last line goes with its line break');
});

test('confidentText leaves out the lines at the cut that only open what the unsure lines were to fill', () => {
  const doc = { text: '"""\n    Return the circumference.\n    """\n    return 2 * math.pi * radius', confidentLines: 1 };
  assert.equal(confidentText(doc, 'def circumference(radius):\n    '), '', 'a docstring\'s opening quotes alone');
  assert.equal(confidentText({ ...doc, confidentLines: 3 }, 'def circumference(radius):\n    '), '"""\n    Return the circumference.\n    """', 'its closing quotes stay');
  assert.equal(confidentText({ text: 'Return it.\n    """\n    return 1', confidentLines: 2 }, 'def f():\n    """'), 'Return it.\n    """', 'inside a docstring, the quotes close it');
  assert.equal(confidentText({ text: 'if (x)\n{\n\n  y();', confidentLines: 3 }), 'if (x)', 'a lone brace and a blank line');
  assert.equal(confidentText({ text: 'total(\n  /**\n   * x', confidentLines: 2 }), 'total(', 'a comment opener');
  assert.equal(confidentText({ text: 'y = f(x)\n}\nz', confidentLines: 2 }), 'y = f(x)\n}', 'a closing brace stays');
  assert.equal(confidentText({ text: '"""', confidentLines: 1 }, 'def f():\n    '), '"""', 'nothing cut: the answer as it is');
});

const settings = (extra = {}) => () => ({ multiline: 'always' as const, prefixTokens: 200, suffixTokens: 50, maxNewTokens: 32, otherFilesTokens: 0, debounceMinMs: 0, debounceMaxMs: 0, prefillOnCursorRest: false, ...extra });
const counter = () => ({ count: (t: string) => t.length });
const input = (text: string) => ({ text, offset: text.length, indentUnit: '    ', tabSize: 4 });
const SURE_THEN_GUESS = { text: 'total = 0\n    for x in xs:\n        total += x', lineConfidence: [0.9, 0.6, 0.05], confidentLines: 2 };

test('the completer shows the confident lines and caches what it shows', async () => {
  const engine = new FakeEngine(() => SURE_THEN_GUESS, 1, 1);
  const c = new Completer(engine, counter, settings());
  const out = await c.provide(input('def f(xs):\n    '));
  assert.equal(out?.text, 'total = 0\n    for x in xs:');
  const again = await c.provide(input('def f(xs):\n    '));
  assert.equal(again?.source, 'cache');
  assert.equal(again?.text, out?.text);
  assert.equal(engine.calls.length, 1);
});

test('an answer whose first line is unsure is not shown, and says why', async () => {
  const engine = new FakeEngine(() => ({ text: 'foo(bar)', lineConfidence: [0.04], confidentLines: 0 }), 1, 1);
  const dropped: string[] = [];
  const c = new Completer(engine, counter, settings(), { dropped: (f) => dropped.push(f) });
  assert.equal(await c.provide(input('x = ')), undefined);
  assert.deepEqual(dropped, ['unsure']);
});

test('the user\'s floor goes to the worker; sampled alternatives are shown whole', async () => {
  const engine = new FakeEngine((p) => (p.decoding?.seed ? { text: 'a\nb', lineConfidence: [0.3, 0.01], confidentLines: 1 } : { text: 'c\nd', confidentLines: 1 }), 1, 1);
  const c = new Completer(engine, counter, settings({ minLineConfidence: 0.25 }));
  const out = await c.alternatives(input('x = 1\n'), 2);
  assert.deepEqual(out.map((o) => o.text), ['c', 'a\nb']);
  assert.deepEqual(engine.calls.map((p) => p.minLineConfidence), [0.25, 0], 'samples are asked whole');
});

test('without a setting the worker applies the model package\'s floor', async () => {
  const engine = new FakeEngine(() => 'x', 1, 1);
  await new Completer(engine, counter, settings()).provide(input('y = '));
  assert.equal(engine.calls[0].minLineConfidence, 'package');
});
