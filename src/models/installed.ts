/**
 * The model packages on this machine, for the model picker: the bundled one, those installed under
 * DiffCoder's own folder (downloaded or converted), and folders the user picked. Only diffcoder.json
 * is read here (cheap); the engine checks every file before it loads one.
 */
import * as fs from 'fs';
import * as path from 'path';

export type ModelSource = 'bundled' | 'installed' | 'folder';

export interface InstalledModel {
  dir: string;
  source: ModelSource;
  name: string;
  version: string;
  weights: string;
  /** Has a chat template: an instruction-tuned model, best for edits. */
  chat: boolean;
  layers: number;
  /** Sum of the listed files' sizes. */
  bytes: number;
}

/** diffcoder.json's summary, or undefined when the folder holds no readable package manifest. */
export function readInstalled(dir: string, source: ModelSource): InstalledModel | undefined {
  try {
    const m = JSON.parse(fs.readFileSync(path.join(dir, 'diffcoder.json'), 'utf8'));
    if (typeof m?.name !== 'string' || typeof m?.architecture !== 'object') return undefined;
    const files = Object.values((m.files ?? {}) as Record<string, { bytes?: number }>);
    return {
      dir: path.resolve(dir),
      source,
      name: m.name,
      version: String(m.version ?? ''),
      weights: String(m.weights?.dtype ?? '?'),
      chat: typeof m.prompts?.edit?.chatTemplate === 'string',
      layers: Number(m.architecture?.numLayers ?? 0),
      bytes: files.reduce((s, f) => s + (f.bytes ?? 0), 0),
    };
  } catch {
    return undefined;
  }
}

/** Every package: the bundled one, each sub-folder of `installRoot`, then `folders`; each folder once. */
export function listInstalled(o: { bundled?: string; installRoot?: string; folders?: string[] }): InstalledModel[] {
  const out: InstalledModel[] = [];
  const seen = new Set<string>();
  const add = (dir: string, source: ModelSource) => {
    const abs = path.resolve(dir);
    if (seen.has(abs)) return;
    const m = readInstalled(abs, source);
    if (m) {
      seen.add(abs);
      out.push(m);
    }
  };
  if (o.bundled) add(o.bundled, 'bundled');
  if (o.installRoot && fs.existsSync(o.installRoot)) {
    // staging (.x.download) and temp (.x.converting-*) folders start with a dot
    for (const e of fs.readdirSync(o.installRoot, { withFileTypes: true }).sort((a, b) => a.name.localeCompare(b.name))) {
      if (e.isDirectory() && !e.name.startsWith('.') && !e.name.endsWith('.download')) add(path.join(o.installRoot, e.name), 'installed');
    }
  }
  for (const f of o.folders ?? []) add(f, 'folder');
  return out;
}
