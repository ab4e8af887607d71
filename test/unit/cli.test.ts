// The CLI's argument handling: what it says when it is called wrong (no model needed: it fails first).
import { test } from 'node:test';
import * as assert from 'node:assert/strict';
import { spawnSync } from 'child_process';
import * as fs from 'fs';
import * as os from 'os';
import * as path from 'path';
import { offsetAt } from '../../src/cli/commands';
import { decoding, readDocument, UsageError } from '../../src/cli/options';

const REPO = path.resolve(__dirname, '..', '..');
const tmp = fs.mkdtempSync(path.join(os.tmpdir(), 'diffcoder-cli-'));
const file = path.join(tmp, 'a.py');
fs.writeFileSync(file, 'def f(x):\n    return x\n');

function cli(...args: string[]) {
  const r = spawnSync(process.execPath, ['--import', 'tsx', path.join(REPO, 'src/cli.ts'), ...args], { cwd: REPO, encoding: 'utf8' });
  return { code: r.status, out: r.stdout, err: r.stderr };
}

test('--at LINE:COL is 1-based; column may be one past the end of the line', () => {
  const text = 'ab\ncde\n';
  assert.equal(offsetAt(text, '1:1'), 0);
  assert.equal(offsetAt(text, '2:1'), 3);
  assert.equal(offsetAt(text, '2:4'), 6);
  assert.equal(offsetAt(text, '3:1'), 7);
  assert.throws(() => offsetAt(text, '2:5'), /column 5 is outside line 2 \(it has 3 characters; columns 1..4\)/);
  assert.throws(() => offsetAt(text, '4:1'), /line 4 is outside the file \(it has 3 lines\)/);
  assert.throws(() => offsetAt(text, '2'), /--at must be LINE:COL/);
  assert.equal(offsetAt('a\r\nbc', '2:3'), 5);
  assert.equal(offsetAt('s = "😀"', '1:8'), 7);
  assert.throws(() => offsetAt('s = "😀"', '1:7'), /column 7 is inside a character that takes two columns \(an emoji, say\): use 6 or 8/);
});

test('decoding options are checked', () => {
  assert.deepEqual(decoding({ mode: 'fixed', steps: '2' }), { mode: 'fixed', stepsPerBlock: 2 });
  assert.deepEqual(decoding({ threshold: '0.5', temperature: '0.7', seed: '3' }), { threshold: 0.5, temperature: 0.7, seed: 3 });
  assert.throws(() => decoding({ mode: 'greedy' }), UsageError);
  assert.throws(() => decoding({ threshold: '2' }), /--threshold must be a number in \(0, 1\]/);
  assert.throws(() => decoding({ steps: '1.5' }), /--steps must be an integer >= 1/);
  assert.deepEqual(decoding({ 'prompt-lookup': 'off' }), { promptLookup: false });
  assert.deepEqual(decoding({ 'prompt-lookup': 'on' }), { promptLookup: true });
  assert.throws(() => decoding({ 'prompt-lookup': 'yes' }), /--prompt-lookup must be on or off \(got "yes"\)/);
  assert.deepEqual(decoding({ drafts: '3' }), { draftStates: 3 });
  assert.throws(() => decoding({ drafts: '-1' }), /--drafts must be an integer in \[0, 16\]/);
});

