import { dropRepeatedLines } from '../../src/completion/filters/dropRepeatedLines';
import { runGolden } from './filters-golden';

runGolden('dropRepeatedLines', dropRepeatedLines, [
  { name: 'one line three times: the first copy kept', doc: 'cp a b\n█', completion: 'mv $f$\nmv $f$\nmv $f$\nmv $f$', expect: 'mv $f$' },
  {
    name: 'after a line of its own, a looping line',
    doc: 'let x = {\n█',
    completion: '\tfirst: a,\n\t\tnext: e,\n\t\tnext: e,\n\t\tnext: e,\n\t\tnext: e,',
    expect: '\tfirst: a,\n\t\tnext: e,',
    chain: '    first: a,\n        next: e,',
  },
  { name: 'two lines three times', doc: 'def f():\n█', completion: '    a = 1\n    b = 2\n    a = 1\n    b = 2\n    a = 1\n    b = 2', expect: '    a = 1\n    b = 2' },
  { name: 'twice is not a loop', doc: 'x = 1\n█', completion: 'x += 1\nx += 1\nprint(x)', expect: 'x += 1\nx += 1\nprint(x)' },
  { name: 'closing brackets and blank lines repeat in real code', doc: 'f(() => {\n█', completion: '  })\n})\n})\n})\n\n\n\nok()', expect: '  })\n})\n})\n})\n\n\n\nok()' },
  { name: 'the same text at different indentation is not the same line', doc: 'if a:\n█', completion: '    pass\n        pass\n            pass', expect: '    pass\n        pass\n            pass' },
  { name: 'the first line continues the cursor line', doc: 'import {\n  █', completion: 'Account,\n  Account,\n  Account,\n  Account,', expect: 'Account,' },
  { name: 'after code on the cursor line, the first line is not a copy of the next', doc: 'x = █', completion: 'f(a)\nf(a)\nf(a)', expect: 'f(a)\nf(a)\nf(a)' },
  { name: 'one line: nothing to do', doc: 'x = █', completion: 'compute(1)', expect: 'compute(1)' },
  {
    name: 'a line that says something, twice in a row: a loop already (model output)',
    doc: 'const nets = {\n  testnet: {\n█',
    completion: "      name: 'Testnet',\n      url: 'https://testnet.example/ws',\n      url: 'https://testnet.example/ws',\n    },",
    expect: "      name: 'Testnet',\n      url: 'https://testnet.example/ws',",
    chain: "      name: 'Testnet',\n      url: 'https://testnet.example/ws',",
  },
  {
    name: 'a group of four lines said twice (model output)',
    doc: '#[test]\n█',
    completion: 'fn it_fails() {\n    println!("about to fail");\n    assert_eq!(1 + 1, 4);\n}\n\n#[test]\nfn it_fails() {\n    println!("about to fail");\n    assert_eq!(1 + 1, 4);\n}\n\n#[test]',
    expect: 'fn it_fails() {\n    println!("about to fail");\n    assert_eq!(1 + 1, 4);\n}\n\n#[test]',
  },
  { name: 'similar lines are not the same line', doc: 'def f(a, b):\n█', completion: '    check(a, strict=True)\n    check(b, strict=True)', expect: '    check(a, strict=True)\n    check(b, strict=True)' },
  { name: 'a short line twice is not yet a loop', doc: 'x = 1\n█', completion: 'x += step\nx += step\nprint(x)', expect: 'x += step\nx += step\nprint(x)' },
]);
