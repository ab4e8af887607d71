"""Corpus licence rules: expressions, Debian copyright files, npm package.json, file headers."""
import os
import sys
import unittest

sys.path.insert(0, os.path.join(os.path.dirname(__file__), '..'))
from corpus import licences  # noqa: E402

DEP5 = """Format: https://www.debian.org/doc/packaging-manuals/copyright-format/1.0/
Upstream-Name: thing

Files: *
Copyright: 2020 Someone
License: BSD-3-clause

Files: contrib/gplthing.c
Copyright: 2019 Other
License: GPL-2+

Files: debian/*
License: GPL-2+

License: BSD-3-clause
 Redistribution and use in source and binary forms, with or without
 modification, are permitted...
"""

DEP5_NO_STAR = """Format: https://www.debian.org/doc/packaging-manuals/copyright-format/1.0/

Files: library/*
       src/*
Copyright: The Rust Project Developers
License: MIT or Apache-2.0
"""

FREE_FORM = """This package was debianized by someone.

Copyright: 2005 NumPy Developers

License:

    Redistribution and use in source and binary forms, with or without
    modification, are permitted provided that ... (GNU General Public License does not apply)
"""

PROGRAM = 'def f():\n    return 1\n\n\nprint(f())\n'


class ExpressionTest(unittest.TestCase):
    def test_keep_list(self):
        for name in ('MIT', 'Expat', 'BSD-2-Clause', 'BSD-3-clause', 'Apache-2.0', 'ISC', 'PSF-2.0', 'Python-2.0',
                     'Zlib', 'Unlicense', '0BSD', 'CC0-1.0', 'BSL-1.0', 'BSL-1', 'Go', 'BSD-3-Clause~Google',
                     'Apache-2.0 WITH LLVM-exception'):
            self.assertTrue(licences.evaluate(name)[0], name)

    def test_drop_list(self):
        for name in ('GPL-2+', 'GPL-3.0-only', 'LGPL-2.1', 'AGPL-3.0', 'MPL-2.0', 'EPL-2.0', 'unknown', '',
                     'SEE LICENSE IN LICENSE.txt', 'GPL2 with Classpath exception', 'CC-BY-SA-4.0', 'FTL'):
            self.assertFalse(licences.evaluate(name)[0], name)

    def test_or_needs_one_and_needs_all(self):
        self.assertEqual(licences.evaluate('(MIT OR GPL-3.0-or-later)'), (True, 'MIT'))
        self.assertEqual(licences.evaluate('GPL-2+ | BSD-3-clause'), (True, 'BSD-3-Clause'))
        self.assertTrue(licences.evaluate('MIT AND Zlib')[0])
        self.assertFalse(licences.evaluate('MIT and LGPL-2.1+')[0])
        self.assertTrue(licences.evaluate('MIT AND (GPL-2.0 OR ISC)')[0])


class PackageTest(unittest.TestCase):
    def test_debian_copyright(self):
        self.assertEqual(licences.debian_copyright_licence(DEP5), 'BSD-3-clause')
        self.assertEqual(licences.debian_copyright_licence(DEP5_NO_STAR), 'MIT or Apache-2.0')
        self.assertEqual(licences.debian_copyright_licence(FREE_FORM), 'BSD')

    def test_npm_package_json(self):
        self.assertEqual(licences.npm_licence({'license': 'MIT'}), 'MIT')
        self.assertEqual(licences.npm_licence({'license': {'type': 'ISC'}}), 'ISC')
        self.assertEqual(licences.npm_licence({'licenses': [{'type': 'MIT'}, {'type': 'GPL-2.0'}]}), 'MIT OR GPL-2.0')
        self.assertEqual(licences.npm_licence({}), 'unknown')


class FileTest(unittest.TestCase):
    def test_gpl_header_drops_file_of_mit_package(self):
        text = '# This program is free software; you can redistribute it under the terms of the\n' \
               '# GNU General Public License as published by the Free Software Foundation.\n' + PROGRAM
        self.assertEqual(licences.file_verdict('MIT', text)[::2], (False, 'licence_file_header'))
        self.assertEqual(licences.file_verdict('MIT', '// SPDX-License-Identifier: MPL-2.0\n' + PROGRAM)[2],
                         'licence_file_header')

    def test_package_licence_when_header_is_silent(self):
        self.assertEqual(licences.file_verdict('Expat', PROGRAM), (True, 'MIT', None))
        self.assertEqual(licences.file_verdict('GPL-3+', PROGRAM)[::2], (False, 'licence_package'))

    def test_permissive_header_in_gpl_package(self):
        text = '/*\n * Licensed to the Apache Software Foundation (ASF) under one or more\n */\n' + PROGRAM
        kept, label, _ = licences.file_verdict('GPL2 with Classpath exception', text)
        self.assertTrue(kept)
        self.assertTrue(label.startswith('Apache-2.0'))

    def test_spdx_line_decides(self):
        text = '// SPDX-License-Identifier: (GPL-2.0 OR MIT)\n// GNU General Public License text follows\n' + PROGRAM
        self.assertTrue(licences.file_verdict('unknown', text)[0])


if __name__ == '__main__':
    unittest.main()
