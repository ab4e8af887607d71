/**
 * The Manifest the prompt functions need, built from scripts/diffcoder/package-defaults.json and the
 * tokenizer (special tokens are named by string there; ids come from tokenizer.json). Only the fields
 * prompts.ts reads are real; architecture and files are placeholders, since no model exists yet.
 */
import * as fs from 'fs';
import * as path from 'path';
import type { Manifest, SpecialTokens } from '../../../src/engine/package/manifest';
import type { CodeTokenizer } from '../../../src/engine/tokenizer';

export const PACKAGE_DEFAULTS = path.join(__dirname, '..', '..', 'diffcoder', 'package-defaults.json');

export function manifestFor(tok: CodeTokenizer, defaultsFile = PACKAGE_DEFAULTS): Manifest {
  const d = JSON.parse(fs.readFileSync(defaultsFile, 'utf8'));
  const special: Record<string, number> = {};
  for (const [role, token] of Object.entries(d.specialTokens as Record<string, string>)) {
    const id = tok.idOf(token);
    if (id === undefined) throw new Error(`special token ${token} (${role}) is not in the tokenizer`);
    special[role] = id;
  }
  return {
    format: 'diffcoder-model-package',
    formatVersion: 1,
    name: d.name,
    version: '0.0.0-data',
    architecture: {
      family: 'llama', vocabSize: tok.vocabSize, hiddenSize: 0, numLayers: 0, numHeads: 0, numKvHeads: 0,
      headDim: 0, intermediateSize: 0, ropeTheta: 0, rmsNormEps: 0, maxPositions: 0, tieEmbeddings: true,
    },
    blockSize: d.blockSize,
    specialTokens: special as unknown as SpecialTokens,
    prompts: d.prompts,
    decoding: d.decoding,
    weights: { dtype: 'fp32' },
    files: {},
  };
}

/** The literal strings of the special tokens: training text containing one is dropped, since the
 * tokenizer would turn it into the control token itself. */
export function specialStrings(defaultsFile = PACKAGE_DEFAULTS): string[] {
  const d = JSON.parse(fs.readFileSync(defaultsFile, 'utf8'));
  return Object.values(d.specialTokens as Record<string, string>);
}
