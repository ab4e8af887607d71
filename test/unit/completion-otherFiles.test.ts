// Context from other files (src/completion/otherFiles.ts) and how the Completer puts it into the prompt.
import { test } from 'node:test';
import * as assert from 'node:assert/strict';
import { Completer } from '../../src/completion/completer';
import { formatSnippet, identifiers, jaccard, lineCommentOf, MIN_SIMILARITY, OtherFiles, otherFilesContext } from '../../src/completion/otherFiles';
import { FakeEngine } from './completion-fakeEngine';

const chars = { count: (t: string) => t.length };

const SHIPPING = [
  'ZONE_RATES = {"domestic": 4.5, "world": 25.0}',
  '',
  'def compute_shipping_cost(weight_kg, zone):',
  '    rate = ZONE_RATES[zone]',
  '    return round(rate * weight_kg, 2)',
].join('\n');
const UNRELATED = Array.from({ length: 60 }, (_, i) => `fn render_frame_${i}(canvas: &mut Canvas) { canvas.clear(); }`).join('\n');
const ORDER_PREFIX = 'class Order:\n    def shipping(self, weight_kg, zone):\n        rate = ZONE_RATES[zone]\n        return ';

test('identifiers and their Jaccard similarity', () => {
  assert.deepEqual([...identifiers('x = compute_cost(a, weight_kg) + 2 if ok')].sort(), ['compute_cost', 'weight_kg']);
  assert.equal(jaccard(new Set(['a', 'b']), new Set(['b', 'c'])), 1 / 3);
  assert.equal(jaccard(new Set(), new Set(['a'])), 0);
});

test('rank: the window most like the lines above the cursor, never the file itself, nothing unlike it', () => {
  const files = new OtherFiles();
  files.remember('lib/shipping.py', SHIPPING, 'python');
  files.remember('src/render.rs', UNRELATED, 'rust');
  files.remember('orders/order.py', ORDER_PREFIX, 'python'); // the file being completed
  const ranked = files.rank(ORDER_PREFIX, 'orders/order.py', 'python');
  assert.deepEqual(ranked.map((s) => s.path), ['lib/shipping.py']);
  assert.ok(ranked[0].similarity >= MIN_SIMILARITY);
  assert.equal(ranked[0].line, 0);
  // Only the cursor line differs: the same choice (the prompt keeps its start, the KV cache is reused).
  assert.deepEqual(files.rank(ORDER_PREFIX + 'round(ra', 'orders/order.py', 'python'), ranked);
});

test('rank: overlapping windows of one file are not both taken', () => {
  const files = new OtherFiles();
  const long = Array.from({ length: 40 }, () => '    rate = ZONE_RATES[zone] * weight_kg').join('\n');
  files.remember('lib/rates.py', long, 'python');
  const lines = files.rank(ORDER_PREFIX, undefined, 'python').map((s) => s.line);
  assert.deepEqual(lines, [0, 20], 'windows of 20 lines every 10: 0 and 20 do not overlap, 10 and 30 overlap a taken one');
});

test('remember: the 8 most recent files, refreshed when used again; huge or empty files are not kept', () => {
  const files = new OtherFiles();
  for (let i = 0; i < 10; i++) files.remember(`f${i}.py`, `value_${i} = ${i}`, 'python');
  assert.deepEqual(files.paths, ['f9.py', 'f8.py', 'f7.py', 'f6.py', 'f5.py', 'f4.py', 'f3.py', 'f2.py']);
  files.remember('f2.py', 'value_2 = 22', 'python');
  assert.equal(files.paths[0], 'f2.py');
  files.remember('big.py', 'x'.repeat(600_000), 'python');
  files.remember('empty.py', '   \n', 'python');
  assert.ok(!files.paths.includes('big.py') && !files.paths.includes('empty.py'));
  files.remember('f9.py', 'x'.repeat(600_000), 'python');
  assert.ok(!files.paths.includes('f9.py'), 'a file that grew too big is dropped');
});

