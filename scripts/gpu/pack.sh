#!/usr/bin/env bash
# Packs what a GPU training session needs into .gpu/ (gitignored), for the device tool's `carry`:
# an evenly spread share of the token streams (scripts/gpu/take_share.py; the tool carries 64 MiB with
# the working tree, ~17 MB of which is the repository) and the pre-tokenized evaluation tasks,
# xz-compressed. Optionally a checkpoint to continue from (exported bf16 shards) as .gpu/init/; to
# continue the bundled model, carry nothing more: INIT_PACKAGE in train-on-gpu.sh reads it from the tree.
#   bash scripts/gpu/pack.sh [INIT_CHECKPOINT_DIR]
# Environment: DATA=build/data EVAL=build/eval PRETRAIN_MB=126 SFT_MB=44 (MB of uint16 tokens kept),
# PHASE=0 (0..1: another phase takes chunks and rows an earlier session did not see; take_share.py),
# PACK=.gpu (where the pack goes; train-on-gpu.sh reads the same variable).
set -euo pipefail
cd "$(dirname "$0")/../.."
DATA=${DATA:-build/data}; EVAL=${EVAL:-build/eval}; PACK=${PACK:-.gpu}
rm -rf "$PACK" && mkdir -p "$PACK/stage/data" "$PACK/stage/eval"
python3 scripts/gpu/take_share.py "$DATA" "$PACK/stage/data" --pretrain-mb "${PRETRAIN_MB:-126}" --sft-mb "${SFT_MB:-44}" --phase "${PHASE:-0}"
for f in "$EVAL"/*.ids.jsonl; do ln -s "$(realpath "$f")" "$PACK/stage/eval/"; done
tar -chf - -C "$PACK/stage" data eval | xz -T2 -9 > "$PACK/data.tar.xz"
rm -rf "$PACK/stage"
if [ "${1:-}" != "" ]; then cp -r "$1" "$PACK/init"; fi
du -sh "$PACK"/*
tree=$(git ls-files -z | xargs -0 du -cb | tail -1 | cut -f1)
echo "carried in all: $(( ($(du -cb "$PACK" | tail -1 | cut -f1) + tree) / 1048576 )) MiB of 64 (repository files $(( tree / 1048576 )) MiB)"
