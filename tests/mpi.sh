#!/bin/sh
# mpi.sh — caseload-mpi against caseload (docs/cluster.md), run by make test.
#
#   - same seed, same bytes: run, compare, sweep (grid and tornado) and
#     target on 1, 2 and 3 ranks (oversubscribed: this machine has fewer
#     cores), at -j 2, 1 and 2 respectively, write result files byte-identical to caseload's,
#     the other ranks having computed some of the replications (rank 0's
#     report, CASELOAD_MPI_STATS); the manifest records ranks and threads
#     (caseload's records no ranks);
#   - the same with a reorder window of 3 replications (the test-only
#     CASELOAD_TEST_MPI_WINDOW), so that ranks wait for room in it;
#   - bad options are refused by rank 0 alone, with caseload's message and
#     exit status 2;
#   - a rank that dies after its first chunk (the test-only variable
#     CASELOAD_TEST_MPI_DIE_RANK) ends the run with a message naming it,
#     exit status 1 and no result folder marked complete (no manifest);
#   - Ctrl-C on mpirun (SIGINT: mpirun sends SIGTERM to every rank) writes
#     the replications finished, marked partial, the same as caseload's
#     first ones.
#
# CASELOAD and CASELOAD_MPI name the programs (default ./caseload and
# ./caseload-mpi). Open MPI refuses to run as root unless told: the two
# variables that allow it are set here, for these runs only.
set -u
CL=${CASELOAD:-./caseload}
CLM=${CASELOAD_MPI:-./caseload-mpi}
OMPI_ALLOW_RUN_AS_ROOT=1
OMPI_ALLOW_RUN_AS_ROOT_CONFIRM=1
export OMPI_ALLOW_RUN_AS_ROOT OMPI_ALLOW_RUN_AS_ROOT_CONFIRM
# mpirun's SIGKILL after its SIGTERM (1 s unless told) comes late enough
# for rank 0 to write a partial result on a loaded test machine
MPIRUN="mpirun --oversubscribe --mca odls_base_sigkill_timeout 2"
MMC=tests/scenarios/mmc-sweep.cfg

tmp=$(mktemp -d "${TMPDIR:-/tmp}/caseload-mpi.XXXXXX") || exit 1
trap 'rm -rf "$tmp"' EXIT
failed=0
checks=0
fail() {
    echo "FAIL: $*"
    failed=1
}
ok() {
    checks=$((checks + 1))
}

# Every file of folder $1 but the manifests (times, command line) and the
# lock must be in $2, byte for byte, and the other way round.
same_files() {
    a=$1 b=$2 what=$3
    (cd "$a" && find . -type f ! -name manifest.json ! -name .caseload.lock | sort) > "$tmp/la"
    (cd "$b" && find . -type f ! -name manifest.json ! -name .caseload.lock | sort) > "$tmp/lb"
    if ! cmp -s "$tmp/la" "$tmp/lb"; then
        fail "$what: not the same files: $(tr '\n' ' ' < "$tmp/la") / $(tr '\n' ' ' < "$tmp/lb")"
        return
    fi
    if [ ! -s "$tmp/la" ]; then
        fail "$what: no result files"
        return
    fi
    while read -r f; do
        cmp -s "$a/$f" "$b/$f" || fail "$what: $f differs from caseload's"
    done < "$tmp/la"
    ok
}

