/**
 * Downloads a model (or checkpoint) folder listed by a download manifest (downloadManifest.ts), only when
 * asked, only from the manifest's own origin (http.ts), and installs it whole or not at all:
 *
 *   <dest>.download/            staging folder beside dest (same filesystem: the final rename is atomic)
 *     .manifest.json            the manifest this staging belongs to (a different one starts afresh)
 *     .lock                     the pid downloading into it (two windows never write the same file)
 *     model.onnx.data.part      a file being fetched; continued with an HTTP Range request next time
 *     tokenizer.json            a file that arrived whole and matched its sha256 (renamed from .part)
 *
 * A dropped connection is retried from where it broke (Range: bytes=N-); a server that ignores Range
 * (200 instead of 206) or answers with another range makes the file start over. Each file is hashed as
 * it is written (a resumed one re-reads its partial bytes first) and must match the manifest's size
 * and sha256: a mismatch removes that file and installs nothing. Files are fsynced before they are
 * renamed; when all are in, the staging folder is renamed to dest.
 */
import * as crypto from 'crypto';
import * as fs from 'fs';
import * as path from 'path';
import type { IncomingMessage } from 'http';
import { commitDir } from '../convert/package/files';
import { DownloadError } from './downloadError';
import { MAX_MANIFEST_BYTES, parseManifest, type DownloadManifest, type ManifestFile } from './downloadManifest';
import { checkUrl, get } from './http';

export interface DownloadProgress {
  phase: 'manifest' | 'downloading' | 'installing';
  /** The file being fetched. */
  file?: string;
  /** Bytes of all files that are here (verified, or partial), of totalBytes. */
  doneBytes: number;
  totalBytes: number;
}

export interface DownloadOptions {
  /** The manifest's URL; every file is fetched relative to it. */
  manifestUrl: string;
  /** The folder to install into: absent, empty, or an earlier model package (replaced whole). */
  dest: string;
  signal?: AbortSignal;
  onProgress?: (p: DownloadProgress) => void;
  /** One line per notable event (resumed, restarted, retrying). */
  onLog?: (line: string) => void;
  /** Retries per file after a dropped or stalled connection (default 5). */
  retries?: number;
  /** First retry delay, doubled each time (default 1000 ms). */
  retryDelayMs?: number;
  /** A connection with no byte for this long counts as dropped (default 30 s). */
  idleTimeoutMs?: number;
  /** Sees every request before it is sent. */
  onRequest?: (url: URL, headers: Record<string, string>) => void;
}

export interface DownloadResult {
  dest: string;
  files: number;
  totalBytes: number;
  /** Bytes that came over the network in this call. */
  fetchedBytes: number;
  /** Bytes already here from an earlier, interrupted call. */
  reusedBytes: number;
}

const MANIFEST_COPY = '.manifest.json';
const LOCK = '.lock';

export function stagingDir(dest: string): string {
  return `${path.resolve(dest)}.download`;
}

export async function download(o: DownloadOptions): Promise<DownloadResult> {
  const manifestUrl = checkUrl(o.manifestUrl);
  const origin = manifestUrl.origin;
  const dest = path.resolve(o.dest);
  checkReplaceable(dest);
  const log = o.onLog ?? (() => undefined);
  const progress = o.onProgress ?? (() => undefined);
  const net = { origin, signal: o.signal, idleTimeoutMs: o.idleTimeoutMs ?? 30_000, onRequest: o.onRequest };

  progress({ phase: 'manifest', doneBytes: 0, totalBytes: 0 });
  const manifest = await fetchManifest(manifestUrl, net);
  const staging = stagingDir(dest);
  fs.mkdirSync(staging, { recursive: true });
  const unlock = lock(staging);
  try {
    startOrContinue(staging, manifest, log);
    const state = { fetched: 0, reused: 0, done: 0 };
    const have = manifest.files.map((f) => sizeOf(path.join(staging, f.path)) ?? sizeOf(partOf(staging, f)) ?? 0);
    state.done = have.reduce((s, b, i) => s + Math.min(b, manifest.files[i].bytes), 0);
    state.reused = state.done;
    await checkSpace(staging, manifest.totalBytes - state.done);
    let lastReport = 0;
    const report = (file: string, force = false) => {
      if (!force && Date.now() - lastReport < 100) return;
      lastReport = Date.now();
      progress({ phase: 'downloading', file, doneBytes: state.done, totalBytes: manifest.totalBytes });
    };
    for (const f of manifest.files) {
      const final = path.join(staging, f.path);
      if (sizeOf(final) === f.bytes) continue; // arrived whole and verified by an earlier call
      report(f.path, true);
      await fetchFile(new URL(encodePath(f.path), manifestUrl), f, partOf(staging, f), o, net, log, (n) => {
        state.done += n;
        state.fetched += Math.max(0, n);
        report(f.path);
      });
      fs.renameSync(partOf(staging, f), final);
    }
    progress({ phase: 'installing', doneBytes: manifest.totalBytes, totalBytes: manifest.totalBytes });
    // A package's own diffcoder.json is its manifest: it goes in with the files it lists.
    const name = path.posix.basename(manifestUrl.pathname);
    if (name === 'diffcoder.json' && !manifest.files.some((f) => f.path === name)) writeSynced(path.join(staging, name), manifest.text);
    fs.rmSync(path.join(staging, MANIFEST_COPY), { force: true });
    unlock();
    syncDir(staging);
    commit(staging, dest);
    log(`installed ${dest} (${manifest.files.length} files, ${manifest.totalBytes} bytes)`);
    return { dest, files: manifest.files.length, totalBytes: manifest.totalBytes, fetchedBytes: state.fetched, reusedBytes: state.reused };
  } finally {
    unlock();
  }
}

