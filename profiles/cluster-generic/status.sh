#!/usr/bin/env bash
# Print the state of one job as Snakemake expects: running, success or failed.
#
#     status.sh JOBID
#
# Asks sacct (accounting) first, then scontrol (jobs the controller still remembers,
# MinJobAge seconds after they end). A job neither knows, or one that ended any other way
# (FAILED, CANCELLED, TIMEOUT, OUT_OF_MEMORY, PREEMPTED, ...), is reported as failed:
# Snakemake then retries it (retries: in config.yaml) rather than waiting for ever.
#
# PBS/Torque: qstat -x -f "$jobid" | awk '/job_state/ {print $3}' (Q/R/H running; F with
#   Exit_status = 0 success). Grid Engine: qstat -j "$jobid" succeeds while the job is
#   queued or running; afterwards qacct -j "$jobid" gives "failed" and "exit_status".
set -uo pipefail

jobid=${1:?usage: status.sh JOBID}

state=$(sacct --jobs "$jobid" --allocations --noheader --parsable2 --format State 2>/dev/null |
	head -n 1)
if [ -z "$state" ]; then
	state=$(scontrol show job "$jobid" 2>/dev/null | grep -o 'JobState=[A-Z_]*' | cut -d = -f 2)
fi

case "${state%% *}" in
	COMPLETED) echo success ;;
	PENDING | CONFIGURING | RUNNING | COMPLETING | SUSPENDED | REQUEUED | REQUEUE_HOLD | \
		REQUEUE_FED | RESIZING | SIGNALING | STAGE_OUT | STOPPED) echo running ;;
	*) echo failed ;;
esac
