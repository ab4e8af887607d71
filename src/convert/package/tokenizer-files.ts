/** What the converter needs from tokenizer.json / tokenizer_config.json: token strings <-> ids. */
import * as fs from 'fs';
import * as path from 'path';
import { ConvertError } from '../errors';

export interface TokenizerFiles {
  /** tokenizer.json text (copied into the package verbatim). */
  json: string;
  /** tokenizer_config.json, when the checkpoint has one. */
  config?: Record<string, unknown>;
  idOf(token: string): number | undefined;
  /** Largest id the tokenizer can produce, plus one. */
  size: number;
}

export function readTokenizerFiles(dir: string): TokenizerFiles {
  const file = path.join(dir, 'tokenizer.json');
  if (!fs.existsSync(file)) throw new ConvertError(`${dir}: no tokenizer.json (the package needs the Hugging Face tokenizer file)`);
  const json = fs.readFileSync(file, 'utf8');
  let tok: { added_tokens?: { id: number; content: string }[]; model?: { vocab?: Record<string, number> | [string, number][] } };
  try {
    tok = JSON.parse(json);
  } catch (e) {
    throw new ConvertError(`tokenizer.json is not valid JSON: ${(e as Error).message}`);
  }
  const ids = new Map<string, number>();
  const vocab = tok.model?.vocab;
  // BPE/WordPiece vocabularies are objects; Unigram ones are [piece, score] arrays indexed by id.
  if (Array.isArray(vocab)) vocab.forEach(([piece], i) => ids.set(piece, i));
  else if (vocab) for (const [piece, id] of Object.entries(vocab)) ids.set(piece, id);
  for (const t of tok.added_tokens ?? []) ids.set(t.content, t.id);
  let size = 0;
  for (const id of ids.values()) size = Math.max(size, id + 1);

  let config: Record<string, unknown> | undefined;
  const cfgFile = path.join(dir, 'tokenizer_config.json');
  if (fs.existsSync(cfgFile)) {
    try {
      config = JSON.parse(fs.readFileSync(cfgFile, 'utf8'));
    } catch (e) {
      throw new ConvertError(`tokenizer_config.json is not valid JSON: ${(e as Error).message}`);
    }
  }
  // Only tokenizer.json counts: the engine encodes and decodes with it alone.
  return { json, config, idOf: (t) => ids.get(t), size };
}

/** A tokenizer_config.json token field: "tok" or {"content": "tok", ...}. */
export function tokenField(config: Record<string, unknown> | undefined, key: string): string | undefined {
  const v = config?.[key];
  if (typeof v === 'string') return v;
  if (v && typeof v === 'object' && typeof (v as { content?: unknown }).content === 'string') return (v as { content: string }).content;
  return undefined;
}
