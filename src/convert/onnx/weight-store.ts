/**
 * Where the weights go: one external data file (model.onnx.data) laid out up front, then filled by
 * positional writes, so a weight can be written in any order (a transposed matrix column-slab by
 * column-slab) and nothing needs to be held in memory. Small packages are folded back into model.onnx.
 */
import * as fs from 'fs';
import { ELEMENT_BYTES, externalTensor, inlineTensor, type DataTypeId, onnx } from './proto';

export interface Region {
  name: string;
  dataType: DataTypeId;
  dims: number[];
  offset: number;
  bytes: number;
}

// Page alignment lets onnxruntime map large tensors straight from the file.
const PAGE = 4096;
const SMALL_ALIGN = 64;

export class WeightStore {
  readonly regions: Region[] = [];
  private size = 0;
  private fd: number | undefined;

  constructor(readonly file: string, readonly location: string) {}

  allocate(name: string, dataType: DataTypeId, dims: number[]): Region {
    const bytes = dims.reduce((a, b) => a * b, 1) * ELEMENT_BYTES[dataType];
    const align = bytes >= 16 * PAGE ? PAGE : SMALL_ALIGN;
    const offset = Math.ceil(this.size / align) * align;
    const r: Region = { name, dataType, dims, offset, bytes };
    this.regions.push(r);
    this.size = offset + bytes;
    return r;
  }

  get totalBytes(): number {
    return this.size;
  }

  open(): void {
    this.fd = fs.openSync(this.file, 'w+');
    fs.ftruncateSync(this.fd, this.size);
  }

  /** Writes `data` at byte `at` inside the region. */
  write(r: Region, at: number, data: Uint8Array): void {
    if (at < 0 || at + data.byteLength > r.bytes) throw new Error(`write outside ${r.name}: ${at}+${data.byteLength} > ${r.bytes}`);
    let done = 0;
    while (done < data.byteLength) {
      done += fs.writeSync(this.fd!, data, done, data.byteLength - done, r.offset + at + done);
    }
  }

  read(r: Region): Uint8Array {
    const buf = Buffer.alloc(r.bytes);
    let done = 0;
    while (done < r.bytes) {
      const got = fs.readSync(this.fd!, buf, done, r.bytes - done, r.offset + done);
      if (got === 0) throw new Error(`short read of ${r.name}`);
      done += got;
    }
    return buf;
  }

  sync(): void {
    if (this.fd !== undefined) fs.fsyncSync(this.fd);
  }

  close(): void {
    if (this.fd !== undefined) fs.closeSync(this.fd);
    this.fd = undefined;
  }

  externalProtos(): onnx.ITensorProto[] {
    return this.regions.map((r) => externalTensor(r.name, r.dataType, r.dims, this.location, r.offset, r.bytes));
  }

  /** Reads every region back into inline initializers (for packages small enough for one file). */
  inlineProtos(): onnx.ITensorProto[] {
    return this.regions.map((r) => inlineTensor(r.name, r.dataType, r.dims, this.read(r)));
  }
}