async function fetchManifest(url: URL, net: Parameters<typeof get>[1]): Promise<DownloadManifest> {
  const res = await get(url, net);
  if (res.statusCode !== 200) {
    res.resume();
    throw new DownloadError('http', `${url.href}: the server answered ${res.statusCode} ${res.statusMessage ?? ''}`.trim());
  }
  const chunks: Buffer[] = [];
  let size = 0;
  try {
    for await (const c of res) {
      size += (c as Buffer).length;
      if (size > MAX_MANIFEST_BYTES) {
        res.destroy();
        throw new DownloadError('manifest', `${url.href} is over ${MAX_MANIFEST_BYTES} bytes: not a download manifest`);
      }
      chunks.push(c as Buffer);
    }
  } catch (e) {
    throw asDownloadError(e, net.signal, url);
  }
  return parseManifest(Buffer.concat(chunks).toString('utf8'), url.href);
}

/**
 * One file into its .part: continued from the bytes already there, retried after drops, checked
 * against the manifest. `grew(n)` reports bytes added (negative when the file starts over).
 */
async function fetchFile(
  url: URL,
  f: ManifestFile,
  part: string,
  o: DownloadOptions,
  net: Parameters<typeof get>[1],
  log: (s: string) => void,
  grew: (n: number) => void,
): Promise<void> {
  fs.mkdirSync(path.dirname(part), { recursive: true });
  // The hash of the bytes in the .part so far, kept across retries (a resume re-reads them once).
  let hash = crypto.createHash('sha256');
  let hashed = 0;
  const restart = (why: string) => {
    log(`${f.path}: ${why}; starting the file over`);
    grew(-(sizeOf(part) ?? 0));
    fs.writeFileSync(part, '');
    hash = crypto.createHash('sha256');
    hashed = 0;
  };
  const retries = o.retries ?? 5;
  let attempt = 0;
  for (;;) {
    let size = sizeOf(part) ?? 0;
    if (size > f.bytes) {
      restart(`the partial file is larger than the manifest's ${f.bytes} bytes`);
      size = 0;
    }
    if (hashed !== size) {
      hash = await hashPrefix(part, size, o.signal);
      hashed = size;
      if (size > 0) log(`${f.path}: resuming at byte ${size} of ${f.bytes}`);
    }
    try {
      if (size < f.bytes) {
        const res = await get(url, { ...net, headers: size > 0 ? { range: `bytes=${size}-` } : {} });
        const start = acceptedStart(res, size, f.bytes, f.path);
        if (start === 'restart') {
          res.resume();
          restart(`the server sent ${res.statusCode} for a request from byte ${size}`);
          continue;
        }
        if (start === 'ignores-range') restart('the server does not support ranges (200, not 206)');
        const at = { pos: start === 'ignores-range' ? 0 : size };
        try {
          await writeBody(res, part, at, f, hash, net.signal, url, grew);
        } finally {
          hashed = at.pos; // the hash covers exactly the bytes written
        }
        if (at.pos < f.bytes) throw new DownloadError('network', `${f.path}: the connection closed after ${at.pos} of ${f.bytes} bytes`);
      }
      break;
    } catch (e) {
      const err = asDownloadError(e, net.signal, url);
      if (err.kind !== 'network' || attempt >= retries) {
        if (err.kind === 'network') throw new DownloadError('network', `${err.message} (after ${attempt} retries; the partial file is kept: download again to resume)`);
        throw err;
      }
      attempt++;
      const delay = (o.retryDelayMs ?? 1000) * 2 ** (attempt - 1);
      log(`${f.path}: ${err.message}; retry ${attempt} of ${retries} in ${delay} ms`);
      await sleep(delay, net.signal);
    }
  }
  const got = hash.digest('hex');
  if (got !== f.sha256) {
    fs.rmSync(part, { force: true });
    grew(-f.bytes);
    throw new DownloadError('integrity', `${f.path}: sha256 ${got} does not match the manifest's ${f.sha256}; the file was removed and nothing was installed`);
  }
}

