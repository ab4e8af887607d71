import { trimEmpty } from '../../src/completion/filters/trimEmpty';
import { normalizeText } from '../../src/completion/filters/normalizeText';
import { runGolden } from './filters-golden';

runGolden('trimEmpty', trimEmpty, [
  { name: 'only whitespace: dropped', doc: 'x = █', completion: '  \n  ', expect: null },
  { name: 'trailing spaces and newlines trimmed', doc: 'x = █', completion: 'foo()  \n\n', expect: 'foo()' },
  { name: 'leading indentation kept', doc: 'def f():\n█', completion: '    pass', expect: '    pass' },
]);

runGolden('normalizeText', normalizeText, [
  { name: 'CRLF to LF', doc: 'x = █', completion: 'a\r\nb', expect: 'a\nb' },
]);
