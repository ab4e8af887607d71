/**
 * Published model packages, by id. No host is built in: the user sets a base URL they trust (the
 * `diffcoder.models.baseUrl` setting, `--base-url` or DIFFCODER_MODELS_URL for the CLI), and a package
 * `<id>` is the folder `<base>/<id>/`, described by its own `<base>/<id>/diffcoder.json` (whose `files`
 * lists every other file with its size and sha256). Any folder made by `diffcoder convert` and served
 * over https is such a package; the ids below are the names we publish conversions under.
 */
import { DownloadError } from './downloadError';

export interface PublishedModel {
  id: string;
  title: string;
  /** What it is best at: infilling (base checkpoints) or instructed edits (chat checkpoints). */
  bestFor: 'infill' | 'edit';
  /** Rough download size, for the picker (the manifest has the exact one). */
  approxGiB: number;
}

export const PUBLISHED_MODELS: readonly PublishedModel[] = [
  { id: 'stable-diffcoder-8b-base-int4', title: 'Stable-DiffCoder 8B Base, int4', bestFor: 'infill', approxGiB: 5.3 },
  { id: 'stable-diffcoder-8b-instruct-int4', title: 'Stable-DiffCoder 8B Instruct, int4', bestFor: 'edit', approxGiB: 5.3 },
  { id: 'stable-diffcoder-8b-base-int8', title: 'Stable-DiffCoder 8B Base, int8 (CPU)', bestFor: 'infill', approxGiB: 7.7 },
  { id: 'stable-diffcoder-8b-instruct-int8', title: 'Stable-DiffCoder 8B Instruct, int8 (CPU)', bestFor: 'edit', approxGiB: 7.7 },
];

/** The manifest URL for a published id (under baseUrl) or for a URL given directly. */
export function manifestUrlFor(idOrUrl: string, baseUrl: string | undefined): string {
  const s = idOrUrl.trim();
  if (/^[a-z][a-z0-9+.-]*:\/\//i.test(s)) return /\.json$/i.test(new URL(s).pathname) ? s : `${s.replace(/\/+$/, '')}/diffcoder.json`;
  if (!/^[a-z0-9][a-z0-9._-]*$/i.test(s)) throw new DownloadError('manifest', `${JSON.stringify(s)} is neither a URL nor a model id (${PUBLISHED_MODELS.map((m) => m.id).join(', ')})`);
  const base = (baseUrl ?? '').trim();
  if (!base) {
    throw new DownloadError('policy', `no base URL for model ids: set diffcoder.models.baseUrl (CLI: --base-url or DIFFCODER_MODELS_URL) to the https address that serves ${s}/diffcoder.json, or give the manifest's full URL`);
  }
  return `${base.replace(/\/+$/, '')}/${s}/diffcoder.json`;
}

/** A folder name for what a URL or id installs (the id, or the URL's last folder). */
export function installName(idOrUrl: string): string {
  const s = idOrUrl.trim();
  if (!/^[a-z][a-z0-9+.-]*:\/\//i.test(s)) return s;
  const parts = new URL(s).pathname.split('/').filter(Boolean);
  if (parts.length && /\.json$/i.test(parts[parts.length - 1])) parts.pop();
  const name = decodeURIComponent(parts.pop() ?? 'model').replace(/[^A-Za-z0-9._-]/g, '_');
  return name.startsWith('.') ? `model${name}` : name;
}