test('usage errors exit 2 with a message saying what to do', () => {
  const none = cli();
  assert.equal(none.code, 2);
  assert.match(none.out, /usage: diffcoder <command>/);
  const unknown = cli('frobnicate');
  assert.equal(unknown.code, 2);
  assert.match(unknown.err, /unknown command "frobnicate"/);
  const missing = cli('complete', path.join(tmp, 'nope.py'), '--at', '1:1');
  assert.equal(missing.code, 2);
  assert.match(missing.err, /nope\.py: no such file/);
  const noAt = cli('complete', file);
  assert.match(noAt.err, /missing --at LINE:COL/);
  const badAt = cli('complete', file, '--at', '9:1');
  assert.match(badAt.err, /--at 9:1: line 9 is outside the file \(it has 3 lines\)/);
  const badOpt = cli('complete', file, '--at', '1:1', '--bogus');
  assert.equal(badOpt.code, 2);
  assert.match(badOpt.err, /Unknown option '--bogus'/);
  const noModel = cli('complete', file, '--at', '1:1', '--model', tmp);
  assert.equal(noModel.code, 2);
  assert.match(noModel.err, /is not a DiffCoder model package \(no diffcoder.json\)[\s\S]*diffcoder convert/);
  const noHoles = cli('fill', file, '--model', tmp);
  assert.match(noHoles.err, /has no hole to fill: mark one with a line holding only <FILL>/);
  const badLines = cli('edit', file, '--lines', '2-9', '--instruction', 'x');
  assert.match(badLines.err, /--lines 2-9 is outside .*lines 1-3/);
  const noInstr = cli('edit', file, '--lines', '1-2');
  assert.match(noInstr.err, /missing --instruction TEXT/);
  assert.match(cli('complete', file, '--at', '1:1', '--multiline', 'sometimes').err, /--multiline must be auto, always or never \(got "sometimes"\)/);
  assert.match(cli('complete', file, '--at', '1:1', '--single-line').err, /Unknown option '--single-line'/);
});

test('eval checks every task line before running anything', () => {
  const tasks = path.join(tmp, 'tasks.jsonl');
  fs.writeFileSync(tasks, '{"task_id": "a", "prefix": "x", "suffix": ""}\n{"task_id": "b", "prefix": "y"}\n');
  const r = cli('eval', tasks, '--task', 'infill');
  assert.equal(r.code, 2);
  assert.match(r.err, /tasks\.jsonl line 2 \(task b\) needs a string "suffix" for --task infill/);
  fs.writeFileSync(tasks, '{"task_id": "a", "code": "x"\n');
  assert.match(cli('eval', tasks, '--task', 'edit').err, /line 1 is not JSON/);
  assert.match(cli('eval', tasks, '--task', 'summarize').err, /--task must be infill or edit/);
  assert.match(cli('eval', tasks, '--task', 'edit', '--as-editor', '--multiline', 'never').err, /--multiline, --min-line-confidence and --other-files-tokens are for --task infill/);
  assert.match(cli('eval', tasks, '--task', 'infill', '--as-editor', '--single-line').err, /--as-editor decides one line or several/);
  assert.match(cli('eval', tasks, '--task', 'infill', '--multiline', 'never').err, /--multiline goes with --as-editor/);
});

test('convert says what is missing', () => {
  assert.match(cli('convert', tmp).err, /usage: diffcoder convert CHECKPOINT_DIR OUT_DIR/);
  assert.match(cli('convert', path.join(tmp, 'nope'), path.join(tmp, 'out')).err, /is not a folder/);
  assert.match(cli('convert', tmp, path.join(tmp, 'out'), '--weights', 'int3').err, /--weights must be int8, int4, fp16 or fp32/);
  assert.match(cli('convert', tmp, path.join(tmp, 'out'), '--int8', 'fast').err, /--int8 must be dynamic or nbits \(got "fast"\)/);
});

test('readDocument: CRLF files reach the model with LF; a file mixing both is left as it is', () => {
  const f = path.join(tmp, 'eol.py');
  fs.writeFileSync(f, 'a = 1\r\nb = 2\r\n');
  assert.deepEqual(readDocument(f, 'FILE'), { text: 'a = 1\nb = 2\n', crlf: true });
  fs.writeFileSync(f, 'a = 1\r\nb = 2\n');
  assert.deepEqual(readDocument(f, 'FILE'), { text: 'a = 1\r\nb = 2\n', crlf: false });
  fs.writeFileSync(f, 'a = 1\nb = 2\n');
  assert.deepEqual(readDocument(f, 'FILE'), { text: 'a = 1\nb = 2\n', crlf: false });
});
