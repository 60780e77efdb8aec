#!/usr/bin/env bash
# Grade a course's submissions as a Slurm job array: task k of N runs
# `dnnkit grade --shard k/N --results`, each on the submissions whose student id hashes to k.
# Results land in results/ on the shared file system as they are graded; resubmitting the array
# (after a time limit or a node failure) skips what is already graded.
#
#   cd /path/to/course && sbatch deploy/slurm/grade-array.sh
#   sbatch --array=0-15 deploy/slurm/grade-array.sh        # more shards: nothing else to change
#
# The course is the folder sbatch runs from (its .venv, submitted/, and .dnnkit/course_secret,
# which must be readable by the job and nobody else); DNNKIT_COURSE overrides it.
#SBATCH --job-name=dnnkit-grade
#SBATCH --array=0-3
#SBATCH --cpus-per-task=2
#SBATCH --mem=4G
#SBATCH --time=00:30:00
#SBATCH --output=dnnkit-grade-%A_%a.log
set -euo pipefail

COURSE="${DNNKIT_COURSE:-${SLURM_SUBMIT_DIR:-$PWD}}"
DNNKIT="${DNNKIT:-$COURSE/.venv/bin/dnnkit}"
# Shards are numbered from 0 whatever range --array was given.
INDEX=$((SLURM_ARRAY_TASK_ID - ${SLURM_ARRAY_TASK_MIN:-0}))
SHARDS="${SLURM_ARRAY_TASK_COUNT:?run with sbatch --array}"

cd "$COURSE"
# Exit code 3 (some notebooks could not be graded; each has a record saying why) is a finished
# shard; anything else non-zero fails the task.
"$DNNKIT" grade submitted --shard "$INDEX/$SHARDS" --results results \
  --workers "${SLURM_CPUS_PER_TASK:-2}" --no-progress || [ "$?" -eq 3 ]
