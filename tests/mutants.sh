#!/bin/sh
# Mutation testing: plant each mutant of tests/mutants/*.mut, one at a time,
# in a scratch copy of the tree, rebuild, run the test programs (stopping at
# the first that fails) and report killed / survived. See docs/testing.md.
#
#   tests/mutants.sh [MUTANT_FILE...]      default: every tests/mutants/*.mut
#
# A mutant file holds four lines, "key: value" (the value runs to the end of
# the line, taken literally):
#   file: models/pathway.c
#   original: cr->remaining = fmax(0.0, cr->due - m->sim.now);
#   replacement: (void)0;
#   breaks: what a user would see go wrong
# The original text must occur exactly once in the file; otherwise the
# mutant is NOT APPLICABLE, reported loudly and counted as an error (the list
# has drifted from the code and must be updated), never as killed. A mutant
# that does not compile is likewise an error.
#
# Settings (environment): MUTANT_TIMEOUT seconds per test program (default
# 600; a program that runs longer kills the mutant), MUTANT_JOBS for make -j
# (default 2), MUTANT_KEEP=1 keeps the scratch folder.
# Exit status: 0 when every mutant applied and built, 1 otherwise.

set -u
root=$(cd "$(dirname "$0")/.." && pwd)
timeout_s=${MUTANT_TIMEOUT:-600}
jobs=${MUTANT_JOBS:-2}
# Test programs that are quick and sharp first, so a killed mutant costs little.
first="test_model test_date test_numfmt test_stats test_dist test_rng test_posts test_calendar test_golden"

if [ $# -eq 0 ]; then
    set -- "$root"/tests/mutants/*.mut
fi

scratch=$(mktemp -d "${TMPDIR:-/tmp}/caseload-mutants.XXXXXX") || exit 1
cleanup() { [ "${MUTANT_KEEP:-0}" = 1 ] || rm -rf "$scratch"; }
trap cleanup EXIT
trap 'exit 130' INT TERM

field() { # field KEY FILE: the value of "KEY: value"
    sed -n "s/^$1: //p" "$2" | head -n 1
}

# A pristine copy: each mutant starts from a copy of it, so make recompiles
# only the mutated file. It is built before the first mutant that applies.
mkdir "$scratch/base"
(cd "$root" && tar -cf - Makefile sim models output fit cli tests scenarios) | (cd "$scratch/base" && tar -xf -)
rm -rf "$scratch/base/tests/mutants"
built=0
build_base() {
echo "mutants: building a pristine copy in $scratch/base"
if ! make -s -C "$scratch/base" -j"$jobs" caseload >"$scratch/base.log" 2>&1; then
    echo "mutants: the unmutated tree does not build (see $scratch/base.log)"; MUTANT_KEEP=1; exit 1
fi
tests=""
for t in $first; do [ -f "$root/tests/$t.c" ] && tests="$tests $t"; done
for f in "$root"/tests/test_*.c; do
    t=$(basename "$f" .c)
    case " $tests " in *" $t "*) ;; *) tests="$tests $t" ;; esac
done
for t in $tests; do
    make -s -C "$scratch/base" -j"$jobs" "build/tests/$t" >>"$scratch/base.log" 2>&1 || {
        echo "mutants: $t does not build unmutated"; MUTANT_KEEP=1; exit 1; }
done
built=1
}

killed=0 survived=0 errors=0 n=0
table="$scratch/table"
: >"$table"
for mf in "$@"; do
    n=$((n + 1))
    name=$(basename "$mf" .mut)
    file=$(field file "$mf")
    orig=$(field original "$mf")
    repl=$(field replacement "$mf")
    if [ -z "$file" ] || [ -z "$orig" ] || [ ! -f "$scratch/base/$file" ]; then
        echo "!! $name: NOT APPLICABLE: bad mutant file or no $file"
        printf '%s\tERROR\tbad mutant file\n' "$name" >>"$table"; errors=$((errors + 1)); continue
    fi
    count=$(ORIG="$orig" perl -0777 -ne '$n = () = /\Q$ENV{ORIG}\E/g; print $n' "$scratch/base/$file")
    if [ "$count" != 1 ]; then
        echo "!! $name: NOT APPLICABLE: original text found $count times in $file"
        printf '%s\tERROR\tnot applicable (%s matches)\n' "$name" "$count" >>"$table"; errors=$((errors + 1)); continue
    fi
    [ $built = 1 ] || build_base
    work="$scratch/m"
    rm -rf "$work"
    cp -a "$scratch/base" "$work"
    ORIG="$orig" REPL="$repl" perl -0777 -pi -e 's/\Q$ENV{ORIG}\E/$ENV{REPL}/' "$work/$file"
    if ! make -s -C "$work" -j"$jobs" caseload >"$scratch/$name.log" 2>&1; then
        echo "!! $name: DOES NOT BUILD (see the mutant's log with MUTANT_KEEP=1)"
        printf '%s\tERROR\tdoes not build\n' "$name" >>"$table"; errors=$((errors + 1)); continue
    fi
    verdict=SURVIVED by=""
    for t in $tests; do
        make -s -C "$work" -j"$jobs" "build/tests/$t" >>"$scratch/$name.log" 2>&1 || {
            verdict=ERROR by="$t does not build"; break; }
        (cd "$work" && CASELOAD=./caseload timeout "$timeout_s" "build/tests/$t") >>"$scratch/$name.log" 2>&1
        rc=$?
        if [ $rc -ne 0 ]; then
            verdict=KILLED by=$t
            [ $rc -eq 124 ] && by="$t (timeout)"
            break
        fi
    done
    case $verdict in
    KILLED) killed=$((killed + 1)) ;;
    SURVIVED) survived=$((survived + 1)) ;;
    *) errors=$((errors + 1)) ;;
    esac
    printf '%-40s %-9s %s\n' "$name" "$verdict" "$by"
    printf '%s\t%s\t%s\n' "$name" "$verdict" "$by" >>"$table"
done

echo
echo "mutant                                   verdict   by / why"
echo "---------------------------------------- --------- ------------------------------"
while IFS="$(printf '\t')" read -r a b c; do printf '%-40s %-9s %s\n' "$a" "$b" "$c"; done <"$table"
echo
tried=$((killed + survived))
if [ $tried -gt 0 ]; then
    score=$(awk -v k=$killed -v t=$tried 'BEGIN { printf "%.1f", 100 * k / t }')
else
    score="n/a (no mutant ran)"
fi
echo "mutants: $n listed, $killed killed, $survived survived, $errors errors (not applicable or not building)"
case $score in n/a*) echo "mutation score: $score" ;; *) echo "mutation score: $killed / $tried = $score%" ;; esac
[ $errors -eq 0 ]
