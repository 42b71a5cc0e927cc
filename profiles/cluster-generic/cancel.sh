#!/usr/bin/env bash
# Cancel jobs when Snakemake is interrupted (Ctrl-C).
#
#     cancel.sh JOBID...
#
# PBS/Torque and Grid Engine: qdel "$@"
exec scancel "$@"
