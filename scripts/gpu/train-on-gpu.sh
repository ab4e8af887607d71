#!/usr/bin/env bash
# One GPU session of training, start to finish, with the Stable-DiffCoder recipe:
#   AR pretraining -> { block-diffusion CPT -> SFT }  and, in parallel on the same GPU as the baseline,
#                     { AR continued on the same data for the same time }
# then held-out evaluation of every stage, and the final model exported as bf16 shards to $OUT.
# Every stage is time-budgeted (LR decay is scheduled by elapsed time), so the same script fits any
# lease. Runs on the device machine from the repository root with .gpu/ carried (scripts/gpu/pack.sh).
#   AR_MIN=2.8 CPT_MIN=2.5 SFT_MIN=1.2 bash scripts/gpu/train-on-gpu.sh
set -euo pipefail
export PYTHONUNBUFFERED=1 OMP_WAIT_POLICY=PASSIVE
PY=${PY:-python3}
OUT=${OUT:-/tmp/out}
W=${WORK:-/tmp/dc}
AR_MIN=${AR_MIN:-2.8}; CPT_MIN=${CPT_MIN:-2.5}; SFT_MIN=${SFT_MIN:-1.2}
EVAL_LIMIT=${EVAL_LIMIT:-150}
PRESET=${PRESET:-small}
COMMON=(--preset "$PRESET" --seq-len "${SEQ_LEN:-1024}" --batch "${BATCH:-32}" --ckpt-minutes 2 --eval-every 200 ${EXTRA:-})
[ "${COMPILE:-1}" = 1 ] && COMMON+=(--compile)
mkdir -p "$W/data" "$OUT"
log() { echo "[$(date +%T)] $*"; }

log "gpu: $(nvidia-smi --query-gpu=name,memory.total --format=csv,noheader 2>/dev/null || echo none); torch $($PY -c 'import torch;print(torch.__version__)')"
$PY -c "import tarfile; tarfile.open('.gpu/data.tar.xz').extractall('$W/data')"
D=$W/data/data; E=$W/data/eval
TOK=media/models/diffcoder-small/tokenizer.json
INIT=(); [ -d .gpu/init ] && INIT=(--init .gpu/init)

log "stage ar (${AR_MIN} min)"
$PY scripts/train.py --stage ar --data "$D" --run "$W/ar" --minutes "$AR_MIN" --lr 2e-3 "${INIT[@]}" "${COMMON[@]}" > "$OUT/ar.log" 2>&1
tail -n 2 "$OUT/ar.log"

log "stage diffusion CPT and the AR baseline, side by side (${CPT_MIN} min each)"
$PY scripts/train.py --stage diffusion --init "$W/ar" --data "$D" --run "$W/cpt" --minutes "$CPT_MIN" --lr 1e-3 \
  --warmup-steps "${CPT_WARMUP:-300}" "${COMMON[@]}" > "$OUT/cpt.log" 2>&1 &
cpt=$!
$PY scripts/train.py --stage ar --init "$W/ar" --data "$D" --run "$W/ar2" --minutes "$CPT_MIN" --lr 1e-3 \
  "${COMMON[@]}" > "$OUT/ar2.log" 2>&1 &
ar2=$!
wait $cpt; tail -n 1 "$OUT/cpt.log"

log "stage sft (${SFT_MIN} min); meanwhile evaluate the AR checkpoints"
$PY scripts/train.py --stage sft --init "$W/cpt" --data "$D" --run "$W/sft" --minutes "$SFT_MIN" --lr 5e-4 \
  --lr-warmup 50 "${COMMON[@]}" --export "$OUT/ckpt" --export-dtype bf16 --shard-mb 15 --tokenizer "$TOK" > "$OUT/sft.log" 2>&1 &
sft=$!
wait $ar2; tail -n 1 "$OUT/ar2.log"
EV=(--tokenizer "$TOK" --limit "$EVAL_LIMIT" --out "$OUT/eval.jsonl")
INFILL=("$E/infill-single.ids.jsonl" "$E/infill-multi.ids.jsonl")
$PY scripts/evaluate.py --ckpt "$W/ar" --mode ar --tasks "${INFILL[@]}" "${EV[@]}" > "$OUT/eval-ar.log" 2>&1 &
$PY scripts/evaluate.py --ckpt "$W/ar2" --mode ar --tasks "${INFILL[@]}" "${EV[@]}" > "$OUT/eval-ar2.log" 2>&1 &
$PY scripts/evaluate.py --ckpt "$W/cpt" --decode threshold --tasks "${INFILL[@]}" "${EV[@]}" > "$OUT/eval-cpt.log" 2>&1 &
wait $sft; tail -n 1 "$OUT/sft.log"

log "evaluate the final model: threshold vs one token per step"
ALL=("${INFILL[@]}" "$E/edit.ids.jsonl")
$PY scripts/evaluate.py --ckpt "$W/sft" --decode threshold --tasks "${ALL[@]}" "${EV[@]}" > "$OUT/eval-sft-thr.log" 2>&1 &
$PY scripts/evaluate.py --ckpt "$W/sft" --decode fixed --tasks "${ALL[@]}" "${EV[@]}" > "$OUT/eval-sft-fixed.log" 2>&1 &
$PY scripts/evaluate.py --ckpt "$W/cpt" --decode fixed --tasks "${INFILL[@]}" "${EV[@]}" > "$OUT/eval-cpt-fixed.log" 2>&1 &
wait
for r in ar ar2 cpt sft; do cp "$W/$r/log.jsonl" "$OUT/log-$r.jsonl" 2>/dev/null || true; done
# What comes back is limited to 8 files: the weight shards, and one tar with everything else.
mv "$OUT"/ckpt/model-*.safetensors "$OUT"/
rm -f "$OUT/ckpt/tokenizer.json"
log "done"; cat "$OUT/eval.jsonl" || true
(cd "$OUT" && tar -cf results.tar ckpt eval.jsonl *.log log-*.jsonl && rm -rf ckpt eval.jsonl *.log log-*.jsonl)
ls -la "$OUT"
