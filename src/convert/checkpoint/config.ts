/**
 * config.json of a Hugging Face Llama checkpoint -> the package's Architecture, with errors that name
 * the missing or unsupported field.
 */
import * as fs from 'fs';
import * as path from 'path';
import type { Architecture } from '../../engine/package/manifest';
import { ConvertError } from '../errors';

export interface LlamaConfig {
  architecture: Architecture;
  /** The parsed config.json, kept for provenance. */
  raw: Record<string, unknown>;
}

export function readLlamaConfig(dir: string): LlamaConfig {
  const file = path.join(dir, 'config.json');
  if (!fs.existsSync(file)) throw new ConvertError(`${dir}: no config.json (a Hugging Face Llama checkpoint folder needs one)`);
  let raw: Record<string, unknown>;
  try {
    raw = JSON.parse(fs.readFileSync(file, 'utf8'));
  } catch (e) {
    throw new ConvertError(`config.json is not valid JSON: ${(e as Error).message}`);
  }
  return { architecture: architectureFromConfig(raw), raw };
}

export function architectureFromConfig(c: Record<string, unknown>): Architecture {
  const where = 'config.json';
  const int = (key: string, fallback?: number): number => {
    const v = c[key];
    if (v === undefined || v === null) {
      if (fallback !== undefined) return fallback;
      throw new ConvertError(`${where}: missing required field "${key}"`);
    }
    if (typeof v !== 'number' || !Number.isInteger(v) || v <= 0) {
      throw new ConvertError(`${where}: "${key}" must be a positive integer, got ${JSON.stringify(v)}`);
    }
    return v;
  };
  const num = (key: string, fallback: number): number => {
    const v = c[key];
    if (v === undefined || v === null) return fallback;
    if (typeof v !== 'number' || !(v > 0)) throw new ConvertError(`${where}: "${key}" must be a positive number, got ${JSON.stringify(v)}`);
    return v;
  };

  const modelType = c.model_type;
  if (modelType !== undefined && modelType !== 'llama') {
    throw new ConvertError(`${where}: model_type is ${JSON.stringify(modelType)}; only Llama-architecture checkpoints ("llama") can be converted`);
  }
  const act = c.hidden_act ?? 'silu';
  if (act !== 'silu') throw new ConvertError(`${where}: hidden_act ${JSON.stringify(act)} is not supported (Llama uses "silu")`);
  for (const flag of ['attention_bias', 'mlp_bias']) {
    if (c[flag] === true) throw new ConvertError(`${where}: ${flag}=true is not supported (Llama projections have no bias)`);
  }
  const scaling = c.rope_scaling as { rope_type?: string; type?: string } | null | undefined;
  if (scaling && (scaling.rope_type ?? scaling.type ?? 'default') !== 'default') {
    throw new ConvertError(`${where}: rope_scaling ${JSON.stringify(scaling)} is not supported (plain RoPE only)`);
  }

  const hiddenSize = int('hidden_size');
  const numHeads = int('num_attention_heads');
  const numKvHeads = int('num_key_value_heads', numHeads);
  const headDim = int('head_dim', Math.floor(hiddenSize / numHeads));
  if (numHeads % numKvHeads !== 0) {
    throw new ConvertError(`${where}: num_attention_heads (${numHeads}) must be a multiple of num_key_value_heads (${numKvHeads})`);
  }
  if (headDim % 2 !== 0) throw new ConvertError(`${where}: head_dim (${headDim}) must be even for rotary embeddings`);
  return {
    family: 'llama',
    vocabSize: int('vocab_size'),
    hiddenSize,
    numLayers: int('num_hidden_layers'),
    numHeads,
    numKvHeads,
    headDim,
    intermediateSize: int('intermediate_size'),
    ropeTheta: num('rope_theta', 10000),
    rmsNormEps: num('rms_norm_eps', 1e-6),
    maxPositions: int('max_position_embeddings', 2048),
    tieEmbeddings: c.tie_word_embeddings === true,
  };
}
