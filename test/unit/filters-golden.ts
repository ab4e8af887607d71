// Runs a filter's golden cases. A case is data: the document with the cursor as █, what the model
// answered, and what the filter must return (null: dropped).
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { filterContextAt, type Filter } from '../../src/completion/filters';
import { postProcess } from '../../src/completion/filters';

export interface GoldenCase {
  name: string;
  doc: string;
  completion: string;
  multiline?: boolean;
  indentUnit?: string;
  /** Expected text, or null when the completion must be dropped. */
  expect: string | null;
  replaceRight?: number;
  /** The same case through the whole chain, when that result is worth pinning too. */
  chain?: string | null;
}

export function runGolden(filterName: string, filter: Filter, cases: GoldenCase[]): void {
  for (const c of cases) {
    test(`${filterName}: ${c.name}`, () => {
      const offset = c.doc.indexOf('█');
      assert.ok(offset >= 0, 'a case needs a cursor █');
      const text = c.doc.slice(0, offset) + c.doc.slice(offset + 1);
      const multiline = c.multiline ?? true;
      const ctx = filterContextAt(text, offset, { multiline, indentUnit: c.indentUnit ?? '    ', tabSize: 4 });
      const out = filter({ text: c.completion, replaceRight: 0 }, ctx);
      if (c.expect === null) assert.equal(out, undefined, `dropped, got ${JSON.stringify(out)}`);
      else {
        assert.ok(out, 'kept');
        assert.equal(out.text, c.expect);
        assert.equal(out.replaceRight, c.replaceRight ?? 0);
      }
      if (c.chain !== undefined) {
        const r = postProcess(c.completion, ctx);
        assert.equal(r.candidate?.text ?? null, c.chain);
      }
    });
  }
}
