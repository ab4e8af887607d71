"""Token-level edit transformations for JS/TS, Go, Java, C, shell: literals and comments untouched,
untouched lines identical, the instruction names the change."""
import random
import re
import unittest

from data.edits import clike_transforms as cl
from data.edits.change import realize
from data.edits.lexer import lex
from data.edits.snippets import functions, regions

JS = '''import { b } from './b';
import { a } from './a';
import { c } from './c';

/**
 * Sum the prices of items, skipping free ones.
 */
function total(items, tax) {
  var sum = 0;
  var label = 'total: ';
  // walk every item
  for (var i = 0; i < items.length; i++) {
    if (items[i].price > 100) {
      sum = sum + items[i].price * tax;
    } else {
      sum = sum + items[i].price;
    }
  }
  console.info(label, "a < b"); // a string with an operator
  return sum;
}
'''

TS = '''export function greet(name: string, times: number = 1): string {
  let out = '';
  const sep = ', ';
  for (let k = 0; k < times; k++) {
    out += `hi ${name}` + sep;
  }
  return out;
}
'''

GO = '''package main

import (
\t"fmt"
\t"os"
\t"strings"
)

// Join joins words with a separator.
func Join(words []string, sep string) string {
\tres := ""
\tfor i, w := range words {
\t\tif i > 0 {
\t\t\tres += sep
\t\t} else {
\t\t\tres += ""
\t\t}
\t\tres += strings.TrimSpace(w)
\t}
\tfmt.Fprintln(os.Stderr, res)
\treturn res
}
'''

SH = '''#!/bin/sh
# greet a user
greet() {
  name=$1
  echo "hello $name"
  echo 'literal $name'
}
'''


def snippet(text, lang, name):
    return next(s for s in functions(text, lang) if s.name == name)


def apply(fn, snip, seeds=range(60)):
    for seed in seeds:
        change = fn(random.Random(seed), snip)
        if change is None:
            continue
        pair = realize(snip.text, change, lambda t: lex(t, snip.lang).ok)
        if pair:
            return change, pair
    raise AssertionError('%s never applied' % fn.__name__)


class SnippetsTest(unittest.TestCase):
    def test_functions_with_doc(self):
        s = snippet(JS, 'javascript', 'total')
        self.assertEqual(s.doc_lines, 3)
        self.assertTrue(s.text.startswith('/**'))
        self.assertTrue(s.text.rstrip().endswith('}'))
        g = snippet(GO, 'go', 'Join')
        self.assertEqual(g.doc_lines, 1)
        self.assertEqual(snippet(SH, 'shell', 'greet').name, 'greet')

    def test_regions_are_balanced(self):
        for r in regions(random.Random(2), JS, 'javascript', 5):
            self.assertEqual(r.text.count('{'), r.text.count('}'))

    def test_lexer_round_trips_and_sees_literals(self):
        toks = lex(JS, 'javascript').toks
        self.assertEqual(''.join(t.text for t in toks), JS)
        self.assertIn('"a < b"', [t.text for t in toks if t.kind == 'string'])
        self.assertTrue(any(t.kind == 'comment' and 'walk' in t.text for t in toks))


