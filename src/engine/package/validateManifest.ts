/**
 * Checks every field of diffcoder.json against manifest.ts: types, ranges, enums, and the rules that tie
 * fields together. Token ids are checked against the tokenizer separately (validateTokens), once it loads.
 */
import { Template } from '@huggingface/jinja';
import { MANIFEST_FORMAT, MANIFEST_FORMAT_VERSION, type Manifest, type SpecialTokens } from './manifest';
import type { Problems } from './problems';
import type { CodeTokenizer } from '../tokenizer';

type Obj = Record<string, unknown>;
const isObj = (v: unknown): v is Obj => typeof v === 'object' && v !== null && !Array.isArray(v);
const show = (v: unknown) => (v === undefined ? 'missing' : JSON.stringify(v));

/** Reads fields of one object, reporting each problem under its dotted path. */
class Fields {
  constructor(private readonly o: Obj, private readonly path: string, private readonly p: Problems) {}

  private where(k: string) {
    return this.path ? `${this.path}.${k}` : k;
  }
  private bad(k: string, want: string) {
    this.p.add('bad-field', this.where(k), `must be ${want} (is ${show(this.o[k])})`);
  }

  string(k: string, optional = false): boolean {
    const v = this.o[k];
    if (v === undefined && optional) return true;
    if (typeof v === 'string' && (optional || v.length > 0)) return true;
    this.bad(k, optional ? 'a string' : 'a non-empty string');
    return false;
  }
  bool(k: string, optional = false): boolean {
    const v = this.o[k];
    if ((v === undefined && optional) || typeof v === 'boolean') return true;
    this.bad(k, 'true or false');
    return false;
  }
  int(k: string, min: number, max = Number.MAX_SAFE_INTEGER, optional = false): boolean {
    const v = this.o[k];
    if (v === undefined && optional) return true;
    if (typeof v === 'number' && Number.isInteger(v) && v >= min && v <= max) return true;
    this.bad(k, max === Number.MAX_SAFE_INTEGER ? `an integer >= ${min}` : `an integer in [${min}, ${max}]`);
    return false;
  }
  /** A finite number in (min, max] (or [min, max] with inclusiveMin). */
  num(k: string, min: number, max: number, inclusiveMin = false): boolean {
    const v = this.o[k];
    if (typeof v === 'number' && Number.isFinite(v) && (inclusiveMin ? v >= min : v > min) && v <= max) return true;
    const range = `${inclusiveMin ? '[' : '('}${min}, ${max === Infinity ? 'inf)' : max + ']'}`;
    this.bad(k, `a number in ${range}`);
    return false;
  }
  oneOf(k: string, values: readonly unknown[]): boolean {
    if (values.includes(this.o[k])) return true;
    this.bad(k, `one of ${values.map((v) => JSON.stringify(v)).join(', ')}`);
    return false;
  }
  /** A nested object; undefined (and a problem unless optional) when it is not one. */
  obj(k: string, optional = false): Fields | undefined {
    const v = this.o[k];
    if (isObj(v)) return new Fields(v, this.where(k), this.p);
    if (!(v === undefined && optional)) this.bad(k, 'an object');
    return undefined;
  }
  template(k: string): void {
    const v = this.o[k];
    if (typeof v !== 'string') return;
    try {
      new Template(v);
    } catch (e) {
      this.p.add('bad-field', this.where(k), `is not a valid Jinja template: ${(e as Error).message}`);
    }
  }
  has(k: string): boolean {
    return this.o[k] !== undefined;
  }
}

export const REQUIRED_TOKENS = ['bos', 'eos', 'pad', 'mask', 'fimPrefix', 'fimSuffix', 'fimMiddle'] as const;
export const OPTIONAL_TOKENS = ['editInstruction', 'editCode', 'editResult'] as const;

