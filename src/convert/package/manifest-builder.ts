/** Assembles diffcoder.json from the checkpoint, its tokenizer files and an optional partial manifest. */
import * as path from 'path';
import {
  MANIFEST_FORMAT,
  MANIFEST_FORMAT_VERSION,
  type Architecture,
  type DecodingDefaults,
  type EditFormat,
  type FileEntry,
  type FimFormat,
  type Manifest,
} from '../../engine/package/manifest';
import { ConvertError } from '../errors';
import { resolvePrompts } from './prompts';
import { resolveSpecialTokens } from './special-tokens';
import type { TokenizerFiles } from './tokenizer-files';

/** The optional diffcoder.json in a checkpoint folder: package-defaults.json plus provenance/evaluation. */
export interface PartialManifest {
  name?: string;
  version?: string;
  description?: string;
  blockSize?: number;
  specialTokens?: Record<string, string | number>;
  prompts?: { fim?: FimFormat; edit?: EditFormat };
  decoding?: Partial<DecodingDefaults>;
  provenance?: Record<string, unknown>;
  evaluation?: Record<string, unknown>;
}

export const DEFAULT_BLOCK_SIZE = 4;

export interface ManifestInputs {
  srcDir: string;
  architecture: Architecture;
  config: Record<string, unknown>;
  tokenizer: TokenizerFiles;
  partial?: PartialManifest;
  weights: Manifest['weights'];
  name?: string;
  version?: string;
  converter: Record<string, unknown>;
}

/**
 * Our training (scripts/train.py) records its window length in the partial's provenance (seq_len): the
 * package's trainedPositions, where shorter than the positions config.json allows.
 */
function trainedPositions(p: PartialManifest, a: Architecture): { trainedPositions?: number } {
  const n = p.provenance?.seq_len;
  return typeof n === 'number' && Number.isInteger(n) && n > 0 && n < a.maxPositions ? { trainedPositions: n } : {};
}

/** Everything but `files`, which is filled once the files are written. */
export function buildManifest(m: ManifestInputs): Omit<Manifest, 'files'> & { files: Record<string, FileEntry> } {
  const p = m.partial ?? {};
  const blockSize = p.blockSize ?? DEFAULT_BLOCK_SIZE;
  if (!Number.isInteger(blockSize) || blockSize < 1) throw new ConvertError(`diffcoder.json blockSize must be a positive integer, got ${JSON.stringify(p.blockSize)}`);
  if (m.tokenizer.size > m.architecture.vocabSize) {
    throw new ConvertError(`tokenizer.json has token ids up to ${m.tokenizer.size - 1} but config.json vocab_size is ${m.architecture.vocabSize}`);
  }
  const { tokens, source } = resolveSpecialTokens(m.tokenizer, m.architecture.vocabSize, p.specialTokens);
  const prompts = resolvePrompts(p.prompts, m.tokenizer.config);
  // Stable-DiffCoder's reference call decodes one token per step (steps = gen_length): fixed mode.
  const fallback: DecodingDefaults = p.prompts
    ? { mode: 'threshold', threshold: 0.9, stepsPerBlock: blockSize, temperature: 0, promptLookup: true }
    : { mode: 'fixed', threshold: 0.95, stepsPerBlock: blockSize, temperature: 0, promptLookup: true };
  const decoding: DecodingDefaults = { ...fallback, ...(p.decoding ?? {}) };
  if (decoding.mode !== 'threshold' && decoding.mode !== 'fixed') throw new ConvertError(`diffcoder.json decoding.mode must be "threshold" or "fixed"`);
  const sourceName = path.basename(path.resolve(m.srcDir));
  return {
    format: MANIFEST_FORMAT,
    formatVersion: MANIFEST_FORMAT_VERSION,
    name: m.name ?? p.name ?? sourceName,
    version: m.version ?? p.version ?? '1.0.0',
    ...(p.description ? { description: p.description } : {}),
    architecture: { ...m.architecture, ...trainedPositions(p, m.architecture) },
    blockSize,
    specialTokens: tokens,
    prompts,
    decoding,
    weights: m.weights,
    files: {},
    provenance: {
      ...(p.provenance ?? {}),
      conversion: { source: sourceName, config: m.config, specialTokenSources: source, ...m.converter },
    },
    ...(p.evaluation ? { evaluation: p.evaluation } : {}),
  };
}
