/**
 * SFT packing. A sample is prompt ids (loss 0) then answer ids and 1-4 eos (loss 1). Samples are packed
 * into rows of `rowTokens` (the trainer's sequence length) and never straddle a row, each starting at a
 * multiple of the block size: blocks are aligned to absolute positions at inference (the prompt starts
 * at position 0), so a sample starting on a block boundary sees the same block layout in training.
 * Gaps are `pad` with loss 0. Rows are filled first-fit over a window of open rows.
 */
export interface Sample {
  prompt: ArrayLike<number> & Iterable<number>;
  answer: ArrayLike<number> & Iterable<number>;   // without eos
  eos: number;        // how many eos follow the answer (1..4)
}

export interface PackedRow {
  ids: number[];
  loss: number[];
  /** [start, promptLength, answerLengthWithEos] of each sample in the row. */
  samples: [number, number, number][];
}

export function sampleLength(s: Sample): number {
  return s.prompt.length + s.answer.length + s.eos;
}

function alignUp(n: number, b: number): number {
  return Math.ceil(n / b) * b;
}

export class Packer {
  private open: { used: number; row: PackedRow }[] = [];

  constructor(
    private readonly rowTokens: number,
    private readonly blockSize: number,
    private readonly eosId: number,
    private readonly padId: number,
    private readonly emit: (row: PackedRow) => void,
    private readonly window = 32,
  ) {}

  add(s: Sample): boolean {
    const n = sampleLength(s);
    if (n > this.rowTokens) return false;
    let slot = this.open.find((r) => alignUp(r.used, this.blockSize) + n <= this.rowTokens);
    if (!slot) {
      if (this.open.length >= this.window) {
        // close the fullest row to make room
        this.open.sort((a, b) => b.used - a.used);
        this.close(this.open.shift()!);
      }
      slot = { used: 0, row: { ids: [], loss: [], samples: [] } };
      this.open.push(slot);
    }
    const start = alignUp(slot.used, this.blockSize);
    const row = slot.row;
    while (row.ids.length < start) {
      row.ids.push(this.padId);
      row.loss.push(0);
    }
    row.samples.push([start, s.prompt.length, s.answer.length + s.eos]);
    for (const id of s.prompt) {
      row.ids.push(id);
      row.loss.push(0);
    }
    for (const id of s.answer) {
      row.ids.push(id);
      row.loss.push(1);
    }
    for (let i = 0; i < s.eos; i++) {
      row.ids.push(this.eosId);
      row.loss.push(1);
    }
    slot.used = row.ids.length;
    if (this.rowTokens - slot.used < this.blockSize * 2) {
      this.open.splice(this.open.indexOf(slot), 1);
      this.close(slot);
    }
    return true;
  }

  private close(slot: { used: number; row: PackedRow }): void {
    const row = slot.row;
    while (row.ids.length < this.rowTokens) {
      row.ids.push(this.padId);
      row.loss.push(0);
    }
    this.emit(row);
  }

  finish(): void {
    for (const slot of this.open) this.close(slot);
    this.open = [];
  }
}
