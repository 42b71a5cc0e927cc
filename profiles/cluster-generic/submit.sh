#!/usr/bin/env bash
# Submit one Snakemake job script to SLURM; print the job ID (nothing else) on stdout.
#
#     submit.sh JOBSCRIPT
#
# Snakemake writes the job's properties (rule, threads, resources) as JSON into the second
# line of the job script ("# properties = {...}"); they become sbatch options here.
# The job's SLURM log goes to logs/cluster/<rule or group>/<jobid>.log.
# Extra sbatch options for every job: the environment variable SBATCH_EXTRA.
#
# PBS/Torque: qsub -N "$name" -l nodes=1:ppn=$threads,mem=${mem_mb}mb,walltime=$((runtime/60)):$((runtime%60)):00
#   -q "$partition" -o "$log" -j oe "$jobscript"; qsub prints the job ID.
# Grid Engine: qsub -terse -cwd -N "$name" -pe smp "$threads" -l h_vmem=$((mem_mb/threads))M
#   -l h_rt=$((runtime*60)) -o "$log" -j y "$jobscript"
set -euo pipefail

jobscript=${1:?usage: submit.sh JOBSCRIPT}

# rule-or-group name, threads, mem_mb, runtime (minutes), partition, account
read -r name threads mem_mb runtime partition account < <(
	python3 - "$jobscript" <<'PY'
import json
import sys

with open(sys.argv[1]) as handle:
    for line in handle:
        if line.startswith("# properties = "):
            props = json.loads(line[len("# properties = "):])
            break
    else:
        sys.exit("no '# properties = ' line in " + sys.argv[1])
resources = props.get("resources", {})
name = props.get("rule") or "group_" + str(props.get("groupid", "job"))
print(
    name,
    props.get("threads", 1),
    resources.get("mem_mb", 1000),
    resources.get("runtime", 60),
    resources.get("slurm_partition") or "-",
    resources.get("slurm_account") or "-",
)
PY
)

mkdir -p "logs/cluster/$name"
args=(--parsable --job-name "smk-$name" --output "logs/cluster/$name/%j.log"
	--ntasks 1 --cpus-per-task "$threads" --mem "$mem_mb" --time "$runtime")
[ "$partition" != - ] && args+=(--partition "$partition")
[ "$account" != - ] && args+=(--account "$account")
# shellcheck disable=SC2086  # SBATCH_EXTRA holds several options
sbatch "${args[@]}" ${SBATCH_EXTRA:-} "$jobscript" | cut -d ';' -f 1
