#!/usr/bin/env bash
# One GPU session of training, start to finish, with the Stable-DiffCoder recipe:
#   AR pretraining -> { block-diffusion CPT -> SFT }  and, in parallel on the same GPU as the baseline,
#                     { AR continued on the same data for the same time }
# then held-out evaluation of every stage in PyTorch, and the final model exported as bf16 shards.
# Every stage is time-budgeted (LR decay is scheduled by elapsed time) and the evaluations stop at a
# deadline, so the same script fits any lease. Runs on the device machine from the repository root
# with .gpu/ carried (scripts/gpu/pack.sh):
#   AR_MIN=3.2 CPT_MIN=2 SFT_MIN=1.3 TOTAL_S=540 bash scripts/gpu/train-on-gpu.sh
# Continuing the bundled model instead of starting over (its int8 weights, read back from the package
# in the working tree by package_weights.py); a stage with 0 minutes is skipped:
#   INIT_PACKAGE=media/models/diffcoder-small AR_MIN=0 CPT_MIN=2 CPT_WARMUP=0 SFT_MIN=5 bash scripts/gpu/train-on-gpu.sh
# (CPT_WARMUP=0: a model already trained for diffusion needs no corruption warmup; PHASE=0.5 when packing.)
# What comes back ($OUT, at most 8 files): the weight shards as soon as SFT ends, and results.tar
# (checkpoint metadata, logs, eval.jsonl), written after SFT and again at the end.
# scripts/tests/test_gpu_session.py runs pack.sh and this script here on the CPU with stages of seconds.
set -euo pipefail
export PYTHONUNBUFFERED=1 OMP_WAIT_POLICY=PASSIVE
START=$(date +%s)
PY=${PY:-python3}
OUT=${OUT:-/tmp/out}
W=${WORK:-/tmp/dc}
PACK=${PACK:-.gpu}
AR_MIN=${AR_MIN:-3.2}; CPT_MIN=${CPT_MIN:-2}; SFT_MIN=${SFT_MIN:-1.3}
TOTAL_S=${TOTAL_S:-540}  # the whole script, evaluations included, ends by then
EVAL_LIMIT=${EVAL_LIMIT:-100}
PRESET=${PRESET:-small}
COMMON=(--preset "$PRESET" --seq-len "${SEQ_LEN:-1024}" --batch "${BATCH:-64}" --ckpt-minutes 2 --eval-every 200 ${EXTRA:-})
[ "${COMPILE:-0}" = 1 ] && COMMON+=(--compile)
mkdir -p "$W/data" "$W/res" "$OUT"
R=$W/res  # logs and evaluations; tarred into $OUT
log() { echo "[$(date +%T) +$(( $(date +%s) - START ))s] $*"; }
left() { echo $(( START + TOTAL_S - $(date +%s) )); }
runs() { awk "BEGIN{exit !($1 > 0)}"; }  # runs MINUTES: is the stage on?
pack_results() { (cd "$R" && tar -cf "$OUT/results.tar.tmp" . && mv "$OUT/results.tar.tmp" "$OUT/results.tar"); }
trap pack_results EXIT  # logs come back even when a stage fails

log "gpu: $(nvidia-smi --query-gpu=name,memory.total --format=csv,noheader 2>/dev/null || echo none); torch $($PY -c 'import torch;print(torch.__version__)')"
$PY -c "import tarfile; tarfile.open('$PACK/data.tar.xz').extractall('$W/data')"
D=$W/data/data; E=$W/data/eval
cp "$D/meta.json" "$R/data-meta.json"
TOK=media/models/diffcoder-small/tokenizer.json
START_CK=""
if [ -n "${INIT_PACKAGE:-}" ]; then
  $PY scripts/gpu/package_weights.py "$INIT_PACKAGE" "$W/start" > "$R/start.log" 2>&1; START_CK=$W/start
elif [ -d "$PACK/init" ]; then
  START_CK=$PACK/init
fi
INIT=(); [ -n "$START_CK" ] && INIT=(--init "$START_CK")
INFILL=("$E/infill-single.ids.jsonl" "$E/infill-multi.ids.jsonl")
ALL=("${INFILL[@]}" "$E/edit.ids.jsonl")
evaluate() {  # evaluate CKPT LOGNAME SECONDS ARGS...: one JSON line per set into eval.jsonl
  local ck=$1 name=$2 secs=$3; shift 3
  $PY scripts/evaluate.py --ckpt "$ck" --tokenizer "$TOK" --limit "$EVAL_LIMIT" --out "$R/eval.jsonl" \
    --seconds "$secs" "$@" > "$R/eval-$name.log" 2>&1 || log "evaluation $name failed (see eval-$name.log)"
}

