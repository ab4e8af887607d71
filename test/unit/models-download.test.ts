// Model downloads (src/models/download.ts) against a file server on 127.0.0.1: a whole download, a
// connection dropped midway (retried with a Range request, and resumed by a later call), a server
// without Range support, a corrupted file, cancellation, redirects to another host, and bad manifests.
import { test, afterEach } from 'node:test';
import * as assert from 'node:assert/strict';
import * as crypto from 'node:crypto';
import * as fs from 'node:fs';
import * as os from 'node:os';
import * as path from 'node:path';
import { download, stagingDir, type DownloadOptions } from '../../src/models/download';
import { DownloadError } from '../../src/models/downloadError';
import { serveFiles, type LoopbackServer } from '../fixtures/loopbackServer';

const rand = (n: number, seed: number) => {
  const out = Buffer.alloc(n);
  let x = seed;
  for (let i = 0; i < n; i++) out[i] = (x = (x * 1103515245 + 12345) >>> 0) >>> 24;
  return out;
};
const FILES: Record<string, Buffer> = {
  'model.onnx': rand(300_000, 1),
  'model.onnx.data': rand(2_000_000, 2),
  'tokenizer.json': Buffer.from('{"model": {"vocab": {}}}'),
  'extra/notes.txt': Buffer.from('in a subfolder\n'),
};
const sha = (b: Buffer) => crypto.createHash('sha256').update(b).digest('hex');
const MANIFEST = JSON.stringify({
  format: 'diffcoder-model-package',
  name: 'served',
  files: Object.fromEntries(Object.entries(FILES).map(([p, b]) => [p, { bytes: b.length, sha256: sha(b) }])),
});
const TOTAL = Object.values(FILES).reduce((s, b) => s + b.length, 0);

const servers: LoopbackServer[] = [];
let tmp: string;
afterEach(async () => {
  for (const s of servers.splice(0)) await s.close();
});

async function setup(behaviour: Parameters<typeof serveFiles>[1] = {}, files: Record<string, Buffer> = { ...FILES, 'pkg/diffcoder.json': Buffer.from(MANIFEST) }) {
  const served = Object.fromEntries(Object.entries(files).map(([p, b]) => [p.startsWith('pkg/') ? p : `pkg/${p}`, b]));
  const s = await serveFiles(served, behaviour);
  servers.push(s);
  tmp = fs.mkdtempSync(path.join(os.tmpdir(), 'dc-download-'));
  const dest = path.join(tmp, 'models', 'served');
  const lines: string[] = [];
  const opts: DownloadOptions = { manifestUrl: `${s.origin}/pkg/diffcoder.json`, dest, retryDelayMs: 10, idleTimeoutMs: 5000, onLog: (l) => lines.push(l) };
  return { s, dest, opts, lines };
}

function assertInstalled(dest: string) {
  for (const [p, b] of Object.entries(FILES)) assert.ok(fs.readFileSync(path.join(dest, p)).equals(b), `${p} arrived intact`);
  assert.equal(fs.readFileSync(path.join(dest, 'diffcoder.json'), 'utf8'), MANIFEST, 'the package manifest is installed with its files');
  assert.deepEqual(fs.readdirSync(dest).sort(), ['diffcoder.json', 'extra', 'model.onnx', 'model.onnx.data', 'tokenizer.json']);
  assert.equal(fs.existsSync(stagingDir(dest)), false, 'no staging folder is left');
}

function assertNothingInstalled(dest: string) {
  assert.equal(fs.existsSync(dest), false, 'nothing is installed');
}

const rejectsWith = (p: Promise<unknown>, kind: DownloadError['kind'], pattern: RegExp) =>
  assert.rejects(p, (e: Error) => {
    assert.ok(e instanceof DownloadError, `not a DownloadError: ${e.stack}`);
    assert.equal(e.kind, kind, e.message);
    assert.match(e.message, pattern);
    return true;
  });

test('a whole download: every file verified, the package installed in one rename, only the configured origin asked', async () => {
  const { s, dest, opts } = await setup();
  const seen: URL[] = [];
  const phases = new Set<string>();
  const r = await download({ ...opts, onRequest: (u) => seen.push(u), onProgress: (p) => phases.add(p.phase) });
  assertInstalled(dest);
  assert.deepEqual({ files: r.files, total: r.totalBytes, fetched: r.fetchedBytes, reused: r.reusedBytes }, { files: 4, total: TOTAL, fetched: TOTAL, reused: 0 });
  assert.deepEqual(s.requests.map((q) => q.path).sort(), ['pkg/diffcoder.json', 'pkg/extra/notes.txt', 'pkg/model.onnx', 'pkg/model.onnx.data', 'pkg/tokenizer.json']);
  assert.ok(seen.every((u) => u.origin === s.origin) && seen.length === s.requests.length);
  assert.deepEqual([...phases], ['manifest', 'downloading', 'installing']);
});

