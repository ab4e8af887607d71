/**
 * A model package, loaded and checked: manifest, tokenizer, onnxruntime session (on the first provider
 * that loads) and the KV cache of the last request.
 */
import type { InferenceSession } from 'onnxruntime-node';
import type { LoadParams, ModelInfo } from './protocol';
import type { Manifest } from './package/manifest';
import { loadPackage } from './package/loadPackage';
import { PackageError, Problems } from './package/problems';
import { validateGraph } from './package/validateGraph';
import type { HashCache } from './package/verifyFiles';
import { createSession } from './session/createSession';
import { autoSkips, passScaledRows, providerNotes } from './session/providerNotes';
import { OnnxBlockModel, PREFILL_CHUNK } from './session/onnxBlockModel';
import { PromptCache, type BlockModel, type SpecialIds } from './sampler';
import type { CodeTokenizer } from './tokenizer';

export class LoadedModel {
  /** KV of the previous request (prompt blocks + committed blocks), reused by the next one. */
  readonly promptCache = new PromptCache();
  /** Never emitted: every special token of the tokenizer but EOS, and the mask. */
  readonly special: SpecialIds;

  private constructor(
    readonly info: ModelInfo,
    readonly manifest: Manifest,
    readonly tokenizer: CodeTokenizer,
    readonly model: BlockModel,
    private readonly session: InferenceSession | undefined,
  ) {
    const s = manifest.specialTokens;
    const suppress = new Set(tokenizer.specialIds);
    for (const id of Object.values(s)) if (typeof id === 'number') suppress.add(id);
    suppress.delete(s.eos);
    suppress.add(s.mask);
    this.special = { mask: s.mask, eos: s.eos, suppress };
  }

  static async load(params: LoadParams, hashes?: HashCache, progress?: (message: string) => void): Promise<LoadedModel> {
    const t0 = Date.now();
    progress?.('checking the package');
    const pkg = await loadPackage(params.modelDir, hashes);
    progress?.('creating the inference session');
    let choice;
    try {
      choice = await createSession(pkg.modelFile, { providers: params.providers, threads: params.threads, autoSkips: autoSkips(pkg.manifest) });
    } catch (e) {
      throw new PackageError(pkg.dir, [{ kind: 'bad-model', where: 'model.onnx', message: (e as Error).message }]);
    }
    const { session, device, fallback } = choice;
    const p = new Problems();
    validateGraph(session.inputMetadata, session.outputMetadata, pkg.manifest.architecture, p);
    if (p.list.length) {
      await session.release();
      p.throwIfAny(pkg.dir);
    }
    const m = pkg.manifest;
    const model = new OnnxBlockModel(session, m.architecture, PREFILL_CHUNK, passScaledRows(m));
    progress?.('warming up');
    pkg.tokenizer.prepare(); // single-line stops and prefix healing read the vocabulary's texts
    try {
      await model.warmUp(m.specialTokens.bos);
    } catch (e) {
      await session.release();
      throw new PackageError(pkg.dir, [{ kind: 'bad-model', where: 'model.onnx', message: (e as Error).message }]);
    }
    const info: ModelInfo = {
      name: m.name,
      version: m.version,
      modelDir: pkg.dir,
      device,
      fallback,
      notes: providerNotes(device, m),
      blockSize: m.blockSize,
      maxPositions: m.architecture.maxPositions,
      trainedPositions: m.architecture.trainedPositions ?? m.architecture.maxPositions,
      vocabSize: m.architecture.vocabSize,
      weights: m.weights.dtype,
      loadMs: Date.now() - t0,
    };
    return new LoadedModel(info, m, pkg.tokenizer, model, session);
  }

  async dispose(): Promise<void> {
    this.promptCache.clear();
    await this.session?.release();
  }
}
