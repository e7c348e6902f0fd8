#!/bin/bash
# A thermodiff sweep as a Slurm job array: each array element runs one shard of the sweep folder
# on the CPUs Slurm gives it; `thermodiff sweep run` reads its shard from SLURM_ARRAY_TASK_ID,
# SLURM_ARRAY_TASK_COUNT, SLURM_ARRAY_TASK_MIN and SLURM_ARRAY_TASK_STEP, and its worker count from
# SLURM_CPUS_PER_TASK. The sweep folder must be on a file system every node sees.
#
#   thermodiff sweep plan configs/sweeps/table2.json --out runs/table2
#   sbatch --array=0-5 configs/sweeps/slurm-array.sh runs/table2
#   thermodiff sweep merge runs/table2
#
# Requeued or failed elements redo only their unfinished tasks (sbatch --array=0-5 again, or
# `thermodiff sweep run runs/table2` anywhere). Set THERMODIFF to the command that starts thermodiff
# if it is not on PATH (e.g. THERMODIFF="node /opt/thermodiff/bin/thermodiff.js").
#SBATCH --job-name=thermodiff-sweep
#SBATCH --array=0-5
#SBATCH --cpus-per-task=2
#SBATCH --output=thermodiff-sweep-%A_%a.out
set -euo pipefail
dir=${1:?usage: sbatch [--array=0-N] slurm-array.sh <sweep folder>}
# exit 4 (some task failed or was interrupted) marks the element FAILED in sacct; the others go on
exec ${THERMODIFF:-thermodiff} sweep run "$dir" --quiet
