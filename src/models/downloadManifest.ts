/**
 * The download manifest: a small JSON object, fetched from the URL the user configured, whose `files`
 * maps each file's path (relative to the manifest's own URL) to its size and sha256:
 *
 *   { "files": { "model.onnx": { "bytes": 85223, "sha256": "9f2c…" }, "model.onnx.data": {…}, … } }
 *
 * A model package's diffcoder.json has exactly this `files` field, so a package folder served over
 * HTTP(S) is downloadable as it is (its manifest URL is …/diffcoder.json). Paths are checked so that a
 * manifest can name nothing outside the folder it is installed into, and nothing on another host.
 */
import { DownloadError } from './downloadError';

export interface ManifestFile {
  /** Relative path, '/'-separated. */
  path: string;
  bytes: number;
  sha256: string;
}

export interface DownloadManifest {
  files: ManifestFile[];
  totalBytes: number;
  /** The manifest text as fetched (saved beside the files when it is the package's diffcoder.json). */
  text: string;
}

/** The most a manifest may weigh: it lists files, it does not hold them. */
export const MAX_MANIFEST_BYTES = 1 << 20;
const SEGMENT = /^[A-Za-z0-9][A-Za-z0-9._-]*$/;

export function parseManifest(text: string, where: string): DownloadManifest {
  let json: unknown;
  try {
    json = JSON.parse(text);
  } catch (e) {
    throw new DownloadError('manifest', `${where} is not JSON: ${(e as Error).message}`);
  }
  const files = (json as { files?: unknown })?.files;
  if (!files || typeof files !== 'object' || Array.isArray(files)) {
    throw new DownloadError('manifest', `${where} has no "files" object ({"files": {"path": {"bytes": n, "sha256": "hex"}}})`);
  }
  const out: ManifestFile[] = [];
  for (const [p, e] of Object.entries(files as Record<string, unknown>)) {
    const segments = p.split('/');
    if (!segments.every((s) => SEGMENT.test(s) && s !== '..' && !s.endsWith('.part'))) {
      throw new DownloadError('manifest', `${where} lists ${JSON.stringify(p)}: a file path must be relative, made of letters, digits, '.', '_', '-' and '/' (no '..', no '.part')`);
    }
    const { bytes, sha256 } = (e ?? {}) as { bytes?: unknown; sha256?: unknown };
    if (!Number.isSafeInteger(bytes) || (bytes as number) < 0) throw new DownloadError('manifest', `${where}: files[${JSON.stringify(p)}].bytes must be a whole number >= 0`);
    if (typeof sha256 !== 'string' || !/^[0-9a-f]{64}$/i.test(sha256)) throw new DownloadError('manifest', `${where}: files[${JSON.stringify(p)}].sha256 must be 64 hex digits`);
    out.push({ path: p, bytes: bytes as number, sha256: sha256.toLowerCase() });
  }
  if (!out.length) throw new DownloadError('manifest', `${where} lists no files`);
  out.sort((a, b) => a.path.localeCompare(b.path));
  return { files: out, totalBytes: out.reduce((s, f) => s + f.bytes, 0), text };
}