class ClikeTransformsTest(unittest.TestCase):
    def test_add_docs_reverse(self):
        change, (code, new) = apply(cl.add_docs, snippet(JS, 'javascript', 'total'))
        self.assertTrue(change.reverse)
        self.assertTrue(new.startswith('/**') and code.startswith('function total'))
        self.assertIn('doc', change.instruction.lower())

    def test_add_comments_reverse_keeps_strings(self):
        change, (code, new) = apply(cl.add_comments, snippet(JS, 'javascript', 'total'))
        self.assertNotIn('// walk', code)
        self.assertIn('"a < b"', code)
        self.assertIn('comment', change.instruction.lower())

    def test_ts_add_types_reverse(self):
        change, (code, new) = apply(cl.ts_add_types, snippet(TS, 'typescript', 'greet'))
        self.assertTrue(code.startswith('export function greet(name, times = 1) {'), code)
        self.assertEqual(new, TS)

    def test_fix_bug_reverse_never_touches_strings(self):
        s = snippet(JS, 'javascript', 'total')
        for seed in range(30):
            change = cl.fix_bug(random.Random(seed), s)
            if not change:
                continue
            code, new = realize(s.text, change)
            self.assertEqual(new, s.text)
            self.assertIn('"a < b"', code)
            self.assertIn('// a string with an operator', code)
            diff = [(a, b) for a, b in zip(code.splitlines(), new.splitlines()) if a != b]
            self.assertEqual(len(diff), 1)
            for quoted in re.findall(r' in `([^`]+)`', change.instruction):
                if not quoted.isidentifier():  # not the function's name
                    self.assertIn(quoted, diff[0][0])  # the line is quoted as it reads in the buggy input

    def test_rename_skips_members(self):
        s = snippet(JS, 'javascript', 'total')
        change, (code, new) = apply(cl.rename, s)
        self.assertIn('items[i].price', code + new)
        self.assertIn('rename', change.instruction.lower() + ('rename' if 'name' in change.instruction.lower() else ''))

    def test_shell_rename_leaves_single_quotes(self):
        s = snippet(SH, 'shell', 'greet')
        edits = cl._shell_rename_edits(s, 'name', 'user')
        from data.edits.lexer import apply_replacements
        out = apply_replacements(s.text, edits)
        self.assertIn('user=$1', out)
        self.assertIn('"hello $user"', out)
        self.assertIn("'literal $name'", out)

    def test_var_to_let_const(self):
        change, (code, new) = apply(cl.var_to_let_const, snippet(JS, 'javascript', 'total'))
        self.assertIn('let sum = 0;', new)
        self.assertIn("const label = 'total: ';", new)
        self.assertIn('for (let i = 0;', new)

    def test_quotes_js(self):
        change, (code, new) = apply(cl.quotes, snippet(TS, 'typescript', 'greet'))
        self.assertIn('let out = "";', new)
        self.assertIn('`hi ${name}`', new)

    def test_indentation_go_reverse(self):
        change, (code, new) = apply(cl.indentation, snippet(GO, 'go', 'Join'))
        self.assertTrue(change.reverse)
        self.assertNotIn('\t', code)
        self.assertIn('\t', new)
        self.assertIn('tab', change.instruction.lower())

    def test_invert_if_go(self):
        change, (code, new) = apply(cl.invert_if, snippet(GO, 'go', 'Join'))
        self.assertIn('if i <= 0 {', new)

    def test_guard_and_logging_and_try(self):
        s = snippet(JS, 'javascript', 'total')
        change, (code, new) = apply(cl.guard_clause, s)
        self.assertRegex(new, r"if \((items|tax) == null\) \{")
        change, (code, new) = apply(cl.add_logging, s)
        self.assertIn("console.log('total', items, tax);", new)
        change, (code, new) = apply(cl.wrap_try, s)
        self.assertIn('} catch (err) {', new)

    def test_extract_constant(self):
        change, (code, new) = apply(cl.extract_constant, snippet(JS, 'javascript', 'total'))
        self.assertTrue(new.startswith('const MIN_PRICE = 100;'), new[:40])
        self.assertIn('> MIN_PRICE', new)

    def test_sort_and_unused_imports(self):
        go_sorted = GO
        change = cl.sort_imports(random.Random(1), go_sorted, 'go')
        code, new = realize(go_sorted, change)
        self.assertEqual(sorted(code.splitlines()), sorted(new.splitlines()))
        self.assertEqual(new, '\t"fmt"\n\t"os"\n\t"strings"\n')
        self.assertIsNone(cl.sort_imports(random.Random(1), JS, 'javascript'))  # JS block is unsorted
        change = cl.remove_unused_import(random.Random(1), GO, 'go')
        code, new = realize(GO, change)
        self.assertEqual(new, '\t"fmt"\n\t"os"\n\t"strings"\n')
        self.assertEqual(len(code.splitlines()), 4)


if __name__ == '__main__':
    unittest.main()
