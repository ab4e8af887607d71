#!/usr/bin/env bash
# Packs what a GPU training session needs into .gpu/ (gitignored), for the device tool's `carry`:
# the token streams and the pre-tokenized evaluation tasks, xz-compressed. Optionally a checkpoint
# to continue from (exported bf16 shards) as .gpu/init/.
#   bash scripts/gpu/pack.sh [INIT_CHECKPOINT_DIR]        (DATA=build/data EVAL=build/eval by default)
set -euo pipefail
cd "$(dirname "$0")/../.."
DATA=${DATA:-build/data}; EVAL=${EVAL:-build/eval}
rm -rf .gpu && mkdir -p .gpu/stage/data .gpu/stage/eval
for f in pretrain.u16 val.u16 sft.u16 sft.loss.u8 meta.json; do ln -s "$PWD/$DATA/$f" .gpu/stage/data/$f; done
for f in "$EVAL"/*.ids.jsonl; do ln -s "$PWD/$f" .gpu/stage/eval/; done
tar -chf - -C .gpu/stage data eval | xz -T2 -6 > .gpu/data.tar.xz
rm -rf .gpu/stage
if [ "${1:-}" != "" ]; then cp -r "$1" .gpu/init; fi
du -sh .gpu/*
