/**
 * Creates the onnxruntime InferenceSession, trying execution providers in the configured order.
 * onnxruntime-node THROWS when a provider cannot load (no silent fallback): each failure is caught,
 * recorded (ModelInfo.fallback) and the next provider tried; cpu is always the last resort.
 */
import * as ort from 'onnxruntime-node';

/** Providers the engine knows. */
export const KNOWN_PROVIDERS = ['cuda', 'dml', 'webgpu', 'coreml', 'cpu'] as const;

/** In a provider list, stands for this platform's order (platformProviders). */
export const AUTO = 'auto';

/**
 * The order `auto` tries, per platform, from what the onnxruntime-node build for it contains:
 * - Linux x64: CUDA (only where its provider libraries and CUDA 12 + cuDNN 9 are installed; it fails in
 *   milliseconds otherwise), then WebGPU (Dawn over Vulkan: needs libvulkan.so.1 and a GPU driver).
 * - Windows: DirectML (any DirectX 12 GPU), then WebGPU (Dawn over D3D12).
 * - macOS: WebGPU (Dawn over Metal). CoreML is left to an explicit setting: its provider wants static
 *   shapes, and the decoder's inputs change length every call.
 * - Linux arm64 and the rest: the CPU (the prebuilt binaries have no GPU provider there).
 * The CPU is always last. A provider that fails to load costs its attempt only (measured here, no GPU:
 * cuda 134 ms, webgpu under 1 ms).
 */
export function platformProviders(platform: string = process.platform, arch: string = process.arch): string[] {
  if (platform === 'linux' && arch === 'x64') return ['cuda', 'webgpu', 'cpu'];
  if (platform === 'win32') return ['dml', 'webgpu', 'cpu'];
  if (platform === 'darwin') return ['webgpu', 'cpu'];
  return ['cpu'];
}

export interface SessionChoice {
  session: ort.InferenceSession;
  /** The provider the session runs on. */
  device: string;
  /** One line per provider that was tried and failed, with onnxruntime's reason, or that `auto` left out. */
  fallback: string[];
}

export interface SessionOptions {
  /** Provider names in order; 'auto' = platformProviders(); absent or empty = the CPU only. */
  providers?: string[];
  /** Intra-op threads; 0 or undefined = onnxruntime's default (one per physical core). */
  threads?: number;
  /** Providers `auto` leaves out for this model, with why (providerNotes.ts autoSkips); named ones still run. */
  autoSkips?: Record<string, string>;
}

/**
 * The order to try: the configured one ('auto' expanded, less `autoSkips`, each reported), unknown names
 * dropped (and reported), cpu last.
 */
export function providerOrder(wanted: string[] | undefined, fallback: string[], platform?: string, arch?: string, autoSkips: Record<string, string> = {}): string[] {
  const order: string[] = [];
  const named = new Set((wanted ?? []).map((p) => p.trim().toLowerCase()));
  const auto = (p: string) => {
    if (!(p in autoSkips) || named.has(p)) return [p];
    fallback.push(`${p}: ${autoSkips[p]}`);
    return [];
  };
  const expanded = (wanted ?? ['cpu']).flatMap((p) => (p.trim().toLowerCase() === AUTO ? platformProviders(platform, arch).flatMap(auto) : [p]));
  for (const raw of expanded) {
    const p = raw.trim().toLowerCase();
    if (!(KNOWN_PROVIDERS as readonly string[]).includes(p)) {
      fallback.push(`${raw}: unknown execution provider (known: ${AUTO}, ${KNOWN_PROVIDERS.join(', ')})`);
    } else if (!order.includes(p)) {
      order.push(p);
    }
  }
  if (!order.includes('cpu')) order.push('cpu');
  return order.slice(0, order.indexOf('cpu') + 1);
}

export async function createSession(modelFile: string, opt: SessionOptions): Promise<SessionChoice> {
  // onnxruntime logs a provider that fails to load to stderr before it throws; that failure is reported
  // through `fallback`, and real errors surface as exceptions. DIFFCODER_ORT_LOG_LEVEL=warning to see all.
  ort.env.logLevel = (process.env.DIFFCODER_ORT_LOG_LEVEL as typeof ort.env.logLevel) ?? 'fatal';
  const fallback: string[] = [];
  const order = providerOrder(opt.providers, fallback, undefined, undefined, opt.autoSkips);
  let lastError: unknown;
  for (const device of order) {
    try {
      const session = await ort.InferenceSession.create(modelFile, {
        executionProviders: [device],
        // onnxruntime rejects an explicit undefined: leave the key out for its default
        ...(opt.threads && opt.threads > 0 ? { intraOpNumThreads: opt.threads } : {}),
        interOpNumThreads: 1,
        graphOptimizationLevel: 'all',
        executionMode: 'sequential',
        // Idle intra-op threads sleep instead of spinning: the worker shares the CPU with the editor, and
        // on a busy 2-core machine spinning made a 4-token pass 2x slower (27 vs 12 ms p50, 2 threads).
        // DIFFCODER_ORT_SPIN=1 turns spinning back on (lower latency on an otherwise idle machine).
        extra: { session: { intra_op: { allow_spinning: process.env.DIFFCODER_ORT_SPIN === '1' ? '1' : '0' } } },
      });
      return { session, device, fallback };
    } catch (e) {
      lastError = e;
      fallback.push(`${device}: ${firstLine(e)}`);
    }
  }
  throw Object.assign(new Error(`model.onnx does not load on any execution provider: ${fallback.join('; ')}`), { cause: lastError, fallback });
}

/** onnxruntime's reason, without its source location and C++ frame (the useful part is at the end). */
function firstLine(e: unknown): string {
  const s = (e instanceof Error ? e.message : String(e)).split('\n')[0];
  return s
    .replace(/^\/onnxruntime_src\/\S+:\d+ /, '')
    .replace(/^.*?<lambda\(\)> /, '')
    .slice(0, 300);
}
