// The prompt windows fit the model's trained window with the answer (src/completion/completer.ts).
import { test } from 'node:test';
import * as assert from 'node:assert/strict';
import { Completer, promptTokensFor, windowBudget } from '../../src/completion/completer';
import { FakeEngine } from './completion-fakeEngine';

test('promptTokensFor: the trained window less the answer, a block and the FIM markers', () => {
  assert.equal(promptTokensFor({ trainedPositions: 1024, blockSize: 4 }, 96), 1024 - 96 - 4 - 4);
  assert.equal(promptTokensFor({ trainedPositions: 8192, blockSize: 4 }, 96), 8088);
  assert.equal(promptTokensFor({ trainedPositions: 128, blockSize: 4 }, 256), 64, 'never nothing');
});

test('windowBudget: both windows shrink alike to fit; a roomy model keeps the settings', () => {
  assert.deepEqual(windowBudget({ prefixTokens: 768, suffixTokens: 256, maxPromptTokens: 920 }), { prefixTokens: 690, suffixTokens: 230 });
  assert.deepEqual(windowBudget({ prefixTokens: 768, suffixTokens: 256, maxPromptTokens: 8088 }), { prefixTokens: 768, suffixTokens: 256 });
  assert.deepEqual(windowBudget({ prefixTokens: 768, suffixTokens: 256 }), { prefixTokens: 768, suffixTokens: 256 });
});

test('the completer sends no more than maxPromptTokens around the cursor', async () => {
  const line = (i: number) => `value_${i} = compute(${i})\n`;
  const text = Array.from({ length: 200 }, (_, i) => line(i)).join('');
  const offset = text.indexOf('value_100');
  const count = (t: string) => t.length; // a character per token: easy to check
  const settings = { multiline: 'auto' as const, prefixTokens: 768, suffixTokens: 256, maxNewTokens: 32, otherFilesTokens: 0, debounceMinMs: 0, debounceMaxMs: 0, prefillOnCursorRest: false };
  const sizes = async (extra: object) => {
    const engine = new FakeEngine(() => 'x', 1, 1);
    await new Completer(engine, () => ({ count }), () => ({ ...settings, ...extra })).provide({ text, offset, indentUnit: '    ', tabSize: 4 });
    return [engine.calls[0].prefix.length, engine.calls[0].suffix.length];
  };
  const [p, s] = await sizes({ maxPromptTokens: 512 });
  assert.ok(p + s <= 512 && p > 300 && s > 100, `${p} + ${s}`);
  const [p2, s2] = await sizes({});
  assert.ok(p2 > 700 && s2 > 200, `${p2} + ${s2}`);
});
