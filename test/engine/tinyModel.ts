/**
 * Tiny real model packages for the engine tests: a random Llama checkpoint laid out like the real ones
 * (scripts/diffcoder/make_random_checkpoint.py, --spiky so greedy decoding has no near-ties and depends
 * on the context), converted by the real converter (src/convert/), with the real tokenizer. Built once
 * into build/test-engine/ and reused while the inputs are unchanged.
 */
import { spawnSync } from 'child_process';
import * as crypto from 'crypto';
import * as fs from 'fs';
import * as path from 'path';
import { convertCheckpoint } from '../../src/convert';

export const REPO = path.resolve(__dirname, '..', '..');
const ROOT = path.join(REPO, 'build', 'test-engine');

export interface TinyModel {
  /** The model package. */
  dir: string;
  /** The checkpoint it was converted from (config.json + model.safetensors). */
  checkpoint: string;
}

/** A python3 that imports torch (Debian's python3-torch), or undefined. */
export function pythonWithTorch(): string | undefined {
  for (const py of [process.env.DIFFCODER_PYTHON, '/usr/bin/python3', 'python3']) {
    if (py && spawnSync(py, ['-c', 'import torch'], { cwd: REPO, stdio: 'ignore' }).status === 0) return py;
  }
  return undefined;
}

export const pythonEnv = { ...process.env, OMP_WAIT_POLICY: 'PASSIVE' };

function run(cmd: string, args: string[]): void {
  const r = spawnSync(cmd, args, { cwd: REPO, env: pythonEnv, encoding: 'utf8' });
  if (r.status !== 0) throw new Error(`${cmd} ${args.join(' ')} failed:\n${r.stderr}`);
}

const inputsKey = (...files: string[]) => {
  const h = crypto.createHash('sha256');
  for (const f of files) h.update(fs.readFileSync(path.join(REPO, f)));
  return h.digest('hex').slice(0, 12);
};

/**
 * The tiny package (2 layers, hidden 64, vocab 16384), fp32 unless asked. `eosLike`: the output row of
 * EOS is made 1.001 x the row of that token, so EOS wins wherever that token would (when its logit is
 * positive): answers that end by EOS at varied positions.
 */
export async function tinyModel(opts: { weights?: 'fp32' | 'int8'; eosLike?: number } = {}): Promise<TinyModel> {
  const weights = opts.weights ?? 'fp32';
  const key = inputsKey('scripts/diffcoder/make_random_checkpoint.py', 'media/models/diffcoder-small/tokenizer.json');
  const base = path.join(ROOT, `ck-${key}`);
  if (!fs.existsSync(path.join(base, 'model.safetensors'))) {
    const py = pythonWithTorch();
    if (!py) throw new Error('building the tiny test model needs python3 with torch (Debian python3-torch)');
    run(py, ['-m', 'scripts.diffcoder.make_random_checkpoint', '--out', base, '--hidden', '64', '--layers', '2', '--heads', '4', '--kv-heads', '2', '--intermediate', '128', '--max-positions', '1024', '--spiky']);
  }
  let checkpoint = base;
  if (opts.eosLike !== undefined) {
    checkpoint = `${base}-eos${opts.eosLike}`;
    if (!fs.existsSync(path.join(checkpoint, 'model.safetensors'))) {
      fs.rmSync(checkpoint, { recursive: true, force: true });
      fs.cpSync(base, checkpoint, { recursive: true });
      const eos = JSON.parse(fs.readFileSync(path.join(REPO, 'media/models/diffcoder-small/tokenizer.json'), 'utf8')).added_tokens.find((t: { content: string }) => t.content === '<|eos|>').id;
      run(pythonWithTorch()!, ['-c', [
        'import sys; from scripts.diffcoder import safetensors_io as st',
        `f = "${path.join(checkpoint, 'model.safetensors')}"; t = st.load(f); w = t["lm_head.weight"]`,
        `w[${eos}] = 1.001 * w[${opts.eosLike}]; st.save(t, f)`,
      ].join('\n')]);
    }
  }
  const dir = `${checkpoint}-${weights}`;
  if (!fs.existsSync(path.join(dir, 'diffcoder.json'))) {
    await convertCheckpoint(checkpoint, dir, { weights });
  }
  return { dir, checkpoint };
}

/** A copy of a package in a fresh temp folder (to break it). */
export function copyPackage(dir: string, name: string): string {
  const out = path.join(ROOT, 'tmp', `${name}-${process.pid}`);
  fs.rmSync(out, { recursive: true, force: true });
  fs.cpSync(dir, out, { recursive: true });
  return out;
}

/** Edits diffcoder.json; `rehash` lists files whose size and sha256 are brought up to date. */
export function editManifest(dir: string, edit: (m: Record<string, any>) => void, rehash: string[] = []): void {
  const file = path.join(dir, 'diffcoder.json');
  const m = JSON.parse(fs.readFileSync(file, 'utf8'));
  edit(m);
  for (const f of rehash) {
    const data = fs.readFileSync(path.join(dir, f));
    m.files[f] = { bytes: data.length, sha256: crypto.createHash('sha256').update(data).digest('hex') };
  }
  fs.writeFileSync(file, JSON.stringify(m, null, 2));
}
