// Edits longer than the model's trained window, in runs (src/completion/editRuns.ts).
import { test } from 'node:test';
import * as assert from 'node:assert/strict';
import { editByRuns, editRuns, editWindow, namedIn, runsNamed } from '../../src/completion/editRuns';
import type { BlockNotificationParams, EditParams, GenerateResult } from '../../src/engine/protocol';

const py = [
  'import math', '', '',
  'def area(r):', '    x = r * r', '', '    return math.pi * x', '', '',
  'def perimeter(r):', '    return 2 * math.pi * r', '', '',
  'class Circle:', '    def __init__(self, r):', '        self.r = r', '',
];
const byLines = (most: number) => (code: string) => code.split('\n').length <= most;

test('editRuns: one run when it all fits; else cut before top-level blocks only, packed greedily', () => {
  assert.deepEqual(editRuns(py, byLines(100)), [{ from: 0, to: py.length }]);
  // 'return' after the blank line inside area() is indented: no cut there.
  assert.deepEqual(editRuns(py, byLines(7)), [{ from: 0, to: 3 }, { from: 3, to: 9 }, { from: 9, to: 13 }, { from: 13, to: py.length }]);
  assert.deepEqual(editRuns(py, byLines(10)), [{ from: 0, to: 9 }, { from: 9, to: py.length }]);
  assert.deepEqual(editRuns(py, byLines(2)), [{ from: 0, to: 3 }, { from: 3, to: 9 }, { from: 9, to: 13 }, { from: 13, to: py.length }], 'a block too long alone is sent whole');
  assert.deepEqual(editRuns(['    a = 1', '', '    b = 2'], byLines(1)), [{ from: 0, to: 2 }, { from: 2, to: 3 }], 'the least indentation of the selection, not column 0');
});

test('editWindow: the code and its answer within the window; the answer gets what the prompt leaves', () => {
  const w = editWindow(1024, 'add types', { count: (t) => t.length });
  assert.equal(w.fits('x'.repeat(440)), true);
  assert.equal(w.fits('x'.repeat(450)), false);
  assert.equal(w.answerTokens('x'.repeat(400)), 1024 - 9 - 32 - 400);
  assert.equal(w.answerTokens('x'.repeat(2000)), 16, 'never less than a few blocks');
});

/** An edit engine that marks each line of a run's code (`  # ok`); `cut` / `cancel` make the run with that code end early. */
function engine(opts: { cut?: string; cancel?: string; unsure?: number[] } = {}) {
  const calls: EditParams[] = [];
  return {
    calls,
    async edit(p: EditParams, _t?: unknown, onBlock?: (b: BlockNotificationParams) => void): Promise<GenerateResult> {
      calls.push(p);
      let text = mark(p.code);
      let stoppedBy: GenerateResult['stoppedBy'] = 'eos';
      if (p.code === opts.cut) [text, stoppedBy] = [text.split('\n').slice(0, 2).join('\n') + '\n    partial li', 'budget'];
      if (p.code === opts.cancel) [text, stoppedBy] = ['', 'cancelled'];
      onBlock?.({ requestId: 'r', text: text.slice(0, 5), tokens: 2 });
      const lines = text.split('\n').length;
      return { text, tokens: 1, forwardPasses: 1, decodingPasses: 1, ms: 1, device: 'cpu', stoppedBy, promptTokens: 1, reusedTokens: 0, unsureLines: opts.unsure ?? [], lineConfidence: new Array(lines).fill(0.05) };
    },
  };
}
const mark = (code: string) => code.split('\n').map((l) => (l.trim() ? l + '  # ok' : l)).join('\n');
const params = { instruction: 'mark', maxTokens: 64 };
const room = { answerTokens: () => 50 };

