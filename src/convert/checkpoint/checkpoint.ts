/**
 * A Hugging Face Llama checkpoint folder: config.json plus one or more .safetensors files (sharded ones
 * listed by model.safetensors.index.json). Knows the tensor names and shapes a Llama model must have and
 * reports a missing, misshapen or unexpected tensor by its exact name.
 */
import * as fs from 'fs';
import * as path from 'path';
import type { Architecture } from '../../engine/package/manifest';
import { ConvertError } from '../errors';
import { readLlamaConfig } from './config';
import { SafetensorsFile, type TensorInfo } from './safetensors';

export const INDEX_FILE = 'model.safetensors.index.json';

/** Tensors some exporters save that carry no weights we need. */
const IGNORED = [/^model\.layers\.\d+\.self_attn\.rotary_emb\.inv_freq$/];

export interface LayerTensorNames {
  inputNorm: string;
  q: string;
  k: string;
  v: string;
  o: string;
  postNorm: string;
  gate: string;
  up: string;
  down: string;
}

export const EMBED = 'model.embed_tokens.weight';
export const FINAL_NORM = 'model.norm.weight';
export const LM_HEAD = 'lm_head.weight';

export function layerTensorNames(i: number): LayerTensorNames {
  const p = `model.layers.${i}`;
  return {
    inputNorm: `${p}.input_layernorm.weight`,
    q: `${p}.self_attn.q_proj.weight`,
    k: `${p}.self_attn.k_proj.weight`,
    v: `${p}.self_attn.v_proj.weight`,
    o: `${p}.self_attn.o_proj.weight`,
    postNorm: `${p}.post_attention_layernorm.weight`,
    gate: `${p}.mlp.gate_proj.weight`,
    up: `${p}.mlp.up_proj.weight`,
    down: `${p}.mlp.down_proj.weight`,
  };
}

/** Every tensor the architecture needs, with its HF shape ([out, in] for projections). */
export function expectedTensors(a: Architecture): Map<string, number[]> {
  const m = new Map<string, number[]>();
  const H = a.hiddenSize;
  m.set(EMBED, [a.vocabSize, H]);
  for (let i = 0; i < a.numLayers; i++) {
    const n = layerTensorNames(i);
    m.set(n.inputNorm, [H]);
    m.set(n.q, [a.numHeads * a.headDim, H]);
    m.set(n.k, [a.numKvHeads * a.headDim, H]);
    m.set(n.v, [a.numKvHeads * a.headDim, H]);
    m.set(n.o, [H, a.numHeads * a.headDim]);
    m.set(n.postNorm, [H]);
    m.set(n.gate, [a.intermediateSize, H]);
    m.set(n.up, [a.intermediateSize, H]);
    m.set(n.down, [H, a.intermediateSize]);
  }
  m.set(FINAL_NORM, [H]);
  if (!a.tieEmbeddings) m.set(LM_HEAD, [a.vocabSize, H]);
  return m;
}

export class Checkpoint {
  private readonly files: SafetensorsFile[] = [];
  private readonly byName = new Map<string, { file: SafetensorsFile; info: TensorInfo }>();

  private constructor(
    readonly dir: string,
    readonly architecture: Architecture,
    readonly config: Record<string, unknown>,
  ) {}

  static open(dir: string): Checkpoint {
    if (!fs.existsSync(dir) || !fs.statSync(dir).isDirectory()) throw new ConvertError(`${dir}: not a checkpoint folder`);
    const { architecture, raw } = readLlamaConfig(dir);
    const ck = new Checkpoint(dir, architecture, raw);
    try {
      ck.openWeights();
      ck.validate();
    } catch (e) {
      ck.close();
      throw e;
    }
    return ck;
  }

  private openWeights(): void {
    const indexPath = path.join(this.dir, INDEX_FILE);
    let shardNames: string[];
    let weightMap: Record<string, string> | undefined;
    if (fs.existsSync(indexPath)) {
      try {
        weightMap = JSON.parse(fs.readFileSync(indexPath, 'utf8')).weight_map;
      } catch (e) {
        throw new ConvertError(`${INDEX_FILE} is not valid JSON: ${(e as Error).message}`);
      }
      if (!weightMap || typeof weightMap !== 'object') throw new ConvertError(`${INDEX_FILE} has no "weight_map" object`);
      shardNames = [...new Set(Object.values(weightMap))].sort();
      for (const s of shardNames) {
        if (!fs.existsSync(path.join(this.dir, s))) throw new ConvertError(`${INDEX_FILE} lists shard ${s}, which is not in ${this.dir}`);
      }
    } else {
      shardNames = fs.readdirSync(this.dir).filter((f) => f.endsWith('.safetensors')).sort();
      if (shardNames.length === 0) throw new ConvertError(`${this.dir}: no .safetensors weight files`);
    }
    for (const s of shardNames) {
      const f = SafetensorsFile.open(path.join(this.dir, s));
      this.files.push(f);
      for (const info of f.tensors.values()) {
        const prev = this.byName.get(info.name);
        if (prev) throw new ConvertError(`tensor ${info.name} is stored twice: in ${path.basename(prev.file.file)} and ${s}`);
        if (weightMap && weightMap[info.name] !== undefined && weightMap[info.name] !== s) {
          throw new ConvertError(`${INDEX_FILE} puts ${info.name} in ${weightMap[info.name]} but it is in ${s}`);
        }
        this.byName.set(info.name, { file: f, info });
      }
    }
    if (weightMap) {
      for (const [name, shard] of Object.entries(weightMap)) {
        if (!this.byName.has(name)) throw new ConvertError(`${INDEX_FILE} lists ${name} in ${shard}, but that shard does not contain it`);
      }
    }
  }

  private validate(): void {
    const a = this.architecture;
    const expected = expectedTensors(a);
    for (const [name, shape] of expected) {
      const t = this.byName.get(name);
      if (!t) {
        const hint = name === LM_HEAD ? ' (config.json says tie_word_embeddings is false, so the output layer must be stored)' : '';
        throw new ConvertError(`missing tensor ${name} (expected shape [${shape.join(', ')}])${hint}`);
      }
      const got = t.info.shape;
      if (got.length !== shape.length || got.some((d, i) => d !== shape[i])) {
        throw new ConvertError(`tensor ${name} has shape [${got.join(', ')}] but config.json implies [${shape.join(', ')}]`);
      }
      if (!['F32', 'F16', 'BF16'].includes(t.info.dtype)) {
        throw new ConvertError(`tensor ${name} has dtype ${t.info.dtype}; only F32, F16 and BF16 weights can be converted`);
      }
    }
    const unknown = [...this.byName.keys()].filter(
      (n) => !expected.has(n) && !IGNORED.some((r) => r.test(n)) && !(a.tieEmbeddings && n === LM_HEAD),
    );
    if (unknown.length) {
      const shown = unknown.slice(0, 5).join(', ') + (unknown.length > 5 ? `, ... (${unknown.length} in all)` : '');
      throw new ConvertError(`unknown tensor(s) for a ${a.numLayers}-layer Llama model: ${shown}`);
    }
  }

  tensor(name: string): { file: SafetensorsFile; info: TensorInfo } {
    const t = this.byName.get(name);
    if (!t) throw new ConvertError(`missing tensor ${name}`);
    return t;
  }

  /** dtypes of the stored weights, e.g. {BF16: 291}. */
  dtypes(): Record<string, number> {
    const out: Record<string, number> = {};
    for (const { info } of this.byName.values()) out[info.dtype] = (out[info.dtype] ?? 0) + 1;
    return out;
  }

  close(): void {
    for (const f of this.files) f.close();
  }
}
