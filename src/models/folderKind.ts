/** What a folder the user points at holds: a model package, a checkpoint to convert, or neither. */
import * as fs from 'fs';
import * as path from 'path';

export type FolderKind = 'package' | 'checkpoint' | 'other';

export function folderKind(dir: string): FolderKind {
  let entries: string[];
  try {
    entries = fs.readdirSync(dir);
  } catch {
    return 'other';
  }
  // A checkpoint may carry a partial diffcoder.json (our training writes one): the weights decide.
  if (entries.includes('model.onnx')) return 'package';
  if (entries.includes('config.json') && entries.some((f) => f.endsWith('.safetensors'))) return 'checkpoint';
  if (entries.includes('diffcoder.json')) return 'package';
  return 'other';
}

export function describeFolder(dir: string): string {
  switch (folderKind(dir)) {
    case 'package':
      return `${dir} holds a model package`;
    case 'checkpoint':
      return `${dir} is a Hugging Face checkpoint (config.json, *.safetensors), not a model package: convert it first`;
    default:
      return `${dir} is neither a model package (diffcoder.json, model.onnx, tokenizer.json) nor a checkpoint (config.json, *.safetensors)`;
  }
}
