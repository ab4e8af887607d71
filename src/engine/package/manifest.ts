/**
 * diffcoder.json — the contract between the Python pipeline, the converter (src/convert/) and the engine.
 *
 * A model package is a folder holding:
 *   model.onnx (+ model.onnx.data when weights are stored externally)
 *     inputs:  input_ids int64 [1,T], position_ids int64 [1,T],
 *              attention_mask float32 additive [1,1,T,P+T] (0 visible, -1e9 hidden; never -inf),
 *              past_key_values.{i}.key|value float32 [1,kv_heads,P,head_dim] for every layer i
 *     optional input (graphs from src/convert/ have it; the engine feeds it when the session lists it):
 *              logits_keep int64 [1]: 0 = logits for every position, N > 0 = only for the last min(N,T)
 *              positions (logits is then [1,min(N,T),V]); onnxruntime does not skip the output layer
 *              when `logits` is not fetched, and that layer is a large share of a small model's prefill
 *     outputs: logits float32 [1,T,V] (no logit shift: position i predicts token i),
 *              present.{i}.key|value float32 [1,kv_heads,P+T,head_dim]
 *   tokenizer.json (Hugging Face format)
 *   diffcoder.json (this type)
 */

export const MANIFEST_FORMAT = 'diffcoder-model-package';
export const MANIFEST_FORMAT_VERSION = 1;

export interface Architecture {
  family: 'llama';
  vocabSize: number;
  hiddenSize: number;
  numLayers: number;
  numHeads: number;
  numKvHeads: number;
  headDim: number;
  intermediateSize: number;
  ropeTheta: number;
  rmsNormEps: number;
  maxPositions: number;
  /**
   * The longest sequence the model was trained on, when shorter than maxPositions (the bundled model:
   * 1024-token windows, positions up to 4096). A prompt and answer beyond it are past what the model
   * learned: its answers turn to noise there (README), so edits are split to stay within it. Absent:
   * maxPositions.
   */
  trainedPositions?: number;
  tieEmbeddings: boolean;
}

/** Token ids with a role. Every id must exist in tokenizer.json. */
export interface SpecialTokens {
  bos: number;
  eos: number;
  pad: number;
  mask: number;
  fimPrefix: number;
  fimSuffix: number;
  fimMiddle: number;
  /** Edit markers of the bundled model's edit format; absent for chat-template models. */
  editInstruction?: number;
  editCode?: number;
  editResult?: number;
}

export interface FimFormat {
  /** 'spm': <bos?><fim_suffix>SUFFIX<fim_prefix>PREFIX<fim_middle> then MIDDLE, so the middle sees the suffix. */
  order: 'spm' | 'psm';
  /** Put the bos token first. */
  bos: boolean;
}

/**
 * How an edit request becomes a prompt. Exactly one of `template` or `chatTemplate` is set.
 * Variables: instruction, code, language, bos_token, eos_token.
 * - template: a Jinja template rendered with the variables (the bundled model's own markers).
 * - chatTemplate + userMessage: userMessage (Jinja) renders the user turn; chatTemplate (the checkpoint's
 *   own, from tokenizer_config.json) renders messages=[{role:'user',content}] with add_generation_prompt.
 * responsePrefix is appended to the prompt and is the start of the answer (e.g. an opening code fence);
 * with stripFences the engine removes a surrounding ``` fence from the answer.
 */
export interface EditFormat {
  template?: string;
  chatTemplate?: string;
  userMessage?: string;
  responsePrefix?: string;
  stripFences?: boolean;
}

export interface DecodingDefaults {
  mode: 'threshold' | 'fixed';
  /** Confidence threshold for threshold mode. */
  threshold: number;
  /**
   * Completions and hole fills decode with this one where the package sets it (absent: `threshold`):
   * held-out measurements can allow infilling a lower threshold than edits (scripts/model_card.py).
   */
  infillThreshold?: number;
  /**
   * The editor's completions (requests with minLineConfidence 'package') show no line from the first one
   * holding a token the model gave a lower probability than this, and its edit proposals mark such lines;
   * absent: 0, every line shown, none marked. Chosen per model on development tasks (scripts/model_card.py):
   * how sure a model's right answers are depends on the model.
   */
  minLineConfidence?: number;
  /** Forward passes per block in fixed mode (blockSize = one token per pass). */
  stepsPerBlock: number;
  temperature: number;
  /** Threshold mode: also commit what continues a stretch of the prompt (src/engine/promptLookup.ts); absent: on. */
  promptLookup?: boolean;
  /**
   * Drafted states each pass also runs (src/engine/sampler.ts DecodeOptions.draftStates): the same
   * answers in fewer passes, each pass longer. Absent: 0. Worth it where a pass costs about the same for
   * a few more positions (expected on a GPU; not on a 2-core CPU, README); scripts/model_card.py chooses it.
   */
  draftStates?: number;
  /**
   * Completions and fills at the end of a word end the prompt before its last token, and the answer's
   * first token must start with that token's text (src/engine/prefixHealing.ts). Absent: on.
   */
  healPrefix?: boolean;
}

export interface FileEntry {
  bytes: number;
  sha256: string;
}

export interface Manifest {
  format: typeof MANIFEST_FORMAT;
  formatVersion: number;
  name: string;
  version: string;
  description?: string;
  architecture: Architecture;
  /** Block size the model was trained with; blocks are aligned to absolute positions. */
  blockSize: number;
  specialTokens: SpecialTokens;
  prompts: { fim: FimFormat; edit: EditFormat };
  decoding: DecodingDefaults;
  /** How the weights are stored: fp32 | fp16 | int8 (com.microsoft.DynamicQuantizeMatMul) | int4 (MatMulNBits). */
  weights: { dtype: 'fp32' | 'fp16' | 'int8' | 'int4'; blockSize?: number };
  /** Every file of the package except diffcoder.json itself, with its size and sha256. */
  files: Record<string, FileEntry>;
  /** Where the weights came from: data, steps, tokens, hardware, time (free-form). */
  provenance?: Record<string, unknown>;
  /** Measured evaluation numbers (free-form, see media/models/<name>/MODEL_CARD.md). */
  evaluation?: Record<string, unknown>;
}