test('context: comments of the file\'s language under a line naming the file, within the budget', () => {
  const files = new OtherFiles();
  files.remember('lib/shipping.py', SHIPPING, 'python');
  const ctx = otherFilesContext(files, { prefix: ORDER_PREFIX, path: 'orders/order.py', languageId: 'python' }, 1000, chars);
  assert.equal(ctx.text, formatSnippet({ path: 'lib/shipping.py', text: SHIPPING }, '#') + '\n');
  assert.equal(ctx.text, `# lib/shipping.py\n${SHIPPING}\n\n`, 'the code as it stands, under a comment naming its file');
  assert.equal(ctx.tokens, ctx.text.length);
  assert.equal(otherFilesContext(files, { prefix: ORDER_PREFIX, languageId: 'python' }, ctx.tokens - 1, chars).text, '', 'over the budget: left out');
  assert.equal(otherFilesContext(files, { prefix: ORDER_PREFIX, languageId: 'python' }, 0, chars).text, '');
  assert.equal(otherFilesContext(files, { prefix: ORDER_PREFIX, languageId: 'html' }, 1000, chars).text, '', 'no line comments: nothing');
  assert.equal(lineCommentOf('typescript'), '//');
  assert.equal(lineCommentOf('shell'), '#');
});

test('rank: only files of the language\'s family (JavaScript with TypeScript, C with C++)', () => {
  const files = new OtherFiles();
  const ts = 'export function computeShippingCost(weightKg: number, zone: Zone): number {\n  return ZONE_RATES[zone] * weightKg;\n}';
  files.remember('src/shipping.ts', ts, 'typescript');
  files.remember('legacy/shipping.py', ts, 'python'); // the same names in another language
  const prefix = 'const weightKg = parcelWeight(items);\nconst zone: Zone = order.zone;\nconst rate = ZONE_RATES[zone];\nreturn ';
  assert.deepEqual(files.rank(prefix, 'src/order.js', 'javascript').map((s) => s.path), ['src/shipping.ts']);
  assert.deepEqual(files.rank(prefix, 'src/order.go', 'go'), []);
});

test('context: the most alike snippet comes last, next to the file\'s own code', () => {
  const files = new OtherFiles();
  files.remember('a.py', 'def shipping(self, weight_kg, zone):\n    rate = ZONE_RATES[zone]', 'python');
  files.remember('b.py', 'weight_kg = 3\nzone = "world"\nother_name = 4', 'python');
  const ctx = otherFilesContext(files, { prefix: ORDER_PREFIX, languageId: 'python' }, 1000, chars);
  assert.deepEqual(ctx.snippets.map((s) => s.path), ['b.py', 'a.py']);
  assert.ok(ctx.snippets[1].similarity > ctx.snippets[0].similarity);
});

test('the completer sends the snippets before the prefix window, which gives up their tokens', async () => {
  const engine = new FakeEngine(() => 'round(rate * weight_kg, 2)', 1, 1);
  const settings = () => ({ multiline: 'never' as const, prefixTokens: 800, suffixTokens: 50, maxNewTokens: 32, otherFilesTokens: 300, debounceMinMs: 0, debounceMaxMs: 0, prefillOnCursorRest: false });
  const c = new Completer(engine, () => chars, settings);
  c.otherFiles.remember('lib/shipping.py', SHIPPING, 'python');
  const text = 'x = 1\n'.repeat(100) + ORDER_PREFIX;
  await c.provide({ text, offset: text.length, indentUnit: '    ', tabSize: 4, path: 'orders/order.py', languageId: 'python' });
  const sent = engine.calls[0].prefix;
  const snippet = formatSnippet({ path: 'lib/shipping.py', text: SHIPPING }, '#') + '\n';
  assert.ok(sent.startsWith(snippet), sent.slice(0, 200));
  assert.ok(sent.endsWith(ORDER_PREFIX));
  assert.ok(snippet.length <= 300);
  assert.ok(sent.length <= 800 + 50 - engine.calls[0].suffix.length, 'the snippet and the prefix window share the prefix budget');
  // Off: the prompt is the file alone, with the whole budget.
  const off = new Completer(engine, () => chars, () => ({ ...settings(), otherFilesTokens: 0 }));
  off.otherFiles.remember('lib/shipping.py', SHIPPING, 'python');
  await off.provide({ text, offset: text.length, indentUnit: '    ', tabSize: 4, path: 'orders/order.py', languageId: 'python' });
  assert.ok(!engine.calls[1].prefix.includes('Compare this snippet'));
  assert.ok(engine.calls[1].prefix.length > sent.length - snippet.length);
});
