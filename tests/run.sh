#!/bin/sh
# tests/run.sh — run test programs side by side (make test, make check-asan).
#
#   tests/run.sh [-j JOBS] [-a PROGRAM]... LOGDIR PROGRAM...
#
# Runs each PROGRAM (a path, no arguments; the environment passes through)
# from the current folder, JOBS at a time (default 2) in the order given —
# put the longest first, so that the short ones fill in at the end. Each
# -a PROGRAM runs alongside that pool, from the start, without taking a
# place in it: for a program that mostly waits (on mpirun, on a browser)
# rather than computes. A program's output goes to LOGDIR/NAME.log and is
# printed whole, under its "== PROGRAM" header, when it ends, so outputs
# never interleave; a "-- PROGRAM:" line after it gives its exit status,
# wall time and the processor time of its processes (for docs/testing.md's
# timings; no test depends on them). Exit status 0 when every program exits 0; otherwise 1,
# after naming the programs that failed.
set -u

jobs=2
alongside=
while [ $# -gt 0 ]; do
    case $1 in
        -j) jobs=$2; shift 2 ;;
        -a) alongside="$alongside $2"; shift 2 ;;
        *) break ;;
    esac
done
if [ $# -lt 1 ]; then
    echo "usage: tests/run.sh [-j JOBS] [-a PROGRAM]... LOGDIR PROGRAM..." >&2
    exit 2
fi
logs=$1
shift
case $jobs in
    ''|*[!0-9]*|0) echo "tests/run.sh: -j wants a whole number of jobs, at least 1 (got '$jobs')" >&2; exit 2 ;;
esac
mkdir -p "$logs" || exit 2

# One program: its log, its exit status, then its output printed whole
# (flock keeps two programs that end together from interleaving).
one='
t=$1; log=$2/$(printf "%s" "$t" | tr "/" "_").log
begin=$(date +%s)
"$t" > "$log" 2>&1
rc=$?
end=$(date +%s)
times > "$log.times"; cpu=$(sed -n 2p "$log.times")
echo $rc > "$log.rc"
{ flock 9; printf "== %s\n" "$t"; cat "$log"
  printf -- "-- %s: exit %s, %s s, processor time (user, system) %s\n" "$t" $rc $((end - begin)) "$cpu"
} 9> "$2/.print.lock"
'

all="$alongside $*"
for t in $all; do
    rm -f "$logs/$(printf '%s' "$t" | tr '/' '_').log.rc"
done

pids=
for t in $alongside; do
    sh -c "$one" sh "$t" "$logs" &
    pids="$pids $!"
done
printf '%s\n' "$@" | xargs -P "$jobs" -I{} sh -c "$one" sh {} "$logs"
for p in $pids; do
    wait "$p"
done

failed=
for t in $all; do
    rc=$(cat "$logs/$(printf '%s' "$t" | tr '/' '_').log.rc" 2>/dev/null || echo missing)
    [ "$rc" = 0 ] || failed="$failed $t($rc)"
done
if [ -n "$failed" ]; then
    echo "failed (exit status):$failed"
    exit 1
fi
exit 0
