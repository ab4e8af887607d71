/** File hashing and the temp-folder-then-rename dance that makes a package appear whole or not at all. */
import * as crypto from 'crypto';
import * as fs from 'fs';
import * as path from 'path';
import type { FileEntry } from '../../engine/package/manifest';

export async function hashFile(file: string, signal?: AbortSignal): Promise<FileEntry> {
  const h = crypto.createHash('sha256');
  let bytes = 0;
  for await (const chunk of fs.createReadStream(file, { highWaterMark: 4 << 20, signal })) {
    h.update(chunk as Buffer);
    bytes += (chunk as Buffer).length;
  }
  return { bytes, sha256: h.digest('hex') };
}

/** A sibling temp folder of `outDir` (same filesystem, so the final rename is atomic). */
export function makeTempDir(outDir: string): string {
  const parent = path.dirname(path.resolve(outDir));
  fs.mkdirSync(parent, { recursive: true });
  return fs.mkdtempSync(path.join(parent, `.${path.basename(outDir)}.converting-`));
}

/** Replaces outDir by tmpDir: the old package (if any) is moved aside first and removed after. */
export function commitDir(tmpDir: string, outDir: string): void {
  const target = path.resolve(outDir);
  if (fs.existsSync(target)) {
    const old = `${path.dirname(target)}/.${path.basename(target)}.old-${process.pid}-${Date.now()}`;
    fs.renameSync(target, old);
    try {
      fs.renameSync(tmpDir, target);
    } catch (e) {
      fs.renameSync(old, target);
      throw e;
    }
    fs.rmSync(old, { recursive: true, force: true });
  } else {
    fs.renameSync(tmpDir, target);
  }
}
