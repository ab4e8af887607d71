// One request at a time; a new completion supersedes queued and running completions, any request a prefill; cancel by id.
import { test } from 'node:test';
import * as assert from 'node:assert/strict';
import { CancellationTokenSource, type CancellationToken } from 'vscode-jsonrpc';
import { RequestQueue } from '../../src/engine/requestQueue';

const tick = () => new Promise((r) => setTimeout(r, 5));

/** A job that runs until cancelled or `steps` ticks passed; records start order and outcome. */
function job(log: string[], name: string, steps = 4) {
  return async (token: CancellationToken) => {
    log.push(`start ${name}`);
    for (let i = 0; i < steps; i++) {
      if (token.isCancellationRequested) {
        log.push(`cancelled ${name}`);
        return 'cancelled';
      }
      await tick();
    }
    log.push(`done ${name}`);
    return 'done';
  };
}

test('jobs run one at a time, in order', async () => {
  const q = new RequestQueue();
  const log: string[] = [];
  await Promise.all([q.run('edit', 'a', undefined, job(log, 'a')), q.run('fill', 'b', undefined, job(log, 'b'))]);
  assert.deepEqual(log, ['start a', 'done a', 'start b', 'done b']);
  assert.equal(q.size, 0);
});

test('a completion supersedes running and queued completions, not edits', async () => {
  const q = new RequestQueue();
  const log: string[] = [];
  const r = [
    q.run('complete', 'c1', undefined, job(log, 'c1')),
    q.run('edit', 'e1', undefined, job(log, 'e1')),
    q.run('complete', 'c2', undefined, job(log, 'c2')),
  ];
  await tick();
  r.push(q.run('complete', 'c3', undefined, job(log, 'c3')));
  assert.deepEqual(await Promise.all(r), ['cancelled', 'done', 'cancelled', 'done']);
  assert.deepEqual(log, ['start c1', 'cancelled c1', 'start e1', 'done e1', 'start c2', 'cancelled c2', 'start c3', 'done c3']);
});

test('any request supersedes a prefill, running or queued; a prefill supersedes no other', async () => {
  const q = new RequestQueue();
  const log: string[] = [];
  const r = [q.run('prefill', 'p1', undefined, job(log, 'p1')), q.run('complete', 'c1', undefined, job(log, 'c1'))];
  r.push(q.run('prefill', 'p2', undefined, job(log, 'p2')));
  r.push(q.run('edit', 'e1', undefined, job(log, 'e1')));
  await tick();
  r.push(q.run('prefill', 'p3', undefined, job(log, 'p3')));
  assert.deepEqual(await Promise.all(r), ['cancelled', 'done', 'cancelled', 'done', 'done']);
  assert.deepEqual(log, ['start p1', 'cancelled p1', 'start c1', 'done c1', 'start p2', 'cancelled p2', 'start e1', 'done e1', 'start p3', 'done p3']);
});

test('a queued completion superseded twice (typing during an edit) is cancelled, not an error', async () => {
  const q = new RequestQueue();
  const log: string[] = [];
  const r = [q.run('edit', 'e1', undefined, job(log, 'e1')), q.run('complete', 'c1', undefined, job(log, 'c1')), q.run('complete', 'c2', undefined, job(log, 'c2'))];
  r.push(q.run('complete', 'c3', undefined, job(log, 'c3')));
  assert.deepEqual(await Promise.all(r), ['done', 'cancelled', 'cancelled', 'done']);
});

test('cancel by requestId, and by the RPC token (also when cancelled before it is queued)', async () => {
  const q = new RequestQueue();
  const log: string[] = [];
  const a = q.run('edit', 'a', undefined, job(log, 'a', 50));
  await tick();
  assert.equal(q.cancel('a'), true);
  assert.equal(q.cancel('nope'), false);
  assert.equal(await a, 'cancelled');
  const src = new CancellationTokenSource();
  src.cancel();
  assert.equal(await q.run('fill', 'b', src.token, job(log, 'b')), 'cancelled');
  const src2 = new CancellationTokenSource();
  const c = q.run('fill', 'c', src2.token, job(log, 'c', 50));
  await tick();
  src2.cancel();
  assert.equal(await c, 'cancelled');
});

test('a failing job does not stop the queue', async () => {
  const q = new RequestQueue();
  const bad = q.run('edit', 'x', undefined, async () => {
    throw new Error('boom');
  });
  await assert.rejects(bad, /boom/);
  assert.equal(await q.run('edit', 'y', undefined, async () => 'ok'), 'ok');
});