test('a connection dropped midway: retried from the byte it broke at (Range), the file intact', async () => {
  const { s, dest, opts, lines } = await setup({ drop: { path: 'pkg/model.onnx.data', bytes: 700_000, times: 2 } });
  const r = await download(opts);
  assertInstalled(dest);
  const asks = s.requests.filter((q) => q.path === 'pkg/model.onnx.data');
  assert.equal(asks.length, 3);
  assert.equal(asks[0].range, undefined);
  // Each retry continues from what reached the disk: at most the bytes the server sent before the cut
  // (bytes still in flight when a connection breaks are lost, more of them on a busy machine).
  const first = rangeStart(asks[1].range);
  const second = rangeStart(asks[2].range);
  assert.ok(first > 0 && first <= 700_000, `first resume at ${first}`);
  assert.ok(second > first && second <= first + 700_000, `second resume at ${second}`);
  assert.equal(r.fetchedBytes, TOTAL, 'no byte written twice');
  assert.ok(lines.some((l) => new RegExp(`model\\.onnx\\.data: .*broke off after byte ${first}\\b.*retry 1 of 5`).test(l)), lines.join('\n'));
});

function rangeStart(range: string | undefined): number {
  const m = /^bytes=(\d+)-$/.exec(range ?? '');
  assert.ok(m, `a Range request, got ${range}`);
  return Number(m[1]);
}

test('an interrupted download resumes in a later call from the partial file', async () => {
  const { s, dest, opts, lines } = await setup({ drop: { path: 'pkg/model.onnx.data', bytes: 1_234_567, times: 1 } });
  await rejectsWith(download({ ...opts, retries: 0 }), 'network', /broke off after byte \d+ .*partial file is kept: download again to resume/);
  assertNothingInstalled(dest);
  const kept = fs.statSync(path.join(stagingDir(dest), 'model.onnx.data.part')).size;
  assert.ok(kept > 0 && kept <= 1_234_567, `partial file of ${kept} bytes`);
  const r = await download(opts);
  assertInstalled(dest);
  assert.equal(s.requests.filter((q) => q.path === 'pkg/model.onnx.data').at(-1)!.range, `bytes=${kept}-`);
  assert.equal(r.reusedBytes, kept + FILES['model.onnx'].length + FILES['extra/notes.txt'].length, 'the finished files (fetched in path order) and the partial one are not fetched again');
  assert.equal(r.fetchedBytes, TOTAL - r.reusedBytes);
  assert.ok(lines.some((l) => l === `model.onnx.data: resuming at byte ${kept} of 2000000`), lines.join('\n'));
});

test('a server without Range support: the partial file starts over from byte 0', async () => {
  const first = await setup({ drop: { path: 'pkg/model.onnx.data', bytes: 500_000, times: 1 } });
  await rejectsWith(download({ ...first.opts, retries: 0 }), 'network', /broke off/);
  await first.s.close();
  // the same files, now from a server that ignores Range, into the same staging folder
  const s = await serveFiles(Object.fromEntries(Object.entries({ ...FILES, 'diffcoder.json': Buffer.from(MANIFEST) }).map(([p, b]) => [`pkg/${p}`, b])), { noRange: true });
  servers.push(s);
  const lines: string[] = [];
  const r = await download({ ...first.opts, manifestUrl: `${s.origin}/pkg/diffcoder.json`, onLog: (l) => lines.push(l) });
  assertInstalled(first.dest);
  assert.ok(rangeStart(s.requests.find((q) => q.path === 'pkg/model.onnx.data')!.range) > 0, 'it asked to resume');
  assert.ok(lines.some((l) => /model\.onnx\.data: the server does not support ranges \(200, not 206\); starting the file over/.test(l)), lines.join('\n'));
  assert.equal(r.fetchedBytes, FILES['model.onnx.data'].length + FILES['tokenizer.json'].length, 'the files already verified stay; the partial one came whole');
});

