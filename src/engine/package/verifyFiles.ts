/**
 * Checks that every file listed in diffcoder.json is there with the right size and sha256.
 *
 * Sizes are always checked. Hashes are computed once per file version: a verified (path, size, mtime,
 * inode) is remembered in memory and in a small JSON file in the user's cache folder, so reloading a
 * package (a worker restart, the next VS Code session) skips rehashing gigabytes of weights; any change
 * to the file changes its mtime or size and forces a new hash.
 */
import * as crypto from 'crypto';
import * as fs from 'fs';
import * as os from 'os';
import * as path from 'path';
import type { FileEntry } from './manifest';
import type { Problems } from './problems';

interface Verified {
  size: number;
  mtimeMs: number;
  ino: number;
  sha256: string;
}

export function defaultHashCacheFile(): string {
  const env = process.env.DIFFCODER_CACHE_DIR;
  if (env) return path.join(env, 'verified-files.json');
  const base =
    process.platform === 'win32'
      ? process.env.LOCALAPPDATA ?? path.join(os.homedir(), 'AppData', 'Local')
      : process.platform === 'darwin'
        ? path.join(os.homedir(), 'Library', 'Caches')
        : process.env.XDG_CACHE_HOME ?? path.join(os.homedir(), '.cache');
  return path.join(base, 'diffcoder', 'verified-files.json');
}

export class HashCache {
  private entries: Record<string, Verified> | undefined;

  /** `file` undefined: memory only. */
  constructor(private readonly file: string | undefined = defaultHashCacheFile()) {}

  private load(): Record<string, Verified> {
    if (!this.entries) {
      this.entries = {};
      try {
        if (this.file) this.entries = JSON.parse(fs.readFileSync(this.file, 'utf8'));
      } catch {
        // no cache yet, or unreadable: hash again
      }
    }
    return this.entries!;
  }

  get(abs: string, st: fs.Stats): string | undefined {
    const v = this.load()[abs];
    return v && v.size === st.size && v.mtimeMs === st.mtimeMs && v.ino === st.ino ? v.sha256 : undefined;
  }

  set(abs: string, st: fs.Stats, sha256: string): void {
    this.load()[abs] = { size: st.size, mtimeMs: st.mtimeMs, ino: st.ino, sha256 };
    if (!this.file) return;
    try {
      fs.mkdirSync(path.dirname(this.file), { recursive: true });
      const tmp = `${this.file}.${process.pid}.tmp`;
      fs.writeFileSync(tmp, JSON.stringify(this.entries));
      fs.renameSync(tmp, this.file);
    } catch {
      // a read-only home only costs a rehash next time
    }
  }
}

export async function sha256File(file: string): Promise<string> {
  const h = crypto.createHash('sha256');
  for await (const chunk of fs.createReadStream(file, { highWaterMark: 1 << 20 })) h.update(chunk as Buffer);
  return h.digest('hex');
}

/** Verifies the listed files; reports missing files, size and checksum mismatches. */
export async function verifyFiles(dir: string, files: Record<string, FileEntry>, p: Problems, cache: HashCache): Promise<void> {
  for (const [name, want] of Object.entries(files)) {
    const abs = path.resolve(dir, name);
    let st: fs.Stats;
    try {
      st = fs.statSync(abs);
    } catch {
      p.add('missing-file', name, `is listed in diffcoder.json but not found in ${dir}`);
      continue;
    }
    if (!st.isFile()) {
      p.add('missing-file', name, 'is not a regular file');
      continue;
    }
    if (st.size !== want.bytes) {
      p.add('size-mismatch', name, `is ${st.size} bytes, diffcoder.json says ${want.bytes} (truncated or replaced?)`);
      continue;
    }
    let sha = cache.get(abs, st);
    if (!sha) {
      sha = await sha256File(abs);
      if (sha === want.sha256) cache.set(abs, st, sha);
    }
    p.check(sha === want.sha256, 'checksum-mismatch', name, `sha256 is ${sha}, diffcoder.json says ${want.sha256} (corrupted or replaced?)`);
  }
}
