// The completion core's text handling on real documents at many cursors: this repository's own source
// files and a few awkward shapes (a document opening with empty lines once hung the window builder).
// Invariants only; the golden cases live beside each filter.
import { test } from 'node:test';
import assert from 'node:assert/strict';
import * as fs from 'fs';
import * as path from 'path';
import { buildWindows, LineTokenCounter, approximateCounter } from '../../src/completion/context';
import { filterContextAt, postProcess } from '../../src/completion/filters';
import { isMultiline } from '../../src/completion/multiline';

const REPO = path.resolve(__dirname, '..', '..');

function filesUnder(dir: string, ext: RegExp, out: string[] = []): string[] {
  for (const e of fs.readdirSync(dir, { withFileTypes: true })) {
    const p = path.join(dir, e.name);
    if (e.isDirectory()) filesUnder(p, ext, out);
    else if (ext.test(e.name)) out.push(p);
  }
  return out;
}

const documents: [string, string][] = [
  ...[...filesUnder(path.join(REPO, 'src'), /\.ts$/), ...filesUnder(path.join(REPO, 'examples'), /\.\w+$/), ...filesUnder(path.join(REPO, 'scripts', 'diffcoder'), /\.py$/)]
    .map((f): [string, string] => [path.relative(REPO, f), fs.readFileSync(f, 'utf8').replace(/\r\n/g, '\n')]),
  ['empty', ''],
  ['only line breaks', '\n\n\n'],
  ['opens with empty lines', '\n\ndef f():\n    return 1\n'],
  ['no final line break, tabs', 'func f() {\n\tif x {\n\t\treturn\n\t}\n}'],
  ['one long line', 'x = ' + 'a + '.repeat(400) + 'b'],
];

/** Every line's start, end and end of indentation, plus spread-out offsets. */
function cursors(text: string): number[] {
  const at = new Set<number>([0, text.length]);
  let start = 0;
  for (const line of text.split('\n')) {
    at.add(start);
    at.add(start + line.length - line.trimStart().length);
    at.add(start + line.length);
    start += line.length + 1;
  }
  for (let i = 7; i < text.length; i += 97) at.add(i);
  return [...at].filter((o) => o <= text.length);
}

test('prompt windows: whole lines around the cursor, inside the budgets, for every cursor', () => {
  const counter = new LineTokenCounter(approximateCounter);
  let checked = 0;
  for (const [name, text] of documents) {
    for (const offset of cursors(text)) {
      for (const budget of [{ prefixTokens: 768, suffixTokens: 256 }, { prefixTokens: 20, suffixTokens: 5 }]) {
        const w = buildWindows(text, offset, budget, counter);
        const where = `${name} at ${offset}`;
        assert.ok(text.slice(0, offset).endsWith(w.prefix), where);
        assert.ok(text.slice(offset).startsWith(w.suffix), where);
        const start = offset - w.prefix.length;
        assert.ok(start === 0 || text[start - 1] === '\n' || w.prefixClipped, `${where}: the prefix starts at a line start`);
        assert.ok(w.suffixTokens <= budget.suffixTokens, where);
        assert.ok(w.prefixTokens <= budget.prefixTokens + budget.suffixTokens, where);
        assert.equal(w.prefixClipped, w.prefix.length < offset, where);
        checked++;
      }
    }
  }
  assert.ok(checked > 5000, `only ${checked} cursors`);
});

test('filter context and the chain: the cursor line splits at the cursor, and each answer comes through or is dropped', () => {
  for (const [name, text] of documents) {
    const lines = text.split('\n');
    for (const offset of cursors(text)) {
      const row = text.slice(0, offset).split('\n').length - 1;
      const where = `${name} at ${offset}`;
      const ctx = filterContextAt(text, offset, { multiline: true, lines: 3 });
      assert.equal(ctx.linePrefix + ctx.lineSuffix, lines[row], where);
      assert.deepEqual(ctx.linesAbove, lines.slice(Math.max(0, row - 3), row), where);
      assert.deepEqual(ctx.linesBelow, lines.slice(row + 1, row + 4), where);
      const multiline = isMultiline('auto', ctx.linePrefix, ctx.lineSuffix);
      const fctx = { ...ctx, multiline };
      // Answers a model gives: the next lines again, the rest of the line, something new, nothing.
      for (const answer of [lines.slice(row + 1, row + 3).join('\n'), ctx.lineSuffix, 'value = compute(x)\n    return value', '']) {
        const { candidate } = postProcess(answer, fctx);
        if (!candidate) continue;
        assert.ok(candidate.text.trim().length > 0, `${where}: a shown suggestion is never blank`);
        assert.ok(candidate.replaceRight <= ctx.lineSuffix.length, `${where}: it replaces only text on the cursor line`);
        if (!multiline) assert.ok(!candidate.text.includes('\n'), `${where}: one line where one line was asked`);
      }
    }
  }
});
