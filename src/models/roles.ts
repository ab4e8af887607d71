/**
 * Which model does what. Base checkpoints are trained for infilling, Instruct ones for following
 * instructions: with both installed, completions and hole filling go to the first and edits to the
 * second (two worker processes, the edit one started at the first edit). With one model, it does both.
 */
import * as path from 'path';

export type Role = 'infill' | 'edit';

export interface RolePlan {
  /** Package folder for completions and hole filling. */
  infill: string;
  /** Package folder for instructed edits (the same folder when one model does both). */
  edit: string;
  /** Two different models. */
  split: boolean;
  /** The log line that says how the work is divided. */
  summary: string;
}

/**
 * `infill`: the configured model (or the bundled one); `edit`: the configured edit model, empty for the
 * same one. `chat(dir)` says whether a package has a chat template (used only to word the advice).
 */
export function planRoles(infill: string, edit: string, chat: (dir: string) => boolean | undefined = () => undefined): RolePlan {
  const a = path.resolve(infill);
  const b = edit.trim() ? path.resolve(edit) : a;
  if (a !== b) {
    return { infill: a, edit: b, split: true, summary: `two models: completions and hole filling use ${a}; edits use ${b}` };
  }
  const isChat = chat(a);
  const advice =
    isChat === true
      ? ' (an instruction-tuned model: a Base model in diffcoder.modelPath with this one in diffcoder.editModelPath would suit completions better)'
      : isChat === false
        ? ' (set diffcoder.editModelPath to an Instruct package to use it for edits)'
        : '';
  return { infill: a, edit: a, split: false, summary: `one model for completions, hole filling and edits: ${a}${advice}` };
}
