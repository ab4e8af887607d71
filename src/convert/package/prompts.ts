/**
 * Prompt formats for the manifest: the partial manifest's own (our model), else, for chat checkpoints,
 * the checkpoint's chat template with a user message asking for the edited code in a fenced block.
 */
import type { EditFormat, FimFormat } from '../../engine/package/manifest';
import { ConvertError } from '../errors';

export const CHAT_USER_MESSAGE =
  'Edit the following {{ language }} code as instructed. Reply with the complete edited code in a single fenced code block and nothing else.\n\n' +
  'Instruction: {{ instruction }}\n\n```{{ language }}\n{{ code }}\n```';

/** For base checkpoints without a chat template: a plain completion-style edit prompt. */
export const BASE_EDIT_TEMPLATE =
  '{{ bos_token }}# Instruction: {{ instruction }}\n# Original {{ language }} code:\n```{{ language }}\n{{ code }}\n```\n# Edited code:\n';

export const RESPONSE_PREFIX = '```\n';

/** chat_template may be a string or a list of named templates (use "default"). */
export function chatTemplateOf(config: Record<string, unknown> | undefined): string | undefined {
  const t = config?.chat_template;
  if (typeof t === 'string') return t;
  if (Array.isArray(t)) {
    const named = t as { name?: string; template?: string }[];
    return (named.find((x) => x.name === 'default') ?? named[0])?.template;
  }
  return undefined;
}

export function resolvePrompts(
  partial: { fim?: FimFormat; edit?: EditFormat } | undefined,
  tokenizerConfig: Record<string, unknown> | undefined,
): { fim: FimFormat; edit: EditFormat } {
  if (partial?.fim || partial?.edit) {
    if (!partial.fim || !partial.edit) throw new ConvertError('diffcoder.json prompts must give both "fim" and "edit"');
    const e = partial.edit;
    if (!!e.template === !!e.chatTemplate) throw new ConvertError('diffcoder.json prompts.edit must set exactly one of "template" or "chatTemplate"');
    if (partial.fim.order !== 'spm' && partial.fim.order !== 'psm') throw new ConvertError(`diffcoder.json prompts.fim.order must be "spm" or "psm"`);
    return { fim: partial.fim, edit: e };
  }
  // Seed-Coder trained suffix-prefix-middle; a bos first matches how its tokenizer encodes a prompt.
  const fim: FimFormat = { order: 'spm', bos: tokenizerConfig?.add_bos_token !== false };
  const chatTemplate = chatTemplateOf(tokenizerConfig);
  if (chatTemplate) return { fim, edit: { chatTemplate, userMessage: CHAT_USER_MESSAGE, responsePrefix: RESPONSE_PREFIX, stripFences: true } };
  return { fim, edit: { template: BASE_EDIT_TEMPLATE, responsePrefix: RESPONSE_PREFIX, stripFences: true } };
}
