/**
 * What can be wrong with a model package, said exactly. The loader collects every problem it finds (not
 * just the first) and throws one PackageError; the worker returns it as a BadPackage JSON-RPC error with
 * the problems as data.
 */
export type ProblemKind =
  | 'missing-file' // a file the package needs or lists is not there
  | 'bad-json' // diffcoder.json or tokenizer.json does not parse
  | 'bad-field' // a diffcoder.json field is missing, of the wrong type, or out of range
  | 'size-mismatch' // a file's size differs from files[name].bytes
  | 'checksum-mismatch' // a file's sha256 differs from files[name].sha256
  | 'unknown-token' // a special token id is out of range or not in tokenizer.json
  | 'bad-model' // model.onnx does not load
  | 'graph-inputs' // model.onnx inputs differ from the contract (names, types, shapes)
  | 'graph-outputs'; // model.onnx outputs differ from the contract

export interface PackageProblem {
  kind: ProblemKind;
  /** The field (e.g. "specialTokens.mask") or file (e.g. "model.onnx") concerned. */
  where: string;
  message: string;
}

export class PackageError extends Error {
  constructor(readonly dir: string, readonly problems: PackageProblem[]) {
    super(`bad model package ${dir}:\n` + problems.map((p) => `  - ${p.where}: ${p.message}`).join('\n'));
    this.name = 'PackageError';
  }
}

/** Collects problems; `check(cond, ...)` reads like the rule it enforces. */
export class Problems {
  readonly list: PackageProblem[] = [];
  add(kind: ProblemKind, where: string, message: string): void {
    this.list.push({ kind, where, message });
  }
  check(ok: boolean, kind: ProblemKind, where: string, message: string): boolean {
    if (!ok) this.add(kind, where, message);
    return ok;
  }
  throwIfAny(dir: string): void {
    if (this.list.length) throw new PackageError(dir, this.list);
  }
}
