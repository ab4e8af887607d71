/**
 * Packaging: `npm run package` builds a platform-specific VSIX that holds only what runs, with only the
 * target's onnxruntime binaries, under the size limit; a target without binaries fails loudly.
 */
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { spawnSync } from 'node:child_process';
import * as fs from 'node:fs';
import * as path from 'node:path';
import { ROOT, log } from './harness';

function pack(target: string): { status: number | null; out: string; vsix: string } {
  const vsix = path.join(ROOT, 'build', 'e2e', `package-${target}.vsix`);
  fs.rmSync(vsix, { force: true });
  const r = spawnSync(process.execPath, ['scripts/package-vsix.mjs', '--target', target, '--allow-missing-model', '--out', vsix], { cwd: ROOT, encoding: 'utf8' });
  return { status: r.status, out: r.stdout + r.stderr, vsix };
}

/** File names in a VSIX (a zip): read from its central directory. */
function entries(vsix: string): string[] {
  const buf = fs.readFileSync(vsix);
  let eocd = buf.length - 22;
  while (eocd >= 0 && buf.readUInt32LE(eocd) !== 0x06054b50) eocd--;
  assert.ok(eocd >= 0, 'a zip file');
  const count = buf.readUInt16LE(eocd + 10);
  let at = buf.readUInt32LE(eocd + 16);
  const names: string[] = [];
  for (let i = 0; i < count; i++) {
    assert.equal(buf.readUInt32LE(at), 0x02014b50, 'central directory entry');
    const nameLen = buf.readUInt16LE(at + 28);
    const extraLen = buf.readUInt16LE(at + 30);
    const commentLen = buf.readUInt16LE(at + 32);
    names.push(buf.toString('utf8', at + 46, at + 46 + nameLen));
    at += 46 + nameLen + extraLen + commentLen;
  }
  return names;
}

for (const [target, os, lib] of [
  ['linux-x64', 'linux/x64', 'libonnxruntime.so.1'],
  ['win32-x64', 'win32/x64', 'onnxruntime.dll'],
] as const) {
  test(`package: ${target} VSIX holds only what runs`, { timeout: 120_000 }, () => {
    const r = pack(target);
    assert.equal(r.status, 0, r.out);
    const size = fs.statSync(r.vsix).size;
    log(`${target} VSIX: ${(size / 1048576).toFixed(1)} MB`);
    assert.ok(size < 60 * 1048576, 'under 60 MB');
    const names = entries(r.vsix);
    const native = names.filter((n) => n.includes('/bin/napi-v6/'));
    assert.ok(native.some((n) => n.endsWith(`${os}/onnxruntime_binding.node`)), 'the binding for the target');
    assert.ok(native.some((n) => n.endsWith(`${os}/${lib}`)), `${lib} for the target`);
    assert.deepEqual(native.filter((n) => !n.includes(`/napi-v6/${os}/`)), [], 'no other platform binaries');
    assert.ok(names.includes('extension/dist/extension.js') && names.includes('extension/dist/worker.js'));
    assert.deepEqual(names.filter((n) => /\.(ts|map)$|\/src\/|\/test\/|\/scripts\//.test(n)), [], 'no sources, maps, tests or scripts');
    const manifest = names.find((n) => n === 'extension.vsixmanifest');
    assert.ok(manifest);
  });
}

test('package: a target without onnxruntime binaries fails loudly', { timeout: 60_000 }, () => {
  const r = pack('darwin-x64');
  assert.notEqual(r.status, 0);
  assert.match(r.out, /no onnxruntime-node binaries for target 'darwin-x64'/);
});
