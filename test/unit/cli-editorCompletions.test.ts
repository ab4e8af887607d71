// The CLI's drive of the editor's completion core (src/cli/editorCompletions.ts), on a fake engine: what
// `diffcoder complete` prints and `diffcoder eval --as-editor` scores is what the editor would show.
import { test } from 'node:test';
import * as assert from 'node:assert/strict';
import * as fs from 'fs';
import * as path from 'path';
import { EditorCompletions } from '../../src/cli/editorCompletions';
import { insertedMiddle } from '../../src/cli/commands';
import { DEFAULT_COMPLETER_SETTINGS } from '../../src/completion/completer';
import { FakeEngine } from './completion-fakeEngine';

const REPO = path.resolve(__dirname, '..', '..');
const NO_PACKAGE = path.join(REPO, 'no-such-package'); // no tokenizer.json: windows use the estimate, as the extension does

test('inside a word nothing is asked; mid-line one line is asked, at the end of a line several', async () => {
  const engine = new FakeEngine(() => 'x', 1, 0);
  const editor = new EditorCompletions(engine, NO_PACKAGE);
  const doc = 'def total(items):\n    return sum(items)\n';
  assert.deepEqual(await editor.at(doc, doc.indexOf('otal'), undefined), { insideWord: true });
  assert.equal(engine.calls.length, 0);
  await editor.at(doc, doc.indexOf('sum'), undefined);
  assert.equal(engine.calls.at(-1)!.singleLine, true);
  const end = await editor.at(doc, doc.indexOf('\n    return'), undefined);
  assert.equal(engine.calls.at(-1)!.singleLine, false);
  assert.equal(end.shown?.text, 'x');
  assert.equal(end.result?.text, 'x');
});

test('a dropped answer says which filter dropped it; each document is asked afresh (no cache between them)', async () => {
  const doc = 'a = 1\n\nb = 2\n';
  const engine = new FakeEngine(() => 'b = 2\n', 1, 0); // repeats the next line
  const editor = new EditorCompletions(engine, NO_PACKAGE);
  const r = await editor.at(doc, doc.indexOf('\nb'), undefined);
  assert.equal(r.shown, undefined);
  assert.equal(r.droppedBy, 'dropSuffixRepetition');
  assert.equal(r.result?.text, 'b = 2\n');
  await editor.at(doc, doc.indexOf('\nb'), undefined);
  assert.equal(engine.calls.length, 2);
});

test('an answer whose first line the model is unsure of is not shown, and says so; the floor goes to the worker', async () => {
  const engine = new FakeEngine(() => ({ text: 'guess()', lineConfidence: [0.02], confidentLines: 0 }), 1, 0);
  const r = await new EditorCompletions(engine, NO_PACKAGE, { minLineConfidence: 0.3 }).at('x = ', 4, undefined);
  assert.equal(r.shown, undefined);
  assert.equal(r.droppedBy, 'unsure');
  assert.equal(r.result?.text, 'guess()');
  assert.equal(engine.calls[0].minLineConfidence, 0.3);
});

test('settings: the editor defaults, with what the command line sets', async () => {
  const engine = new FakeEngine(() => 'x', 1, 0);
  await new EditorCompletions(engine, NO_PACKAGE, { multiline: 'never', maxNewTokens: 7 }).at('x = ', 4, undefined);
  assert.equal(engine.calls[0].singleLine, true);
  assert.equal(engine.calls[0].maxTokens, 7);
});

test('the completion defaults are the ones package.json contributes', () => {
  const props = JSON.parse(fs.readFileSync(path.join(REPO, 'package.json'), 'utf8')).contributes.configuration.properties;
  for (const [k, v] of Object.entries(DEFAULT_COMPLETER_SETTINGS)) assert.equal(props[`diffcoder.completion.${k}`]?.default, v, k);
});

test('insertedMiddle: a suggestion that re-types auto-closed characters counts once', () => {
  assert.equal(insertedMiddle(')\n', 'a, b)', 1), 'a, b');
  assert.equal(insertedMiddle(')\n', 'a, b', 0), 'a, b');
  assert.equal(insertedMiddle('"])\n', 'x"])', 3), 'x');
  assert.equal(insertedMiddle('', 'x', 0), 'x');
});
