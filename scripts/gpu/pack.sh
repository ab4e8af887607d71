#!/usr/bin/env bash
# Packs what a GPU training session needs into .gpu/ (gitignored), for the device tool's `carry`:
# the token streams and the pre-tokenized evaluation tasks, xz-compressed. Optionally a checkpoint
# to continue from (exported bf16 shards) as .gpu/init/.
#   bash scripts/gpu/pack.sh [INIT_CHECKPOINT_DIR]
set -euo pipefail
cd "$(dirname "$0")/../.."
rm -rf .gpu && mkdir -p .gpu
files=(build/data/pretrain.u16 build/data/val.u16 build/data/sft.u16 build/data/sft.loss.u8 build/data/meta.json)
for f in build/eval/*.ids.jsonl; do files+=("$f"); done
tar -cf - "${files[@]}" | xz -T2 -6 > .gpu/data.tar.xz
if [ "${1:-}" != "" ]; then cp -r "$1" .gpu/init; fi
du -sh .gpu/*