test('a corrupted file: sha256 mismatch, that file removed, nothing installed; a good server then installs', async () => {
  const { dest, opts } = await setup({ corrupt: ['pkg/model.onnx.data'] });
  await rejectsWith(download(opts), 'integrity', /^model\.onnx\.data: sha256 [0-9a-f]{64} does not match the manifest's [0-9a-f]{64}; the file was removed and nothing was installed$/);
  assertNothingInstalled(dest);
  const staged = fs.readdirSync(stagingDir(dest));
  assert.ok(!staged.some((f) => f.startsWith('model.onnx.data')), `no trace of the bad file: ${staged}`);
  assert.ok(!staged.includes('.lock'), 'the lock is released');
});

test('a server sending more bytes than the manifest says is refused the same way', async () => {
  const big = { ...FILES, 'tokenizer.json': Buffer.concat([FILES['tokenizer.json'], Buffer.from('trailing')]) };
  const { dest, opts } = await setup({}, { ...big, 'pkg/diffcoder.json': Buffer.from(MANIFEST) });
  await rejectsWith(download(opts), 'integrity', /tokenizer\.json: the server sent more than the manifest's 24 bytes/);
  assertNothingInstalled(dest);
});

test('cancelling: the request stops at once, nothing is installed, the partial file stays for a resume', async () => {
  const { dest, opts } = await setup({ slowMs: 20 });
  const ac = new AbortController();
  const t0 = Date.now();
  let started = 0;
  const p = download({
    ...opts,
    signal: ac.signal,
    onProgress: (x) => {
      if (x.file === 'model.onnx.data' && x.doneBytes > FILES['model.onnx'].length + 100_000 && !started) {
        started = Date.now();
        ac.abort();
      }
    },
  });
  await rejectsWith(p, 'cancelled', /^download cancelled$/);
  assert.ok(Date.now() - started < 1000, `stopped ${Date.now() - started} ms after the cancel`);
  assertNothingInstalled(dest);
  const partial = fs.statSync(path.join(stagingDir(dest), 'model.onnx.data.part')).size;
  assert.ok(partial > 100_000 && partial < FILES['model.onnx.data'].length, `partial ${partial}`);
  const r = await download({ ...opts, onLog: () => undefined });
  assertInstalled(dest);
  assert.ok(r.reusedBytes >= partial, 'the second call went on from the partial file');
  assert.ok(Date.now() - t0 < 20_000);
});

test('no request goes to another host: a redirect off the origin is refused before anything is sent there', async () => {
  const other = await serveFiles({ 'pkg/model.onnx': FILES['model.onnx'] });
  servers.push(other);
  const { s, dest, opts } = await setup({ redirect: { path: 'pkg/model.onnx', to: `${other.origin}/pkg/model.onnx` } });
  await rejectsWith(download(opts), 'policy', new RegExp(`redirects to ${other.origin}; DiffCoder only fetches from ${s.origin}`));
  assert.deepEqual(other.requests, [], 'the other host was never asked');
  assert.ok(s.requests.every((q) => q.host === s.origin.slice('http://'.length)));
  assertNothingInstalled(dest);
  // a redirect within the origin is followed
  const same = await setup({ redirect: { path: 'pkg/tokenizer.json', to: '/pkg/moved/tokenizer.json' } }, { ...FILES, 'pkg/moved/tokenizer.json': FILES['tokenizer.json'], 'pkg/diffcoder.json': Buffer.from(MANIFEST) });
  await download(same.opts);
  assertInstalled(same.dest);
});

test('URLs and manifests that are refused before any file is fetched', async () => {
  const dest = path.join(fs.mkdtempSync(path.join(os.tmpdir(), 'dc-download-')), 'x');
  let asked = 0;
  const onRequest = () => asked++;
  // plain http to another machine (a documentation address: nothing is sent, so nothing answers)
  await rejectsWith(download({ manifestUrl: 'http://192.0.2.1/pkg/diffcoder.json', dest, onRequest }), 'policy', /only https URLs are fetched \(plain http only from this machine\)/);
  await rejectsWith(download({ manifestUrl: 'https://user:secret@192.0.2.1/m.json', dest, onRequest }), 'policy', /credentials in the URL are not sent/);
  assert.equal(asked, 0);
  const bad = async (manifest: object, pattern: RegExp) => {
    const { s, opts } = await setup({}, { ...FILES, 'pkg/diffcoder.json': Buffer.from(JSON.stringify(manifest)) });
    await rejectsWith(download(opts), 'manifest', pattern);
    assert.deepEqual(s.requests.map((q) => q.path), ['pkg/diffcoder.json']);
  };
  await bad({ files: { '../evil.sh': { bytes: 1, sha256: sha(Buffer.from('x')) } } }, /lists "\.\.\/evil\.sh": a file path must be relative/);
  await bad({ files: { '/etc/passwd': { bytes: 1, sha256: sha(Buffer.from('x')) } } }, /a file path must be relative/);
  await bad({ files: { 'model.onnx': { bytes: -1, sha256: sha(Buffer.from('x')) } } }, /bytes must be a whole number >= 0/);
  await bad({ files: { 'model.onnx': { bytes: 1, sha256: 'abc' } } }, /sha256 must be 64 hex digits/);
  await bad({ name: 'no files' }, /has no "files" object/);
  const missing = await setup({}, { ...FILES });
  await rejectsWith(download(missing.opts), 'http', /diffcoder\.json: the server answered 404/);
});

test('an earlier package is replaced whole; a folder that is not a package is left alone', async () => {
  const { dest, opts } = await setup();
  fs.mkdirSync(dest, { recursive: true });
  fs.writeFileSync(path.join(dest, 'diffcoder.json'), '{}');
  fs.writeFileSync(path.join(dest, 'stale.bin'), 'old');
  await download(opts);
  assertInstalled(dest);
  const mine = path.join(tmp, 'mine');
  fs.mkdirSync(mine);
  fs.writeFileSync(path.join(mine, 'notes.txt'), 'mine');
  await rejectsWith(download({ ...opts, dest: mine }), 'local', /is not a model package \(no diffcoder\.json\); refusing to replace it/);
  assert.deepEqual(fs.readdirSync(mine), ['notes.txt']);
});
