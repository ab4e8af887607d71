import { test } from 'node:test';
import assert from 'node:assert/strict';
import { applyHunks, applyLineOps, computeHunks, lineOps, mergedView, proposalOf, finishedState } from '../../src/completion/hunks';

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

test('proposal: an answer cut short (budget, loop) keeps the selection it never reached; a complete one proposes deleting it', () => {
  // The model annotated the first line and had begun the second when its token budget ran out.
  const answer = 'def f(a: int, b: int):\n    x = a\n    y =';
  const cut = proposalOf(answer, orig, 'cut');
  assert.deepEqual(cut.lines, ['def f(a: int, b: int):', '    x = a'], 'the unfinished last line is left out');
  const taken = applyHunks(orig, computeHunks(orig, cut.lines, { partial: cut.partial }), () => true);
  assert.deepEqual(taken, ['def f(a: int, b: int):', '    x = a', '    y = b', '    return x + y']);
  // The same text as the model's complete answer really does end the function there.
  const whole = proposalOf(answer, orig, 'complete');
  assert.deepEqual(applyHunks(orig, computeHunks(orig, whole.lines, { partial: whole.partial }), () => true), ['def f(a: int, b: int):', '    x = a', '    y =']);
  // A loop cut ends at a line break: every line before it is whole.
  assert.deepEqual(proposalOf('def f(a, b):\n    x = a\n', orig, 'cut').lines, ['def f(a, b):', '    x = a']);
});

test('proposal: an unfinished answer\'s trailing blank or brace line is held back, not matched to a later one of the original', () => {
  const original = ['def f(a, b):', '    """Add."""', '    x = a', '    y = b', '', '    return x + y'];
  // Matched to the original's blank line, the answer's blank would show x = a and y = b as removed.
  const p = proposalOf('def f(a: int, b: int) -> int:\n    """Add."""\n\n', original, 'cut');
  assert.deepEqual(p.lines, ['def f(a: int, b: int) -> int:', '    """Add."""']);
  assert.deepEqual(computeHunks(original, p.lines, { partial: true }), [{ origStart: 0, newStart: 0, removed: ['def f(a, b):'], added: ['def f(a: int, b: int) -> int:'] }]);
  assert.deepEqual(proposalOf('if x:\n    y()\n}\n\nz', ['a'], 'streaming').lines, ['if x:', '    y()'], 'held back while streaming too');
  assert.deepEqual(proposalOf('if x:\n    y()\n}\n', ['a'], 'complete').lines, ['if x:', '    y()', '}'], 'a complete answer keeps them');
});

test('hunks: an unfinished answer that inserts (a docstring) removes nothing; one that rewrites removes the lines it rewrote', () => {
  const body = ['def largest(xs):', '    best = xs[0]', '    for x in xs:', '        if x > best:', '            best = x', '    return best'];
  const doc = computeHunks(body, ['def largest(xs):', '    """The largest of xs.', '', '    Parameters', '    ----------', '    xs : list', '        numbers'], { partial: true });
  assert.deepEqual(doc, [{ origStart: 1, newStart: 1, removed: [], added: ['    """The largest of xs.', '', '    Parameters', '    ----------', '    xs : list', '        numbers'] }]);
  const typed = computeHunks(body, ['def largest(xs: list[int]) -> int:', '    best: int = xs[0]', '    for x in xs:'], { partial: true });
  assert.deepEqual(typed, [{ origStart: 0, newStart: 0, removed: ['def largest(xs):', '    best = xs[0]'], added: ['def largest(xs: list[int]) -> int:', '    best: int = xs[0]'] }]);
  const sofar = computeHunks(body, ['def largest(xs: list[int]) -> int:', '    best: int = xs[0]'], { partial: true });
  assert.deepEqual(sofar.map((h) => h.removed), [['def largest(xs):', '    best = xs[0]']], 'two lines rewritten so far, the other four not reached');
});

