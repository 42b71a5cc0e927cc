#!/usr/bin/env bash
# A real one-node SLURM cluster (munged + slurmctld + slurmd on this machine) for the
# duration of one command:
#
#     tests/slurm/cluster.sh .venv/bin/pytest -v tests/slurm/workflow_on_slurm.py
#
# Writes /etc/slurm/slurm.conf (the executor plugin's job steps drop SLURM_* variables,
# so SLURM_CONF alone is not enough), starts the daemons in the foreground of background
# processes, waits until the node is idle, runs the command, and stops the daemons by
# their PIDs from an EXIT trap, so they stop when the command fails or is interrupted.
# Needs root (slurmd launches jobs; munged runs as the munge user) and the Debian
# packages slurm-wlm and munge. Refuses to touch a SLURM installation it did not write.
set -euo pipefail

MARKER="# written by actionable tests/slurm/cluster.sh"
CONF=/etc/slurm/slurm.conf
PARTITION=${SLURM_TEST_PARTITION:-compute}

die() {
	echo "tests/slurm/cluster.sh: $*" >&2
	exit 2
}

[ $# -gt 0 ] || die "usage: tests/slurm/cluster.sh COMMAND [ARGS...]"
[ "$(id -u)" = 0 ] || die "needs root (slurmd starts jobs, munged runs as the munge user)"
for tool in munged munge unmunge slurmctld slurmd sinfo squeue sbatch srun scontrol setpriv; do
	command -v "$tool" >/dev/null || die "$tool not found: apt-get install --no-install-recommends slurm-wlm munge"
done
if [ -e "$CONF" ] && ! grep -qF "$MARKER" "$CONF"; then
	die "$CONF exists and was not written by this script; not touching a real SLURM setup"
fi
if scontrol ping 2>/dev/null | grep -q 'is UP'; then
	die "a slurmctld is already running; stop it first"
fi

unset SLURM_CONF
STATE=$(mktemp -d "${TMPDIR:-/tmp}/actionable-slurm.XXXXXX")
chmod 755 "$STATE"
PIDS=()
STARTED_MUNGED=0

cleanup() {
	local status=$?
	set +e
	# stop in reverse order of start, each by the PID we recorded
	for ((i = ${#PIDS[@]} - 1; i >= 0; i--)); do
		kill -TERM "${PIDS[i]}" 2>/dev/null
	done
	for pid in "${PIDS[@]}"; do
		for _ in $(seq 50); do
			kill -0 "$pid" 2>/dev/null || break
			sleep 0.2
		done
		kill -0 "$pid" 2>/dev/null && kill -KILL "$pid" 2>/dev/null
		wait "$pid" 2>/dev/null
	done
	if [ "$status" != 0 ]; then
		for log in "$STATE"/slurmctld.log "$STATE"/slurmd.log; do
			[ -s "$log" ] && { echo "--- last lines of $log"; tail -n 20 "$log"; } >&2
		done
	fi
	grep -qF "$MARKER" "$CONF" 2>/dev/null && rm -f "$CONF"
	rm -rf "$STATE"
	echo "tests/slurm/cluster.sh: stopped ${#PIDS[@]} daemon(s): ${PIDS[*]}" >&2
	exit "$status"
}
# On Ctrl-C or kill: stop the command first (its whole process group, so Snakemake can
# still cancel its SLURM jobs), then the EXIT trap stops the daemons.
CHILD=""
interrupted() {
	if [ -n "$CHILD" ]; then
		kill -TERM -- "-$CHILD" 2>/dev/null
		for _ in $(seq 100); do
			kill -0 -- "-$CHILD" 2>/dev/null || break
			sleep 0.2
		done
		kill -KILL -- "-$CHILD" 2>/dev/null
	fi
	exit "$1"
}
trap cleanup EXIT
trap 'interrupted 130' INT
trap 'interrupted 143' TERM

# --- slurm.conf: one node, this machine's CPUs, memory a little below what slurmd sees.
# The test jobs last seconds and mostly start Python, so each core may be shared by up to
# four jobs (OverSubscribe=FORCE:4); memory requests are still honoured (CR_Core_Memory).
# Without accounting, squeue is where job states come from: it keeps ended jobs for
# MinJobAge seconds, longer than a test run.
read -r cpus sockets cores threads memory < <(
	slurmd -C | head -n 1 | tr ' ' '\n' | awk -F= '
		$1 == "CPUs" {c = $2} $1 == "SocketsPerBoard" {s = $2} $1 == "CoresPerSocket" {k = $2}
		$1 == "ThreadsPerCore" {t = $2} $1 == "RealMemory" {m = $2}
		END {print c, s, k, t, m}'
)
memory=$((memory * 9 / 10))
mkdir -p /etc/slurm "$STATE/ctld" "$STATE/d"
cat >"$CONF" <<EOF
$MARKER; removed when it stops
ClusterName=actionable-test
SlurmctldHost=localhost
SlurmUser=root
SlurmdUser=root
AuthType=auth/munge
CredType=cred/munge
MpiDefault=none
ProctrackType=proctrack/linuxproc
TaskPlugin=task/none
SelectType=select/cons_tres
SelectTypeParameters=CR_Core_Memory
DefMemPerCPU=1000
ReturnToService=2
MinJobAge=3600
KillWait=5
InactiveLimit=0
SlurmctldTimeout=60
SlurmdTimeout=60
SchedulerType=sched/backfill
AccountingStorageType=accounting_storage/none
JobAcctGatherType=jobacct_gather/none
JobCompType=jobcomp/none
StateSaveLocation=$STATE/ctld
SlurmdSpoolDir=$STATE/d
SlurmctldPidFile=$STATE/slurmctld.pid
SlurmdPidFile=$STATE/slurmd.pid
SlurmctldLogFile=$STATE/slurmctld.log
SlurmdLogFile=$STATE/slurmd.log
SlurmctldDebug=info
SlurmdDebug=info
NodeName=localhost CPUs=$cpus SocketsPerBoard=$sockets CoresPerSocket=$cores ThreadsPerCore=$threads RealMemory=$memory State=UNKNOWN
PartitionName=$PARTITION Nodes=localhost Default=YES MaxTime=INFINITE State=UP OverSubscribe=FORCE:4
EOF

# --- munged, as the munge user (reuse one that already answers)
if ! munge -n 2>/dev/null | unmunge >/dev/null 2>&1; then
	if [ ! -s /etc/munge/munge.key ]; then # the Debian package normally creates it
		mungekey --create --keyfile /etc/munge/munge.key
		chown munge:munge /etc/munge/munge.key
		chmod 400 /etc/munge/munge.key
	fi
	mkdir -p /run/munge
	chown munge:munge /run/munge
	chmod 755 /run/munge
	setpriv --reuid munge --regid munge --init-groups /usr/sbin/munged --foreground \
		>"$STATE/munged.out" 2>&1 &
	PIDS+=($!)
	STARTED_MUNGED=1
	for _ in $(seq 50); do
		munge -n 2>/dev/null | unmunge >/dev/null 2>&1 && break
		sleep 0.2
	done
	munge -n | unmunge >/dev/null || die "munged did not start: $(cat "$STATE/munged.out")"
fi

# --- slurmctld and slurmd (-N must match NodeName)
slurmctld -D -i >"$STATE/slurmctld.out" 2>&1 &
PIDS+=($!)
slurmd -D -N localhost >"$STATE/slurmd.out" 2>&1 &
PIDS+=($!)

state=""
for _ in $(seq 150); do
	state=$(sinfo --noheader --nodes=localhost --format=%T 2>/dev/null || true)
	[ "$state" = idle ] && break
	sleep 0.2
done
[ "$state" = idle ] || die "the node did not come up (state: '${state:-none}')"
echo "tests/slurm/cluster.sh: SLURM up: node localhost ($cpus CPUs, $memory MB)," \
	"partition $PARTITION, daemons ${PIDS[*]} (munged started here: $STARTED_MUNGED)" >&2

export ACTIONABLE_SLURM_CLUSTER=1
# in the background, in a process group of its own (set -m), so that the traps above run
# at once on a signal instead of after the command
set -m
"$@" &
CHILD=$!
set +e
wait "$CHILD"
status=$?
set -e
CHILD=""
exit "$status"