test('editByRuns: each run edited in turn, without its trailing blank lines, which stay as they were', async () => {
  const e = engine({ unsure: [1] });
  const runs = editRuns(py, byLines(7));
  const streamed: string[] = [];
  const r = await editByRuns(e, params, py, runs, room, undefined, (t) => streamed.push(t));
  assert.deepEqual(e.calls.map((c) => c.code), ['import math\n', 'def area(r):\n    x = r * r\n\n    return math.pi * x\n', 'def perimeter(r):\n    return 2 * math.pi * r\n', 'class Circle:\n    def __init__(self, r):\n        self.r = r\n'], 'each ending with a line break, as in training');
  assert.equal(r.text, mark(py.join('\n')));
  assert.deepEqual(e.calls.map((c) => c.maxTokens), [50, 50, 50, 50], 'what the window leaves, at most the asked budget');
  assert.deepEqual([...r.unsure.keys()], [4, 10, 14], 'each run\'s unsure line, where it is in the whole');
  assert.equal(streamed[1], 'import math  # ok\n\n\ndef a', 'the runs done, then the answer so far');
  assert.equal(r.cancelled, false);
});

test('editByRuns: a run cut short keeps the lines it never reached; a cancelled one leaves the rest as it was', async () => {
  const area = 'def area(r):\n    x = r * r\n\n    return math.pi * x\n';
  const cut = await editByRuns(engine({ cut: area }), params, py, editRuns(py, byLines(7)), room);
  assert.deepEqual(cut.text.split('\n').slice(3, 9), ['def area(r):  # ok', '    x = r * r  # ok', '', '    return math.pi * x', '', '']);
  assert.equal(cut.text.split('\n')[9], 'def perimeter(r):  # ok', 'the runs after it are edited');
  const cancelled = await editByRuns(engine({ cancel: area }), params, py, editRuns(py, byLines(7)), room);
  assert.equal(cancelled.cancelled, true);
  assert.deepEqual(cancelled.text.split('\n'), ['import math  # ok', '', '', ...py.slice(3)]);
  assert.equal(cancelled.results.length, 2);
});

test('runsNamed: the runs holding the code an instruction names in backquotes; all when it names none or none holds it', () => {
  const runs = editRuns(py, byLines(7));
  assert.deepEqual(runsNamed('Add a docstring to `perimeter`', py, runs), [false, false, true, false]);
  assert.deepEqual(runsNamed('Use `math.tau` instead of `2 * math.pi`', py, runs), [false, false, true, false], 'a code fragment, as a substring');
  assert.deepEqual(runsNamed('Rename `r` to `radius`', py, runs), [false, true, true, true], 'a name matches whole words only');
  assert.deepEqual(runsNamed('Add type hints', py, runs), [true, true, true, true]);
  assert.deepEqual(runsNamed('Document `nowhere`', py, runs), [true, true, true, true]);
});

test('editByRuns: runs the instruction is not about are not sent, and stay as they were', async () => {
  const e = engine();
  const r = await editByRuns(e, { ...params, instruction: 'Add a docstring to `perimeter`' }, py, editRuns(py, byLines(7)), room);
  assert.deepEqual(e.calls.map((c) => c.code), ['def perimeter(r):\n    return 2 * math.pi * r\n']);
  assert.deepEqual(r.sent, [2]);
  assert.deepEqual(r.text.split('\n'), [...py.slice(0, 9), 'def perimeter(r):  # ok', '    return 2 * math.pi * r  # ok', ...py.slice(11)]);
});

test('editByRuns: a selection that fits goes whole, its trailing blank lines included, as the edit command always sent it', async () => {
  const e = engine();
  const lines = ['def f(x):', '    return x', ''];
  const r = await editByRuns(e, params, lines, editRuns(lines, byLines(10)), room);
  assert.deepEqual(e.calls.map((c) => [c.code, c.maxTokens]), [['def f(x):\n    return x\n', 64]], 'the request\'s own budget, not the window\'s');
  assert.equal(r.text, 'def f(x):  # ok\n    return x  # ok\n');
});

test('editRuns with the named code: blocks holding it and blocks without it never share a run', () => {
  const named = namedIn('Add a docstring to `area`');
  assert.deepEqual(editRuns(py, byLines(10)), [{ from: 0, to: 9 }, { from: 9, to: py.length }], 'packed as they come');
  assert.deepEqual(editRuns(py, byLines(10), named), [{ from: 0, to: 3 }, { from: 3, to: 9 }, { from: 9, to: py.length }], 'area alone in its run');
  assert.deepEqual(runsNamed('Add a docstring to `area`', py, editRuns(py, byLines(10), named)), [false, true, false]);
  assert.deepEqual(editRuns(py, byLines(100), named), [{ from: 0, to: py.length }], 'a selection that fits stays whole');
});