test('proposal: a cut answer that leaves a docstring or block comment open gets its closing line where it stopped', () => {
  const body = ['def largest(xs):', '    best = xs[0]', '    for x in xs:', '        if x > best:', '            best = x', '    return best'];
  // "Add a docstring", cut by the token budget in the docstring's third line.
  const doc = proposalOf('def largest(xs):\n    """Return the largest of xs.\n\n    xs: a list of num', body, 'cut');
  assert.deepEqual(doc.lines, ['def largest(xs):', '    """Return the largest of xs.', '    """']);
  assert.deepEqual(applyHunks(body, computeHunks(body, doc.lines, { partial: true }), () => true), [body[0], '    """Return the largest of xs.', '    """', ...body.slice(1)]);
  // JSDoc: closed under its stars.
  const ts = ['function largest(xs: number[]): number {', '  return Math.max(...xs);', '}'];
  const jsdoc = proposalOf('/**\n * The largest of xs.\n * @param xs numbers\n * @ret', ts, 'cut');
  assert.deepEqual(jsdoc.lines, ['/**', ' * The largest of xs.', ' * @param xs numbers', ' */']);
  const plain = proposalOf('  /* Why: the spread\n     keeps it short\n  ', ts, 'cut');
  assert.deepEqual(plain.lines.slice(-1), ['  */']);
  // Complete answers and streaming ones are left as the model wrote them.
  assert.deepEqual(proposalOf('def largest(xs):\n    """Return\n    x', body, 'streaming').lines, ['def largest(xs):', '    """Return']);
});

test('proposal: nothing is closed where the original closes it later, or leaves it open itself', () => {
  // Rewriting an existing docstring, cut in its first line: the original's own closing quotes follow.
  const documented = ['def f():', '    """Old words', '    more words', '    """', '    return 1'];
  const p = proposalOf('def f():\n    """Old words, new\n    more words\n    and', documented, 'cut');
  assert.deepEqual(p.lines, ['def f():', '    """Old words, new', '    more words']);
  // The selection is the inside of a docstring (its closing quotes selected, not its opening ones).
  const inside = ['    More detail.', '    """', '    return 1'];
  assert.deepEqual(proposalOf('    More detail, reworded.\n    """\n    return 1\n', inside, 'cut').lines, ['    More detail, reworded.', '    """', '    return 1']);
});

test('proposal: a cut answer that opened a block it never closed proposes only the lines before it', () => {
  const ts = ['function load(path: string) {', '  const text = read(path);', '  return parse(text);', '}'];
  // "Wrap it in try/catch", cut inside the try block: taken, the try would swallow the rest of the file.
  const p = proposalOf('function load(path: string): Config {\n  try {\n    const text = read(path);\n    ret', ts, 'cut');
  assert.deepEqual(p.lines, ['function load(path: string): Config {']);
  assert.deepEqual(applyHunks(ts, computeHunks(ts, p.lines, { partial: true }), () => true), ['function load(path: string): Config {', ...ts.slice(1)]);
  // The same with the selection ending in the function's closing brace (a closer of what came before).
  const tail = ts.slice(1);
  assert.deepEqual(proposalOf('  try {\n    const text = read(path);\n    return parse(text);\n  } catch', tail, 'cut').lines, []);
  // Rewritten lines that keep the block structure are proposed as they are.
  assert.deepEqual(proposalOf('function load(path: string): Config {\n  const text: string = read(path);\n  ret', ts, 'cut').lines, ['function load(path: string): Config {', '  const text: string = read(path);']);
});

test('finishedState: the budget, the context and a loop cut an answer short; EOS and a stop token end it', () => {
  assert.deepEqual((['budget', 'context', 'repetition'] as const).map(finishedState), ['cut', 'cut', 'cut']);
  assert.deepEqual((['eos', 'stop'] as const).map(finishedState), ['complete', 'complete']);
});

test('proposal: a complete answer\'s trailing line break adds no blank line, unless the original ends with one', () => {
  assert.deepEqual(proposalOf('a\nb\n', ['a', 'c'], 'complete').lines, ['a', 'b']);
  assert.deepEqual(proposalOf('a\nb\n', ['a', ''], 'complete').lines, ['a', 'b', '']);
  assert.deepEqual(proposalOf('a\nb', ['a', 'c'], 'streaming'), { lines: ['a'], partial: true });
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