/** Validates the parsed diffcoder.json; true when it has the shape of a Manifest. */
export function validateManifest(json: unknown, p: Problems): json is Manifest {
  const before = p.list.length;
  if (!isObj(json)) {
    p.add('bad-json', 'diffcoder.json', 'must hold a JSON object');
    return false;
  }
  const m = new Fields(json, '', p);
  if (json.format !== MANIFEST_FORMAT) {
    p.add('bad-field', 'format', `must be "${MANIFEST_FORMAT}" (is ${show(json.format)}): is this a DiffCoder model package?`);
  }
  m.int('formatVersion', 1, MANIFEST_FORMAT_VERSION);
  m.string('name');
  m.string('version');
  m.string('description', true);

  const a = m.obj('architecture');
  if (a) {
    a.oneOf('family', ['llama']);
    for (const k of ['vocabSize', 'hiddenSize', 'numLayers', 'numHeads', 'numKvHeads', 'headDim', 'intermediateSize', 'maxPositions']) a.int(k, 1);
    a.num('ropeTheta', 0, Infinity);
    a.num('rmsNormEps', 0, 1);
    a.bool('tieEmbeddings');
    const arch = json.architecture as Obj;
    a.int('trainedPositions', 1, Number.isInteger(arch.maxPositions) ? (arch.maxPositions as number) : Number.MAX_SAFE_INTEGER, true);
    if (Number.isInteger(arch.numHeads) && Number.isInteger(arch.numKvHeads) && (arch.numKvHeads as number) > 0) {
      p.check((arch.numHeads as number) % (arch.numKvHeads as number) === 0, 'bad-field', 'architecture.numKvHeads',
        `must divide numHeads (${arch.numHeads} heads, ${arch.numKvHeads} KV heads)`);
    }
  }
  const maxPositions = isObj(json.architecture) && Number.isInteger(json.architecture.maxPositions) ? (json.architecture.maxPositions as number) : Number.MAX_SAFE_INTEGER;
  m.int('blockSize', 1, maxPositions);

  const s = m.obj('specialTokens');
  if (s) {
    for (const k of REQUIRED_TOKENS) s.int(k, 0);
    for (const k of OPTIONAL_TOKENS) s.int(k, 0, Number.MAX_SAFE_INTEGER, true);
    const t = json.specialTokens as Obj;
    if (t.mask !== undefined) {
      for (const k of ['eos', 'bos', 'fimPrefix', 'fimSuffix', 'fimMiddle'] as const) {
        p.check(t.mask !== t[k], 'bad-field', 'specialTokens.mask', `must differ from specialTokens.${k} (both ${show(t.mask)})`);
      }
    }
  }

  const prompts = m.obj('prompts');
  if (prompts) {
    const fim = prompts.obj('fim');
    if (fim) {
      fim.oneOf('order', ['spm', 'psm']);
      fim.bool('bos');
    }
    const edit = prompts.obj('edit');
    if (edit) {
      const e = (json.prompts as Obj).edit as Obj;
      if (edit.has('template') === edit.has('chatTemplate')) {
        p.add('bad-field', 'prompts.edit', 'needs exactly one of `template` or `chatTemplate`');
      }
      if (edit.has('template')) edit.string('template');
      if (edit.has('chatTemplate')) {
        edit.string('chatTemplate');
        p.check(typeof e.userMessage === 'string', 'bad-field', 'prompts.edit.userMessage', 'is required with chatTemplate');
      }
      edit.string('userMessage', true);
      edit.string('responsePrefix', true);
      edit.bool('stripFences', true);
      for (const k of ['template', 'chatTemplate', 'userMessage']) edit.template(k);
    }
  }

  const d = m.obj('decoding');
  if (d) {
    d.oneOf('mode', ['threshold', 'fixed']);
    d.num('threshold', 0, 1);
    if (d.has('infillThreshold')) d.num('infillThreshold', 0, 1);
    if (d.has('minLineConfidence')) d.num('minLineConfidence', 0, 1);
    d.int('stepsPerBlock', 1);
    d.num('temperature', 0, Infinity, true);
    d.bool('promptLookup', true);
    if (d.has('draftStates')) d.int('draftStates', 0);
    d.bool('healPrefix', true);
  }

  const w = m.obj('weights');
  if (w) {
    w.oneOf('dtype', ['fp32', 'fp16', 'int8', 'int4']);
    w.int('blockSize', 1, Number.MAX_SAFE_INTEGER, true);
  }

  const files = m.obj('files');
  if (files) {
    const f = json.files as Obj;
    for (const need of ['model.onnx', 'tokenizer.json']) {
      p.check(f[need] !== undefined, 'bad-field', `files["${need}"]`, 'is required (every package file is listed with its size and sha256)');
    }
    for (const [name, entry] of Object.entries(f)) {
      const where = `files["${name}"]`;
      if (!safeRelative(name)) {
        p.add('bad-field', where, 'must be a plain relative path inside the package folder');
        continue;
      }
      if (!isObj(entry)) {
        p.add('bad-field', where, `must be {bytes, sha256} (is ${show(entry)})`);
        continue;
      }
      p.check(Number.isInteger(entry.bytes) && (entry.bytes as number) >= 0, 'bad-field', `${where}.bytes`, `must be an integer >= 0 (is ${show(entry.bytes)})`);
      p.check(typeof entry.sha256 === 'string' && /^[0-9a-f]{64}$/.test(entry.sha256), 'bad-field', `${where}.sha256`,
        `must be 64 lowercase hex digits (is ${show(entry.sha256)})`);
    }
  }
  m.obj('provenance', true);
  m.obj('evaluation', true);
  return p.list.length === before;
}

function safeRelative(name: string): boolean {
  if (!name || name.startsWith('/') || name.startsWith('\\') || /^[a-zA-Z]:/.test(name)) return false;
  return !name.split(/[\\/]/).some((part) => part === '..' || part === '');
}

/** Every special token id is inside the model's vocabulary and names a token of tokenizer.json. */
export function validateTokens(m: Manifest, tok: CodeTokenizer, p: Problems): void {
  const V = m.architecture.vocabSize;
  p.check(tok.vocabSize <= V, 'unknown-token', 'tokenizer.json',
    `has ${tok.vocabSize} ids but the model's vocabulary (architecture.vocabSize) is ${V}`);
  for (const k of [...REQUIRED_TOKENS, ...OPTIONAL_TOKENS] as (keyof SpecialTokens)[]) {
    const id = m.specialTokens[k];
    if (id === undefined) continue;
    if (id >= V) p.add('unknown-token', `specialTokens.${k}`, `id ${id} is outside the vocabulary (architecture.vocabSize ${V})`);
    else if (tok.tokenOf(id) === undefined) p.add('unknown-token', `specialTokens.${k}`, `id ${id} is not in tokenizer.json`);
  }
}
