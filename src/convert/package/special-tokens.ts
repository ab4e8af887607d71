/**
 * Special token ids for the manifest. From a partial diffcoder.json (our model: token strings or ids),
 * else inferred for Stable-DiffCoder / Seed-Coder checkpoints from tokenizer_config.json and the
 * tokens they are known to use. A missing token is reported by role and by every spelling tried.
 */
import type { SpecialTokens } from '../../engine/package/manifest';
import { ConvertError } from '../errors';
import { tokenField, type TokenizerFiles } from './tokenizer-files';

type Role = keyof SpecialTokens;
const REQUIRED: Role[] = ['bos', 'eos', 'pad', 'mask', 'fimPrefix', 'fimSuffix', 'fimMiddle'];
const OPTIONAL: Role[] = ['editInstruction', 'editCode', 'editResult'];

/** Spellings tried, in order, when no partial manifest names the token (Seed-Coder's first). */
const KNOWN: Record<string, string[]> = {
  bos: ['<[begin▁of▁sentence]>', '<s>', '<|begin_of_text|>'],
  eos: ['<[end▁of▁sentence]>', '</s>', '<|end_of_text|>', '<|endoftext|>'],
  pad: ['<[PAD▁TOKEN]>', '<pad>', '<|pad|>'],
  mask: ['<[MASK_TOKEN]>', '<|mask|>', '<mask>', '<|mdm_mask|>'],
  fimPrefix: ['<[fim-prefix]>', '<|fim_prefix|>', '<fim_prefix>'],
  fimSuffix: ['<[fim-suffix]>', '<|fim_suffix|>', '<fim_suffix>'],
  fimMiddle: ['<[fim-middle]>', '<|fim_middle|>', '<fim_middle>'],
};
const CONFIG_FIELD: Partial<Record<Role, string>> = { bos: 'bos_token', eos: 'eos_token', pad: 'pad_token', mask: 'mask_token' };

export function resolveSpecialTokens(
  tok: TokenizerFiles,
  vocabSize: number,
  partial: Record<string, unknown> | undefined,
): { tokens: SpecialTokens; source: Record<string, string> } {
  const out: Partial<SpecialTokens> = {};
  const source: Record<string, string> = {};
  const check = (role: string, id: number, how: string): number => {
    if (!Number.isInteger(id) || id < 0 || id >= vocabSize) {
      throw new ConvertError(`special token ${role} (${how}) has id ${id}, outside the model's vocabulary of ${vocabSize}`);
    }
    return id;
  };
  const byString = (role: string, s: string, where: string): number => {
    const id = tok.idOf(s);
    if (id === undefined) throw new ConvertError(`special token ${role} = ${JSON.stringify(s)} (from ${where}) is not in tokenizer.json`);
    return check(role, id, JSON.stringify(s));
  };

  if (partial) {
    for (const role of [...REQUIRED, ...OPTIONAL]) {
      const v = partial[role];
      if (v === undefined) continue;
      if (typeof v === 'number') out[role] = check(role, v, 'id from diffcoder.json');
      else if (typeof v === 'string') out[role] = byString(role, v, 'diffcoder.json specialTokens');
      else throw new ConvertError(`diffcoder.json specialTokens.${role} must be a token string or an id`);
      source[role] = 'diffcoder.json';
    }
  }
  for (const role of REQUIRED) {
    if (out[role] !== undefined) continue;
    const field = CONFIG_FIELD[role];
    const fromConfig = field ? tokenField(tok.config, field) : undefined;
    if (fromConfig !== undefined) {
      out[role] = byString(role, fromConfig, `tokenizer_config.json ${field}`);
      source[role] = `tokenizer_config.json ${field}`;
      continue;
    }
    const tried = KNOWN[role];
    const hit = tried.find((s) => tok.idOf(s) !== undefined);
    if (hit !== undefined) {
      out[role] = check(role, tok.idOf(hit)!, JSON.stringify(hit));
      source[role] = `tokenizer.json ${hit}`;
      continue;
    }
    if (role === 'pad' && out.eos !== undefined) {
      out.pad = out.eos; // no pad token: padding is never attended to, eos is a safe stand-in
      source.pad = 'eos (no pad token)';
      continue;
    }
    throw new ConvertError(
      `tokenizer has no ${role} token: looked for ${field ? `tokenizer_config.json "${field}", then ` : ''}${tried.map((s) => JSON.stringify(s)).join(', ')}; ` +
        `name it in a diffcoder.json partial manifest (specialTokens.${role}) in the checkpoint folder`,
    );
  }
  return { tokens: out as SpecialTokens, source };
}
