// The Python pipeline's own unittest suites (scripts/tests), run from the project's one test command.
// They need Debian's python3-torch / python3-numpy / python3-onnx, which .ci/run installs.
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { spawnSync } from 'node:child_process';
import { existsSync } from 'node:fs';

const python = process.env.DIFFCODER_PYTHON ?? (existsSync('/usr/bin/python3') ? '/usr/bin/python3' : 'python3');

test('python unittest suites in scripts/tests pass', { timeout: 15 * 60_000 }, () => {
  const r = spawnSync(python, ['-m', 'unittest', 'discover', '-s', 'tests', '-t', '.'], {
    cwd: 'scripts',
    encoding: 'utf8',
    env: { ...process.env, OMP_WAIT_POLICY: 'PASSIVE' },
  });
  if (r.status !== 0) console.error(r.stdout, r.stderr);
  assert.equal(r.status, 0, 'python -m unittest failed (output above)');
  assert.match(r.stderr, /Ran \d+ tests/);
});