# $1: name; $2: the runs, as RANKS:THREADS; the rest: the command (its
# -o DIR is $tmp/$name/single, then $tmp/$name/npRANKS-jTHREADS)
check_command() {
    name=$1 runs=$2
    shift 2
    mkdir -p "$tmp/$name"
    if ! "$CL" "$@" -q -o "$tmp/$name/single" > /dev/null 2> "$tmp/$name/single.err"; then
        fail "$name: caseload failed: $(cat "$tmp/$name/single.err")"
        return
    fi
    # caseload's own manifests are as they were: no ranks
    if grep -q '"ranks"' $(find "$tmp/$name/single" -name manifest.json); then
        fail "$name: caseload's manifest records ranks"
    fi
    for npj in $runs; do
        np=${npj%:*} j=${npj#*:}
        {
            out="$tmp/$name/np$np-j$j"
            CASELOAD_MPI_STATS=1 $MPIRUN -x CASELOAD_MPI_STATS -np $np "$CLM" "$@" -j $j -q -o "$out" \
                > /dev/null 2> "$out.err"
            st=$?
            if [ $st -ne 0 ]; then
                fail "$name on $np ranks, -j $j: exit status $st: $(cat "$out.err")"
                continue
            fi
            same_files "$tmp/$name/single" "$out" "$name on $np ranks, -j $j"
            # the other ranks did compute (the report of rank 0)
            remote=$(sed -n 's/.*replications (\([0-9]*\) by the other ranks).*/\1/p' "$out.err")
            if [ $np -gt 1 ] && [ "${remote:-0}" -eq 0 ]; then
                fail "$name on $np ranks, -j $j: the other ranks computed nothing ($(cat "$out.err"))"
            fi
            # the manifest records ranks and threads
            man=$(find "$out" -name manifest.json | head -n 1)
            if ! grep -q "\"ranks\": $np" "$man" || ! grep -q "\"threads\": $j" "$man"; then
                fail "$name on $np ranks, -j $j: $man does not record ranks $np and threads $j"
            fi
        }
    done
    ok
}

# A second scenario for compare: the first with one more server.
cat > "$tmp/more.cfg" <<EOF
@include "$(pwd)/$MMC"
name = "mmc-more";
workforce: { grades = ( { name = "w"; establishment = 12.0; in_post = 7.0; cap = 1.0;
                          salary = 30000.0; turnover_per_year = 0.0; } ); };
EOF
cat > "$tmp/uncertain.cfg" <<EOF
@include "$(pwd)/$MMC"
uncertain = [ "workforce.recruitment.cost_per_campaign", "demand.referrals_per_year" ];
workforce: { recruitment: { cost_per_campaign = 100.0; }; };
EOF

# 1, 2 and 3 ranks, with two, one and two threads each
ALL="1:2 2:1 3:2"
check_command run "$ALL" run "$MMC" -n 30 -s 5
check_command compare "$ALL" compare "$MMC" "$tmp/more.cfg" -n 24 -s 5
check_command sweep "$ALL" sweep "$MMC" --vary workforce.grades.w.in_post=5:8:4 -n 12 -s 5
check_command tornado "3:2" sweep "$tmp/uncertain.cfg" --tornado --spread 0.1 -n 8 -s 5
check_command target "$ALL" target "$MMC" --lever workforce.grades.w.in_post --kpi backlog_mean --below 0.3 \
    --probability 0.9 --range 4:12 --step 1 -n 10 -s 5 --set horizon_years=0.5

# A reorder window of 3 replications (test only): ranks wait for room, and
# the results still come out in order.
CASELOAD_TEST_MPI_WINDOW=3
export CASELOAD_TEST_MPI_WINDOW
check_command window "3:1" run "$MMC" -n 40 -s 9
unset CASELOAD_TEST_MPI_WINDOW

# Bad options: rank 0's message, as caseload's, once; exit status 2.
"$CL" run "$MMC" -n 0 -q -o "$tmp/bad1" > /dev/null 2> "$tmp/bad1.err"
st1=$?
$MPIRUN -np 3 "$CLM" run "$MMC" -n 0 -q -o "$tmp/bad3" > /dev/null 2> "$tmp/bad3.err"
st3=$?
msg=$(grep '^caseload:' "$tmp/bad1.err")
if [ $st1 -ne 2 ] || [ $st3 -ne 2 ] || [ -z "$msg" ]; then
    fail "bad option: exit status $st1 (caseload), $st3 (caseload-mpi on 3 ranks), 2 wanted"
elif [ "$(grep -c '^caseload:' "$tmp/bad3.err")" -ne 1 ] || ! grep -qF "$msg" "$tmp/bad3.err"; then
    fail "bad option: caseload-mpi's messages are not caseload's, once: $(cat "$tmp/bad3.err")"
elif [ -e "$tmp/bad3" ]; then
    fail "bad option: a result folder was made"
else
    ok
fi

# A rank that dies after its first chunk.
dead="$tmp/dead"
CASELOAD_TEST_MPI_DIE_RANK=2 $MPIRUN -x CASELOAD_TEST_MPI_DIE_RANK -np 3 "$CLM" run scenarios/baseline.cfg \
    -n 40 -s 5 -j 1 -q -o "$dead" > /dev/null 2> "$dead.err"
st=$?
if [ $st -ne 1 ]; then
    fail "dead rank: exit status $st, 1 wanted: $(cat "$dead.err")"
elif ! grep -q '^caseload: rank 2 did not answer.*no result folder was completed' "$dead.err"; then
    fail "dead rank: no message naming rank 2: $(cat "$dead.err")"
elif [ -e "$dead/manifest.json" ]; then
    fail "dead rank: $dead is marked complete (it has a manifest)"
else
    ok
fi

# Ctrl-C on mpirun: the replications finished, marked partial, the same as
# caseload's first ones.
int="$tmp/int"
$MPIRUN -np 2 "$CLM" run "$MMC" -n 1000000 -s 5 -j 1 -q -o "$int" > /dev/null 2> "$int.err" &
pid=$!
# once the first replications are being written (series.csv, under a
# temporary name until the end), as a person would press Ctrl-C
waited=0
while [ $waited -lt 300 ] && [ -z "$(find "$int" -type f -size +0 ! -name .caseload.lock 2>/dev/null)" ]; do
    sleep 0.1
    waited=$((waited + 1))
done
kill -INT $pid
wait $pid
if [ ! -f "$int/manifest.json" ] || ! grep -q '"partial": true' "$int/manifest.json"; then
    fail "Ctrl-C: no manifest marked partial in $int: $(cat "$int.err")"
else
    n=$(sed -n 's/^  "replications": \([0-9]*\),$/\1/p' "$int/manifest.json")
    if [ -z "$n" ] || [ "$n" -lt 1 ]; then
        fail "Ctrl-C: no replication written"
    else
        "$CL" run "$MMC" -n "$n" -s 5 -j 1 -q -o "$tmp/int1" > /dev/null 2>&1
        if ! cmp -s "$int/series.csv" "$tmp/int1/series.csv"; then
            fail "Ctrl-C: the $n replications written differ from caseload's first $n"
        else
            ok
        fi
    fi
fi

if [ $failed -ne 0 ]; then
    echo "mpi.sh: FAILED"
    exit 1
fi
echo "mpi.sh: $checks checks passed"