AR_CK=$W/ar
if runs "$AR_MIN"; then
  log "stage ar (${AR_MIN} min)"
  $PY scripts/train.py --stage ar --data "$D" --run "$W/ar" --minutes "$AR_MIN" --lr 2e-3 "${INIT[@]}" "${COMMON[@]}" > "$R/ar.log" 2>&1
  tail -n 2 "$R/ar.log"
else
  [ -n "$START_CK" ] || { log "AR_MIN=0 needs INIT_PACKAGE or a carried $PACK/init to start from"; exit 2; }
  AR_CK=$START_CK
fi

CPT_CK=$W/cpt; ar2=""
if runs "$CPT_MIN"; then
  log "stage diffusion CPT (${CPT_MIN} min)$(runs "$AR_MIN" && echo ' and the AR baseline beside it')"
  $PY scripts/train.py --stage diffusion --init "$AR_CK" --data "$D" --run "$W/cpt" --minutes "$CPT_MIN" --lr 1e-3 \
    --warmup-steps "${CPT_WARMUP:-300}" "${COMMON[@]}" > "$R/cpt.log" 2>&1 &
  cpt=$!
  if runs "$AR_MIN"; then  # the paper's comparison: AR trained on for the same time, same data
    $PY scripts/train.py --stage ar --init "$W/ar" --data "$D" --run "$W/ar2" --minutes "$CPT_MIN" --lr 1e-3 \
      "${COMMON[@]}" > "$R/ar2.log" 2>&1 &
    ar2=$!
  fi
  wait $cpt; tail -n 1 "$R/cpt.log"
else
  CPT_CK=$AR_CK
fi

log "stage sft (${SFT_MIN} min); meanwhile evaluate the earlier checkpoints"
$PY scripts/train.py --stage sft --init "$CPT_CK" --data "$D" --run "$W/sft" --minutes "$SFT_MIN" --lr "${SFT_LR:-5e-4}" \
  --lr-warmup 50 --certainty "${CERTAINTY:-0}" "${COMMON[@]}" --export "$W/ckpt" --export-dtype bf16 --shard-mb 15 --tokenizer "$TOK" > "$R/sft.log" 2>&1 &
sft=$!
if [ -n "$ar2" ]; then wait $ar2 || log "the AR baseline failed (see ar2.log)"; tail -n 1 "$R/ar2.log"; fi
during=$(awk "BEGIN{print int($SFT_MIN*60)}")
if runs "$AR_MIN"; then evaluate "$W/ar" ar "$during" --mode ar --tasks "${INFILL[@]}" & fi
if [ -n "$ar2" ]; then evaluate "$W/ar2" ar2 "$during" --mode ar --tasks "${INFILL[@]}" & fi
if runs "$CPT_MIN"; then evaluate "$W/cpt" cpt-thr "$during" --decode threshold --tasks "${INFILL[@]}" & fi
if [ -n "$START_CK" ] && ! runs "$AR_MIN"; then evaluate "$START_CK" start-thr "$during" --decode threshold --tasks "${ALL[@]}" & fi
wait $sft; tail -n 1 "$R/sft.log"
mv "$W"/ckpt/model-*.safetensors "$OUT"/
cp -r "$W/ckpt" "$R/ckpt"
for r in ar ar2 cpt sft; do cp "$W/$r/log.jsonl" "$R/log-$r.jsonl" 2>/dev/null || true; done
mkdir -p "$R/sft" && cp "$W/sft/provenance.json" "$W/sft/summary.json" "$R/sft/"  # scripts/model_card.py --runs reads these
pack_results

secs=$(( $(left) - 20 )); [ "$secs" -gt 240 ] && secs=240
log "evaluate the final model: threshold vs one token per step (${secs}s)"
if [ "$secs" -gt 10 ]; then
  evaluate "$W/sft" sft-thr "$secs" --decode threshold --tasks "${ALL[@]}" &
  evaluate "$W/sft" sft-fixed "$secs" --decode fixed --tasks "${ALL[@]}" &
  if runs "$CPT_MIN"; then evaluate "$W/cpt" cpt-fixed "$secs" --decode fixed --tasks "${INFILL[@]}" & fi
fi
wait
pack_results
log "done"; cat "$R/eval.jsonl" 2>/dev/null || true
ls -la "$OUT"
