/**
 * The engine tests' models: the shared tiny package (test/fixtures/ensureTinyPackage.ts: a random spiky
 * Llama checkpoint with the real tokenizer, converted by src/convert/), and a variant of it whose
 * answers end by EOS, for the parity test. Also helpers to break a copy of a package.
 */
import { spawnSync } from 'child_process';
import * as crypto from 'crypto';
import * as fs from 'fs';
import * as path from 'path';
import { convertCheckpoint, type WeightFormat } from '../../src/convert';
import { ensureTinyPackage, REPO_ROOT } from '../fixtures/ensureTinyPackage';
import { copyCheckpoint, float32Of, readSafetensors, writeSafetensors } from '../fixtures/safetensors-edit';

export const REPO = REPO_ROOT;
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

/**
 * The tiny package (2 layers, hidden 64, vocab 16384), fp32 unless asked. `eosLike`: EOS's output row
 * becomes 1.001 x that token's row, so EOS wins wherever that token would (its logit being positive
 * there): answers that end by EOS at varied positions.
 */
export async function tinyModel(opts: { weights?: 'fp32' | 'int8'; eosLike?: number } = {}): Promise<TinyModel> {
  const base = await ensureTinyPackage({ weights: opts.weights ?? 'fp32' });
  if (opts.eosLike === undefined) return { dir: base.dir, checkpoint: base.checkpointDir };
  const key = crypto.createHash('sha256').update(base.checkpointDir).digest('hex').slice(0, 8);
  const checkpoint = path.join(ROOT, `eos${opts.eosLike}-${key}`, 'checkpoint');
  const dir = path.join(path.dirname(checkpoint), opts.weights ?? 'fp32');
  if (!fs.existsSync(path.join(dir, 'diffcoder.json'))) {
    copyCheckpoint(base.checkpointDir, checkpoint);
    const file = fs.readdirSync(checkpoint).find((f) => f.endsWith('.safetensors'))!;
    const tensors = readSafetensors(path.join(checkpoint, file));
    const head = tensors.get('lm_head.weight')!;
    const w = float32Of(head);
    const H = head.shape[1];
    const eos = base.manifest.specialTokens.eos;
    for (let j = 0; j < H; j++) w[eos * H + j] = 1.001 * w[opts.eosLike * H + j];
    tensors.set('lm_head.weight', { ...head, data: Buffer.from(w.buffer) });
    writeSafetensors(path.join(checkpoint, file), tensors);
    fs.rmSync(dir, { recursive: true, force: true });
    await convertCheckpoint(checkpoint, dir, { weights: opts.weights ?? 'fp32', verifySession: false });
  }
  return { dir, checkpoint };
}

/**
 * A small model laid out like Stable-DiffCoder-8B: bf16 weights in two shards with an index, GQA 4:1,
 * rope theta 500000, untied output layer, Seed-Coder's special tokens (bos 0, eos 2, mask 5, fim 6-8) and
 * a Seed-style chat template in tokenizer_config.json, no diffcoder.json partial: everything the package
 * says about prompts and tokens comes from the checkpoint's own files, as for the real one.
 */
export async function stableDiffCoderModel(weights: WeightFormat = 'fp32'): Promise<TinyModel> {
  const p = await ensureTinyPackage({
    weights,
    flavor: 'stable-diffcoder',
    hidden: 128,
    layers: 3,
    heads: 8,
    kvHeads: 2,
    intermediate: 192,
    seed: 4,
    extraArgs: ['--rope-theta', '500000', '--dtype', 'bf16', '--shards', '2', '--vocab', '512'],
  });
  return { dir: p.dir, checkpoint: p.checkpointDir };
}

/** A copy of a package in a fresh folder (to break it). */
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
