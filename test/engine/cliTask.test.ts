// The editor's way to convert a checkpoint: dist/cli.js convert --json in a child process (src/client/
// cliTask.ts), with progress events, a result, errors in the command's own words, and cancellation that
// leaves neither the output nor a temp folder.
import { test, before } from 'node:test';
import * as assert from 'node:assert/strict';
import * as fs from 'fs';
import * as os from 'os';
import * as path from 'path';
import { CliTaskCancelled, runCliTask, type CliEvent } from '../../src/client/cliTask';
import { makeRandomCheckpoint } from '../fixtures/ensureTinyPackage';
import { builtWorker } from './builtWorker';
import { REPO } from './tinyModel';

const cliPath = path.join(REPO, 'dist', 'cli.js');
const tmp = fs.mkdtempSync(path.join(os.tmpdir(), 'diffcoder-clitask-'));
const checkpoint = path.join(REPO, 'build', 'test-engine', 'clitask-checkpoint');

before(() => {
  builtWorker();
  // big enough that a conversion takes a while (~140 MB of float32): cancellation lands mid-way
  if (!fs.existsSync(path.join(checkpoint, 'config.json'))) makeRandomCheckpoint(checkpoint, ['--hidden', '512', '--layers', '6', '--heads', '8', '--kv-heads', '2', '--intermediate', '1408']);
});

test('convert: progress events, then the done event with the package', async () => {
  const events: CliEvent[] = [];
  const out = path.join(tmp, 'pkg');
  const done = await runCliTask({ cliPath, args: ['convert', checkpoint, out, '--weights', 'int8', '--name', 'task-test'], onEvent: (e) => events.push(e) });
  assert.deepEqual({ event: done.event, dir: done.dir, name: done.name, weights: done.weights, layers: done.layers }, { event: 'done', dir: out, name: 'task-test', weights: 'int8', layers: 6 });
  const fractions = events.filter((e) => e.event === 'progress').map((e) => e.fraction!);
  assert.ok(fractions.length >= 3, `${fractions.length} progress events`);
  assert.deepEqual(fractions, [...fractions].sort((a, b) => a - b), 'progress only goes up');
  assert.equal(fractions.at(-1), 1);
  assert.ok(fs.existsSync(path.join(out, 'diffcoder.json')));
});

test('an error comes back in the command own words', async () => {
  await assert.rejects(runCliTask({ cliPath, args: ['convert', tmp, path.join(tmp, 'x')] }), /no config\.json \(a Hugging Face Llama checkpoint folder needs one\)/);
});

test('cancelling stops the conversion and leaves nothing behind', async () => {
  const ac = new AbortController();
  const out = path.join(tmp, 'cancelled');
  const t0 = Date.now();
  let cancelledAt = 0;
  await assert.rejects(
    runCliTask({
      cliPath,
      args: ['convert', checkpoint, out, '--weights', 'int4'],
      signal: ac.signal,
      onEvent: (e) => {
        if (e.event === 'progress' && (e.fraction ?? 0) > 0.02 && !cancelledAt) {
          cancelledAt = Date.now();
          ac.abort();
        }
      },
    }),
    CliTaskCancelled,
  );
  assert.ok(cancelledAt > 0, 'the conversion reported progress before it was cancelled');
  assert.ok(Date.now() - cancelledAt < 5000, `stopped ${Date.now() - cancelledAt} ms after the cancel (${Date.now() - t0} ms in all)`);
  assert.deepEqual(fs.readdirSync(tmp).filter((f) => f.includes('cancelled')), [], 'no output, no temp folder');
});
