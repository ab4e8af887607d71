/** Typed access to DiffCoder's settings (contributes.configuration in package.json). */
import * as vscode from 'vscode';
import type { DecodingOptions } from '../engine/protocol';
import { DEFAULT_COMPLETER_SETTINGS as D, type CompleterSettings } from '../completion/completer';
import type { MultilineMode } from '../completion/multiline';

export const SECTION = 'diffcoder';

export type DiffStyle = 'inline' | 'side-by-side';

function cfg(scope?: vscode.ConfigurationScope): vscode.WorkspaceConfiguration {
  return vscode.workspace.getConfiguration(SECTION, scope);
}

/** Completions on for this language? `diffcoder.enable` (language-overridable) and `disabledLanguages`. */
export function isEnabledFor(languageId: string): boolean {
  const c = vscode.workspace.getConfiguration(SECTION, { languageId });
  if (!c.get<boolean>('enable', true)) return false;
  return !(cfg().get<string[]>('disabledLanguages', []) ?? []).includes(languageId);
}

export function decodingOptions(): DecodingOptions | undefined {
  const c = cfg();
  const mode = c.get<string>('decoding.mode', 'default');
  const threshold = c.get<number | null>('decoding.threshold', null);
  const drafts = c.get<number | null>('decoding.draftStates', null);
  const out: DecodingOptions = {};
  if (mode === 'threshold' || mode === 'fixed') out.mode = mode;
  if (typeof threshold === 'number') out.threshold = threshold;
  if (Number.isInteger(drafts) && drafts! >= 0 && drafts! <= 16) out.draftStates = drafts!;
  return Object.keys(out).length ? out : undefined;
}

/** A number in [0, 1], else undefined (the package's value; settings.json already flags the bad value). */
function probability(v: unknown): number | undefined {
  return typeof v === 'number' && v >= 0 && v <= 1 ? v : undefined;
}

export function completerSettings(): CompleterSettings {
  const c = cfg();
  const min = Math.max(0, c.get<number>('completion.debounceMinMs', D.debounceMinMs));
  return {
    multiline: c.get<MultilineMode>('completion.multiline', D.multiline),
    prefixTokens: c.get<number>('completion.prefixTokens', D.prefixTokens),
    suffixTokens: c.get<number>('completion.suffixTokens', D.suffixTokens),
    maxNewTokens: c.get<number>('completion.maxNewTokens', D.maxNewTokens),
    decoding: decodingOptions(),
    minLineConfidence: probability(c.get<number | null>('completion.minLineConfidence', null)),
    otherFilesTokens: Math.max(0, c.get<number>('completion.otherFilesTokens', D.otherFilesTokens)),
    debounceMinMs: min,
    debounceMaxMs: Math.max(min, c.get<number>('completion.debounceMaxMs', D.debounceMaxMs)),
    prefillOnCursorRest: c.get<boolean>('completion.prefillOnCursorRest', D.prefillOnCursorRest),
  };
}

export interface EngineSettings {
  modelPath: string;
  /** The package edits use ('' = modelPath's). */
  editModelPath: string;
  providers: string[];
  threads: number;
}

export function engineSettings(): EngineSettings {
  const c = cfg();
  // modelPath is machine-scoped: read the user's value only, never a workspace's.
  const inspected = c.inspect<string>('modelPath');
  const inspectedEdit = c.inspect<string>('editModelPath');
  return {
    modelPath: (inspected?.globalValue ?? inspected?.defaultValue ?? '').trim(),
    editModelPath: (inspectedEdit?.globalValue ?? inspectedEdit?.defaultValue ?? '').trim(),
    providers: c.get<string[]>('engine.providers', ['auto']),
    threads: c.get<number>('engine.threads', 0),
  };
}

export function editSettings(): { diffStyle: DiffStyle; maxNewTokens: number } {
  const c = cfg();
  return {
    diffStyle: c.get<DiffStyle>('edit.diffStyle', 'inline'),
    maxNewTokens: c.get<number>('edit.maxNewTokens', 1024),
  };
}

export interface ModelSettings {
  /** Downloads only when this is on (off by default: DiffCoder is offline until the user says otherwise). */
  allowDownloads: boolean;
  /** Where published model ids are fetched from ('' = none configured). */
  baseUrl: string;
}

export function modelSettings(): ModelSettings {
  const c = cfg();
  // Machine settings: only the user's own value counts, never a workspace's.
  const user = <T>(key: string, fallback: T): T => {
    const i = c.inspect<T>(key);
    return (i?.globalValue ?? i?.defaultValue ?? fallback) as T;
  };
  return { allowDownloads: user<boolean>('allowDownloads', false) === true, baseUrl: String(user('models.baseUrl', '')).trim() };
}