/** Where the body starts: the requested byte, 'ignores-range' (whole file again), or 'restart'. */
function acceptedStart(res: IncomingMessage, size: number, total: number, file: string): number | 'ignores-range' | 'restart' {
  const status = res.statusCode ?? 0;
  if (status === 200) {
    if (size === 0) return 0;
    return 'ignores-range';
  }
  if (status === 206) {
    const m = /^bytes (\d+)-(\d+)\/(\d+|\*)$/.exec(String(res.headers['content-range'] ?? ''));
    if (m && Number(m[1]) === size && (m[3] === '*' || Number(m[3]) === total)) return size;
    return 'restart';
  }
  if (status === 416) return 'restart';
  res.resume();
  // 5xx and 429 are the server's passing trouble: retried like a dropped connection.
  const kind = status >= 500 || status === 429 ? 'network' : 'http';
  throw new DownloadError(kind, `${file}: the server answered ${status} ${res.statusMessage ?? ''}`.trim());
}

/** Appends the body at `at.pos` (advanced per chunk, so after a broken-off body it says what is on disk). */
async function writeBody(
  res: IncomingMessage,
  part: string,
  at: { pos: number },
  f: ManifestFile,
  hash: crypto.Hash,
  signal: AbortSignal | undefined,
  url: URL,
  grew: (n: number) => void,
): Promise<void> {
  const fh = await fs.promises.open(part, at.pos === 0 ? 'w' : 'r+');
  try {
    const chunks = res[Symbol.asyncIterator]();
    for (;;) {
      let next: IteratorResult<Buffer>;
      try {
        next = await chunks.next();
      } catch (e) {
        // a broken-off body: what arrived is on disk; the caller resumes from there
        if (signal?.aborted) throw new DownloadError('cancelled', 'download cancelled');
        throw new DownloadError('network', `${url.origin}: the connection broke off after byte ${at.pos} of ${f.path} (${(e as Error).message})`);
      }
      if (next.done) break;
      const c = next.value;
      if (at.pos + c.length > f.bytes) {
        res.destroy();
        await fh.close();
        fs.rmSync(part, { force: true });
        grew(-at.pos);
        throw new DownloadError('integrity', `${f.path}: the server sent more than the manifest's ${f.bytes} bytes; the file was removed and nothing was installed`);
      }
      try {
        await fh.write(c, 0, c.length, at.pos);
      } catch (e) {
        res.destroy();
        throw new DownloadError('local', `${part}: ${(e as Error).message}`);
      }
      hash.update(c);
      at.pos += c.length;
      grew(c.length);
    }
    await fh.sync();
  } finally {
    await fh.close().catch(() => undefined);
  }
}

async function hashPrefix(file: string, bytes: number, signal?: AbortSignal): Promise<crypto.Hash> {
  const h = crypto.createHash('sha256');
  if (bytes === 0) return h;
  for await (const c of fs.createReadStream(file, { start: 0, end: bytes - 1, highWaterMark: 4 << 20, signal })) h.update(c as Buffer);
  return h;
}

function asDownloadError(e: unknown, signal: AbortSignal | undefined, url: URL): DownloadError {
  if (signal?.aborted) return new DownloadError('cancelled', 'download cancelled');
  if (e instanceof DownloadError) return e;
  return new DownloadError('network', `${url.origin}: ${(e as Error)?.message ?? String(e)}`);
}

