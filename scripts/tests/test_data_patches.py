"""DEP-3 patch parsing, hunk -> edit example, and the license gate."""
import unittest

from data.patches.dep3 import hunks_to_examples, parse_patch
from data.patches.licenses import is_permissive, package_license_ok

PATCH = '''Description: Fix off-by-one in buffer length check
 The length check allowed writing one byte past the end
 of the buffer.
Author: Someone <a@b.c>
Forwarded: yes
---
--- a/src/buf.c
+++ b/src/buf.c
@@ -10,6 +10,6 @@ int put(buf_t *b, char c)
 {
-    if (b->len > b->cap)
+    if (b->len >= b->cap)
         return -1;
     b->data[b->len++] = c;

     return 0;
--- a/README
+++ b/README
@@ -1,2 +1,2 @@
-old
+new
'''

COPYRIGHT = '''Format: https://www.debian.org/doc/packaging-manuals/copyright-format/1.0/
Upstream-Name: x

Files: *
Copyright: 2020 Someone
License: Expat

Files: debian/*
Copyright: 2021 Packager
License: %s
'''


class PatchTest(unittest.TestCase):
    def test_parse_and_examples(self):
        p = parse_patch(PATCH)
        self.assertEqual(p['description'], 'Fix off-by-one in buffer length check')
        self.assertEqual([f['path'] for f in p['files']], ['src/buf.c', 'README'])
        ex = hunks_to_examples(p)
        self.assertEqual(len(ex), 1)  # README is not code
        e = ex[0]
        self.assertEqual(e['lang'], 'c')
        self.assertIn('if (b->len > b->cap)', e['code'])
        self.assertNotIn('>=', e['code'])
        self.assertIn('if (b->len >= b->cap)', e['new_code'])
        self.assertEqual(e['code'].count('\n'), e['new_code'].count('\n'))
        self.assertTrue(e['instruction'].startswith('Fix off-by-one in buffer length check'))
        self.assertIn('\n\n', e['code'])  # the blank context line survived

    def test_subject_header(self):
        p = parse_patch('From: x\nSubject: [PATCH 2/3] Handle empty input\n\n' + PATCH.split('---\n', 1)[1])
        self.assertEqual(p['description'], 'Handle empty input')

    def test_no_description_no_examples(self):
        self.assertEqual(hunks_to_examples(parse_patch(PATCH.split('---\n', 1)[1])), [])

    def test_license_gate(self):
        self.assertTrue(package_license_ok(COPYRIGHT % 'Expat')[0])
        self.assertFalse(package_license_ok(COPYRIGHT % 'GPL-2+')[0])  # the patches are the packaging's
        self.assertFalse(package_license_ok('Not machine readable, MIT')[0])
        self.assertTrue(is_permissive('BSD-2-clause or Ruby'))
        self.assertTrue(is_permissive('Apache-2.0 with LLVM exception'))
        self.assertFalse(is_permissive('GPL-2+ or LGPL-2.1'))
        self.assertFalse(is_permissive('Expat and GPL-3'))


if __name__ == '__main__':
    unittest.main()
