#!/usr/bin/env bash
# A betadose Monte Carlo run as a Slurm job array: task t of T simulates decays
# [t·N/T, (t+1)·N/T) of the run and writes a part; a dependent job merges the parts into the
# dose file, bitwise the one a single process writes (README "Scale-out").
#
#   CASE="--ct ct.nii.gz --activity spect.nii.gz --total-activity-gbq 2 --mask liver=liver.nii.gz" \
#   HISTORIES=1000000000 BATCHES=64 TASKS=16 OUT=dose.h5 tools/slurm_array.sh submit
#
# submits the array (this script as the batch script) and the merge (afterok). The same with
# `local` instead of `submit` runs the tasks one after the other on this machine, then the
# merge (a dry run of the job, or a small case without Slurm).
#
# Every task must see the same inputs and the same betadose build; parts of another case, of
# other options, overlapping or missing ranges are refused by the merge. Set BETADOSE to the
# program, PARTS to the folder of the parts (default parts/), MC_OPTIONS for further mc options
# (--seed, --threads, --device cuda: one GPU per task with --gpus-per-task=1).
#SBATCH --job-name=betadose-part
#SBATCH --cpus-per-task=8
#SBATCH --time=04:00:00
#SBATCH --output=betadose-part-%A_%a.log
set -euo pipefail

: "${CASE:?set CASE to the case options of betadose mc (geometry, activity, ROIs)}"
: "${HISTORIES:?set HISTORIES to the number of decays (a whole number, e.g. 1000000000)}"
BATCHES="${BATCHES:-64}"
TASKS="${TASKS:-8}"
OUT="${OUT:-dose.h5}"
PARTS="${PARTS:-parts}"
BETADOSE="${BETADOSE:-betadose}"
MC_OPTIONS="${MC_OPTIONS:-}"
[[ "$HISTORIES" =~ ^[0-9]+$ ]] || { echo "HISTORIES must be a whole number of decays" >&2; exit 2; }
[[ "$TASKS" =~ ^[0-9]+$ && "$TASKS" -ge 1 ]] || { echo "TASKS must be a positive whole number" >&2; exit 2; }

# Decays of task t: [t·N/T, (t+1)·N/T) (bash integers are 64-bit; N·T must stay below 9.2e18).
run_task() {
  local t="$1"
  local begin=$((t * HISTORIES / TASKS)) end=$(((t + 1) * HISTORIES / TASKS))
  mkdir -p "$PARTS"
  # shellcheck disable=SC2086  # CASE and MC_OPTIONS are option lists
  "$BETADOSE" mc $CASE $MC_OPTIONS --histories "$HISTORIES" --batches "$BATCHES" \
    --decay-range "$begin:$end" --partial "$PARTS/part_$(printf %05d "$t").h5"
}

merge_parts() {
  "$BETADOSE" merge "$PARTS"/part_*.h5 --out "$OUT"
}

case "${1:-task}" in
  submit)
    export CASE HISTORIES BATCHES TASKS OUT PARTS BETADOSE MC_OPTIONS
    job=$(sbatch --parsable --export=ALL --array="0-$((TASKS - 1))" "$0" task)
    sbatch --export=ALL --dependency="afterok:${job%%;*}" --job-name=betadose-merge \
      --output=betadose-merge-%j.log "$0" merge
    ;;
  local)
    for ((t = 0; t < TASKS; ++t)); do run_task "$t"; done
    merge_parts
    ;;
  task)
    run_task "${SLURM_ARRAY_TASK_ID:?not a Slurm array task (use submit or local)}"
    ;;
  merge)
    merge_parts
    ;;
  *)
    echo "usage: tools/slurm_array.sh submit|local (or, inside Slurm, task|merge)" >&2
    exit 2
    ;;
esac