function sleep(ms: number, signal?: AbortSignal): Promise<void> {
  return new Promise((resolve, reject) => {
    if (signal?.aborted) return reject(new DownloadError('cancelled', 'download cancelled'));
    const t = setTimeout(() => {
      signal?.removeEventListener('abort', onAbort);
      resolve();
    }, ms);
    const onAbort = () => {
      clearTimeout(t);
      reject(new DownloadError('cancelled', 'download cancelled'));
    };
    signal?.addEventListener('abort', onAbort, { once: true });
  });
}

const partOf = (staging: string, f: ManifestFile) => path.join(staging, `${f.path}.part`);
const encodePath = (p: string) => p.split('/').map(encodeURIComponent).join('/');

function sizeOf(file: string): number | undefined {
  try {
    const st = fs.statSync(file);
    return st.isFile() ? st.size : undefined;
  } catch {
    return undefined;
  }
}

/** dest may be new, empty, or an earlier model package; never a folder holding anything else. */
function checkReplaceable(dest: string): void {
  if (!fs.existsSync(dest)) return;
  if (!fs.statSync(dest).isDirectory()) throw new DownloadError('local', `${dest} exists and is not a folder`);
  const entries = fs.readdirSync(dest);
  if (entries.length && !entries.includes('diffcoder.json')) throw new DownloadError('local', `${dest} exists and is not a model package (no diffcoder.json); refusing to replace it`);
}

/** Keeps the staging folder's files when they belong to this manifest; empties it otherwise. */
function startOrContinue(staging: string, m: DownloadManifest, log: (s: string) => void): void {
  const copy = path.join(staging, MANIFEST_COPY);
  const previous = fs.existsSync(copy) ? fs.readFileSync(copy, 'utf8') : undefined;
  if (previous !== undefined && previous !== m.text) {
    log('the manifest changed since the interrupted download: starting over');
    for (const e of fs.readdirSync(staging)) if (e !== LOCK) fs.rmSync(path.join(staging, e), { recursive: true, force: true });
  }
  if (previous !== m.text) writeSynced(copy, m.text);
}

/** Staging folders this process is downloading into (the pid in .lock cannot tell two of ours apart). */
const active = new Set<string>();

function lock(staging: string): () => void {
  if (active.has(staging)) throw new DownloadError('local', `a download into ${staging} is already running`);
  const file = path.join(staging, LOCK);
  for (let tries = 0; tries < 2; tries++) {
    try {
      fs.writeFileSync(file, String(process.pid), { flag: 'wx' });
      active.add(staging);
      let held = true;
      return () => {
        if (held) fs.rmSync(file, { force: true });
        held = false;
        active.delete(staging);
      };
    } catch (e) {
      if ((e as NodeJS.ErrnoException).code !== 'EEXIST') throw e;
      const pid = Number(fs.readFileSync(file, 'utf8'));
      if (pid && alive(pid) && pid !== process.pid) throw new DownloadError('local', `another download into ${staging} is running (process ${pid})`);
      fs.rmSync(file, { force: true }); // left by a process that is gone
    }
  }
  throw new DownloadError('local', `cannot lock ${staging}`);
}

function alive(pid: number): boolean {
  try {
    process.kill(pid, 0);
    return true;
  } catch (e) {
    return (e as NodeJS.ErrnoException).code === 'EPERM';
  }
}

async function checkSpace(dir: string, need: number): Promise<void> {
  if (need <= 0 || !fs.promises.statfs) return;
  const s = await fs.promises.statfs(dir);
  const free = s.bavail * s.bsize;
  if (free < need + (64 << 20)) {
    throw new DownloadError('local', `not enough disk space in ${dir}: ${(need / 2 ** 30).toFixed(2)} GiB to fetch, ${(free / 2 ** 30).toFixed(2)} GiB free`);
  }
}

function writeSynced(file: string, text: string): void {
  const fd = fs.openSync(file, 'w');
  try {
    fs.writeSync(fd, text);
    fs.fsyncSync(fd);
  } finally {
    fs.closeSync(fd);
  }
}

function syncDir(dir: string): void {
  try {
    const fd = fs.openSync(dir, 'r');
    try {
      fs.fsyncSync(fd);
    } finally {
      fs.closeSync(fd);
    }
  } catch {
    // not possible on every platform (Windows cannot open a folder); the renames are still atomic
  }
}

/** Replaces dest by the staging folder (as the converter does), then makes the rename durable. */
function commit(staging: string, dest: string): void {
  commitDir(staging, dest);
  syncDir(path.dirname(dest));
}

