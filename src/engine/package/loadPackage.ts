/**
 * Reads a model package folder: diffcoder.json (every field validated), the listed files (present, right
 * size, right sha256) and tokenizer.json (parses; special token ids exist). Throws one PackageError that
 * lists every problem found. model.onnx's inputs and outputs are checked once a session has it
 * (validateGraph), since only onnxruntime can say what the graph declares.
 */
import * as fs from 'fs';
import * as path from 'path';
import type { Manifest } from './manifest';
import { PackageError, Problems } from './problems';
import { validateManifest, validateTokens } from './validateManifest';
import { HashCache, verifyFiles } from './verifyFiles';
import { CodeTokenizer } from '../tokenizer';

export interface ModelPackage {
  dir: string;
  manifest: Manifest;
  tokenizer: CodeTokenizer;
  modelFile: string;
}

export async function loadPackage(dirIn: string, hashes: HashCache = new HashCache()): Promise<ModelPackage> {
  const dir = path.resolve(dirIn);
  const p = new Problems();
  if (!fs.existsSync(dir) || !fs.statSync(dir).isDirectory()) {
    throw new PackageError(dir, [{ kind: 'missing-file', where: dir, message: 'is not a folder (a model package is a folder holding diffcoder.json, model.onnx and tokenizer.json)' }]);
  }
  const json = readJson(path.join(dir, 'diffcoder.json'), 'diffcoder.json', p);
  p.throwIfAny(dir);
  if (!validateManifest(json, p)) p.throwIfAny(dir);
  const manifest = json as Manifest;

  await verifyFiles(dir, manifest.files, p, hashes);
  // A file the engine opens must exist even if the list forgot it (that is reported above as bad-field).
  for (const need of ['model.onnx', 'tokenizer.json']) {
    if (!manifest.files[need] && !fs.existsSync(path.join(dir, need))) p.add('missing-file', need, `not found in ${dir}`);
  }
  let tokenizer: CodeTokenizer | undefined;
  const tokJson = p.list.some((x) => x.where === 'tokenizer.json') ? undefined : readJson(path.join(dir, 'tokenizer.json'), 'tokenizer.json', p);
  if (tokJson !== undefined) {
    try {
      tokenizer = new CodeTokenizer(tokJson as Record<string, unknown>);
    } catch (e) {
      p.add('bad-json', 'tokenizer.json', `is not a tokenizer @huggingface/tokenizers can load: ${(e as Error).message}`);
    }
  }
  if (tokenizer) validateTokens(manifest, tokenizer, p);
  p.throwIfAny(dir);
  return { dir, manifest, tokenizer: tokenizer!, modelFile: path.join(dir, 'model.onnx') };
}

function readJson(file: string, name: string, p: Problems): unknown {
  let text: string;
  try {
    text = fs.readFileSync(file, 'utf8');
  } catch {
    p.add('missing-file', name, `not found in ${path.dirname(file)}`);
    return undefined;
  }
  try {
    return JSON.parse(text);
  } catch (e) {
    p.add('bad-json', name, `is not valid JSON: ${(e as Error).message}`);
    return undefined;
  }
}
