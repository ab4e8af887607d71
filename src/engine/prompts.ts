/**
 * Prompt formats, built from the package's diffcoder.json. The training data is tokenized through these
 * same functions (scripts/data/tokenize.ts), so what the model saw in training is what it sees here.
 */
import { Template } from '@huggingface/jinja';
import type { Manifest } from './package/manifest';
import type { CodeTokenizer } from './tokenizer';

/** Fill-in-the-middle prompt; the answer (the middle) follows it. */
export function fimPrompt(tok: CodeTokenizer, m: Manifest, prefix: string, suffix: string): number[] {
  const s = m.specialTokens;
  const head = m.prompts.fim.bos ? [s.bos] : [];
  const pre = [s.fimPrefix, ...tok.encode(prefix)];
  const suf = [s.fimSuffix, ...tok.encode(suffix)];
  const body = m.prompts.fim.order === 'spm' ? [...suf, ...pre] : [...pre, ...suf];
  return [...head, ...body, s.fimMiddle];
}

export interface EditInput {
  instruction: string;
  code: string;
  language?: string;
}

const templates = new Map<string, Template>();
function render(source: string, vars: Record<string, unknown>): string {
  let t = templates.get(source);
  if (!t) {
    t = new Template(source);
    templates.set(source, t);
  }
  return t.render(vars);
}

/** Instructed-edit prompt; the answer is the whole new code. */
export function editPrompt(tok: CodeTokenizer, m: Manifest, input: EditInput): number[] {
  const f = m.prompts.edit;
  const vars = {
    instruction: input.instruction,
    code: input.code,
    language: input.language ?? '',
    bos_token: tok.tokenOf(m.specialTokens.bos) ?? '',
    eos_token: tok.tokenOf(m.specialTokens.eos) ?? '',
    pad_token: tok.tokenOf(m.specialTokens.pad) ?? '',
  };
  let text: string;
  if (f.template !== undefined) {
    text = render(f.template, vars);
  } else if (f.chatTemplate !== undefined && f.userMessage !== undefined) {
    const content = render(f.userMessage, vars);
    try {
      text = render(f.chatTemplate, { ...vars, messages: [{ role: 'user', content }], add_generation_prompt: true });
    } catch (e) {
      // raise_exception() in a checkpoint's template, or a construct the renderer does not know
      throw new Error(`the model's chat template (tokenizer_config.json chat_template) did not render an edit prompt: ${(e as Error).message}`);
    }
  } else {
    throw new Error('diffcoder.json prompts.edit needs `template` or `chatTemplate` with `userMessage`');
  }
  return tok.encode(text + (f.responsePrefix ?? ''));
}
