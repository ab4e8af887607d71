/**
 * Reads tensors from a .safetensors file by byte offset, a slab of rows at a time, so a converter never
 * holds a whole checkpoint (or even a whole 2.5 GB embedding) in memory.
 *
 * Format: u64 little-endian header length N, N bytes of JSON {name: {dtype, shape, data_offsets:[begin,end]}},
 * then the raw data; offsets are relative to the start of the data.
 */
import * as fs from 'fs';
import * as path from 'path';
import { ConvertError } from '../errors';

export type SafetensorsDtype = 'F32' | 'F16' | 'BF16';

const ELEMENT_BYTES: Record<string, number> = {
  F64: 8, F32: 4, F16: 2, BF16: 2, I64: 8, I32: 4, I16: 2, I8: 1, U8: 1, BOOL: 1, U16: 2, U32: 4, U64: 8,
  F8_E4M3: 1, F8_E5M2: 1,
};
const READABLE = new Set(['F32', 'F16', 'BF16']);
// A header is a JSON index of names and offsets; anything this large is a corrupt length field.
const MAX_HEADER_BYTES = 100 * 1024 * 1024;

export interface TensorInfo {
  name: string;
  dtype: SafetensorsDtype;
  shape: number[];
  /** Absolute byte offset of the tensor's first element in the file. */
  start: number;
  bytes: number;
  file: string;
}

export class SafetensorsFile {
  readonly tensors = new Map<string, TensorInfo>();
  readonly metadata: Record<string, string> = {};
  private fd: number | undefined;

  private constructor(readonly file: string) {}

  static open(file: string): SafetensorsFile {
    const f = new SafetensorsFile(file);
    f.readHeader();
    return f;
  }

  private readHeader(): void {
    const name = path.basename(this.file);
    const size = fs.statSync(this.file).size;
    const bad = (why: string) => new ConvertError(`${name}: corrupted safetensors file: ${why}`);
    if (size < 8) throw bad(`only ${size} bytes, shorter than the 8-byte header length`);
    this.fd = fs.openSync(this.file, 'r');
    const lenBuf = Buffer.alloc(8);
    fs.readSync(this.fd, lenBuf, 0, 8, 0);
    const headerLen = Number(lenBuf.readBigUInt64LE(0));
    if (headerLen > MAX_HEADER_BYTES || 8 + headerLen > size) {
      throw bad(`header length field says ${headerLen} bytes but the file has ${size} bytes`);
    }
    const hbuf = Buffer.alloc(headerLen);
    fs.readSync(this.fd, hbuf, 0, headerLen, 8);
    let header: Record<string, unknown>;
    try {
      header = JSON.parse(hbuf.toString('utf8'));
    } catch (e) {
      throw bad(`header is not valid JSON (${(e as Error).message})`);
    }
    if (!header || typeof header !== 'object' || Array.isArray(header)) throw bad('header is not a JSON object');
    const dataStart = 8 + headerLen;
    const dataBytes = size - dataStart;
    for (const [tname, raw] of Object.entries(header)) {
      if (tname === '__metadata__') {
        Object.assign(this.metadata, raw as Record<string, string>);
        continue;
      }
      const info = raw as { dtype?: unknown; shape?: unknown; data_offsets?: unknown };
      const dtype = String(info?.dtype);
      const shape = info?.shape;
      const offs = info?.data_offsets;
      if (!(dtype in ELEMENT_BYTES)) throw bad(`tensor ${tname} has unknown dtype ${JSON.stringify(info?.dtype)}`);
      if (!Array.isArray(shape) || !shape.every((d) => Number.isInteger(d) && d >= 0)) {
        throw bad(`tensor ${tname} has an invalid shape ${JSON.stringify(shape)}`);
      }
      if (!Array.isArray(offs) || offs.length !== 2 || !offs.every((o) => Number.isInteger(o) && o >= 0) || offs[1] < offs[0]) {
        throw bad(`tensor ${tname} has invalid data_offsets ${JSON.stringify(offs)}`);
      }
      const numel = (shape as number[]).reduce((a, b) => a * b, 1);
      const want = numel * ELEMENT_BYTES[dtype];
      if (offs[1] - offs[0] !== want) {
        throw bad(`tensor ${tname} ${dtype}[${(shape as number[]).join(',')}] needs ${want} bytes but data_offsets span ${offs[1] - offs[0]}`);
      }
      if (offs[1] > dataBytes) {
        throw bad(`tensor ${tname} ends at byte ${offs[1]} of the data section but the file holds ${dataBytes} data bytes (truncated?)`);
      }
      // Unreadable dtypes are recorded too: the error names the tensor only if the converter needs it.
      this.tensors.set(tname, {
        name: tname,
        dtype: dtype as SafetensorsDtype,
        shape: shape as number[],
        start: dataStart + offs[0],
        bytes: want,
        file: this.file,
      });
    }
  }

  /**
   * Rows [row0, row0+rows) of a tensor viewed as [shape[0], rest], converted to float32.
   * `out` (optional) is reused when large enough.
   */
  readRows(t: TensorInfo, row0: number, rows: number, out?: Float32Array): Float32Array {
    if (!READABLE.has(t.dtype)) {
      throw new ConvertError(`${path.basename(t.file)}: tensor ${t.name} has dtype ${t.dtype}; only F32, F16 and BF16 weights can be converted`);
    }
    const rowLen = t.shape.slice(1).reduce((a, b) => a * b, 1);
    const n = rows * rowLen;
    const eb = ELEMENT_BYTES[t.dtype];
    const dst = out && out.length >= n ? out.subarray(0, n) : new Float32Array(n);
    const pos = t.start + row0 * rowLen * eb;
    if (t.dtype === 'F32') {
      this.readExact(Buffer.from(dst.buffer, dst.byteOffset, n * 4), pos);
      return dst;
    }
    const half = new Uint16Array(n);
    this.readExact(Buffer.from(half.buffer, 0, n * 2), pos);
    if (t.dtype === 'BF16') {
      const u32 = new Uint32Array(dst.buffer, dst.byteOffset, n);
      for (let i = 0; i < n; i++) u32[i] = half[i] << 16;
    } else {
      const table = f16Table();
      for (let i = 0; i < n; i++) dst[i] = table[half[i]];
    }
    return dst;
  }

  private readExact(buf: Buffer, position: number): void {
    let done = 0;
    while (done < buf.length) {
      const got = fs.readSync(this.fd!, buf, done, Math.min(buf.length - done, 1 << 30), position + done);
      if (got === 0) throw new ConvertError(`${path.basename(this.file)}: unexpected end of file (truncated?)`);
      done += got;
    }
  }

  close(): void {
    if (this.fd !== undefined) fs.closeSync(this.fd);
    this.fd = undefined;
  }
}

let F16_TABLE: Float32Array | undefined;
/** float16 bits -> float32, all 65536 values (a lookup beats bit twiddling per element in JS). */
export function f16Table(): Float32Array {
  if (F16_TABLE) return F16_TABLE;
  const t = new Float32Array(65536);
  for (let h = 0; h < 65536; h++) {
    const s = h & 0x8000 ? -1 : 1;
    const e = (h >> 10) & 0x1f;
    const m = h & 0x3ff;
    if (e === 0) t[h] = s * m * 2 ** -24;
    else if (e === 31) t[h] = m ? NaN : s * Infinity;
    else t[h] = s * (1 + m / 1024) * 2 ** (e - 15);
  }
  F16_TABLE = t;
  return t;
}
