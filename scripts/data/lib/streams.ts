/** Append-only binary outputs: uint16 little-endian token ids, uint8 loss masks, uint32 indexes. */
import * as fs from 'fs';

export class TypedWriter {
  private fd: number;
  private buf: Buffer;
  private used = 0;
  /** Elements written. */
  count = 0;

  constructor(file: string, private readonly bytes: 1 | 2 | 4, capacity = 1 << 20) {
    this.fd = fs.openSync(file, 'w');
    this.buf = Buffer.alloc(capacity * bytes);
  }

  push(values: ArrayLike<number>): void {
    for (let i = 0; i < values.length; i++) {
      if (this.used + this.bytes > this.buf.length) this.flush();
      const v = values[i];
      if (this.bytes === 2) {
        if (v < 0 || v > 0xffff) throw new Error(`value ${v} does not fit uint16`);
        this.buf.writeUInt16LE(v, this.used);
      } else if (this.bytes === 1) this.buf.writeUInt8(v, this.used);
      else this.buf.writeUInt32LE(v, this.used);
      this.used += this.bytes;
    }
    this.count += values.length;
  }

  fill(value: number, n: number): void {
    for (let i = 0; i < n; i++) this.push([value]);
  }

  flush(): void {
    if (this.used) fs.writeSync(this.fd, this.buf, 0, this.used);
    this.used = 0;
  }

  close(): void {
    this.flush();
    fs.closeSync(this.fd);
  }
}

export function readU16(file: string): Uint16Array {
  const b = fs.readFileSync(file);
  return new Uint16Array(b.buffer.slice(b.byteOffset, b.byteOffset + b.length));
}
