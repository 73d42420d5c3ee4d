#!/bin/sh
# validation.sh — reproduce every number in docs/validation.md and the
# intervention tables in docs/scenarios.md.
#
#   sh docs/validation.sh [calibration|sensitivity|programme|interventions|quantiles|market|all]
#
# Run from the repository root after `make`. Results go to
# results/validation/ (replaced on each run). The runs and their seeds are
# the ones the documents name; everything printed is computed from the CSV
# files the runs write, by the awk programs below.
set -eu

CASELOAD=${CASELOAD:-./caseload}
OUT=results/validation
what=${1:-all}
mkdir -p "$OUT"

# Days from a civil date (proleptic Gregorian), for lengths of time in awk.
AWK_DAYS='
function days(ymd,    y, m, d, a) {
    y = substr(ymd, 1, 4) + 0; m = substr(ymd, 6, 2) + 0; d = substr(ymd, 9, 2) + 0
    a = int((14 - m) / 12); y += 4800 - a; m += 12 * a - 3
    return d + int((153 * m + 2) / 5) + 365 * y + int(y / 4) - int(y / 100) + int(y / 400)
}'

# ---- calibration: birmingham-2009 against the 2009 evidence -----------------
calibration() {
    R=$OUT/birmingham-2009
    "$CASELOAD" run scenarios/birmingham-2009.cfg -n 50 -s 2009 -o "$R" -q --force
    echo "== birmingham-2009: ./caseload run scenarios/birmingham-2009.cfg -n 50 -s 2009"
    # KPIs: mean and 95% CI
    awk -F, 'NR > 1 { printf "   %-28s %14.4f  (95%% CI %.4f to %.4f)\n", $2, $4, $6, $7 }' "$R/kpis.csv" |
        grep -E 'sickness_rate_mean|vacancy_rate_mean|caseload_mean|agency_fte_mean|staff_in_post_mean|turnover_rate|backlog_mean|cost_agency_total|cost_staff_total|cost_sickness_total'
    # Derived figures. The statistics run in calendar months from the end of
    # the warm-up (the first of a month) to the end of the horizon, the day
    # after the last period's end date; costs per year divide by its length.
    awk -F, "$AWK_DAYS"'
        FNR == 1 { file++ }
        file == 1 && FNR > 1 { k[$2] = $4 }
        file == 2 && FNR > 1 {
            v[$3, $4] = $5
            if (!($3 in seen)) { seen[$3] = 1; dates[++n] = $3 }
        }
        END {
            first = dates[1]; last = dates[n]
            from = days(substr(first, 1, 8) "01"); ndays = days(last) + 1 - from
            years = ndays / 365.25
            printf "   statistics from %s-01 to the end of %s: %d days = %.3f years\n", substr(first, 1, 7), last, ndays, years
            a = k["agency_fte_mean"]; s = k["staff_in_post_mean"]
            printf "   agency share of staff working        %.4f  (agency / (agency + permanent))\n", a / (a + s)
            u = 0; p90 = 0
            for (i = 1; i <= n; i++) {
                d = dates[i]
                fsw = v[d, "in_post_fsw"]
                all = fsw + v[d, "in_post_nqsw"] + v[d, "in_post_sw"] + v[d, "in_post_senior"] + v[d, "agency_fte"]
                u += fsw / all; p90 += v[d, "caseload_p90"]; unc += v[d, "vacancies_uncovered_fte"]
                perm = fsw + v[d, "in_post_nqsw"] + v[d, "in_post_sw"] + v[d, "in_post_senior"]
                up += fsw / perm
                if (substr(d, 1, 4) == "2014") { w += v[d, "waiting_over_threshold"]; nw++ }
                if (d == "2009-09-30") { b09 = v[d, "unallocated"] }
                if (d == "2014-03-31") { w1403 = v[d, "waiting_over_threshold"] }
            }
            printf "   unqualified share of practitioners   %.4f  (fsw / (case-holding staff + agency), mean over month ends)\n", u / n
            printf "   unqualified share, permanent staff   %.4f  (fsw / case-holding permanent staff)\n", up / n
            printf "   caseload_p90 (mean over month ends)  %.2f\n", p90 / n
            printf "   vacancies without agency cover       %.1f FTE (vacancies_uncovered_fte, mean over month ends)\n", unc / n
            printf "   backlog at 2009-09-30                %.1f\n", b09
            printf "   waiting > 60 days, 2014 month ends   %.1f  (at 2014-03-31: %.1f)\n", w / nw, w1403
            ag = k["cost_agency_total"] / years
            sk = k["cost_sickness_total"] / years
            printf "   agency cost per year                 £%.2fm\n", ag / 1e6
            printf "   sickness cost per year               £%.2fm  (cost_sickness_total: pay of staff off sick)\n", sk / 1e6
            printf "   agency + sickness per year           £%.2fm\n", (ag + sk) / 1e6
            printf "   staff cost per year                  £%.2fm\n", k["cost_staff_total"] / years / 1e6
        }' "$R/kpis.csv" "$R/summary.csv"
    # Cases waiting over 60 days, mean over the month ends of 2014, per
    # replication (series.csv), then across replications with a Student t
    # 95% interval (t = 2.0096 for 49 degrees of freedom).
    awk -F, '
        NR == 1 { for (i = 1; i <= NF; i++) col[$i] = i; next }
        substr($4, 1, 4) == "2014" { w[$2] += $col["waiting_over_threshold"]; c[$2]++ }
        END {
            for (r in w) {
                x = w[r] / c[r]; s += x; ss += x * x; n++
                if (n == 1 || x < lo) lo = x
                if (n == 1 || x > hi) hi = x
            }
            m = s / n; sd = sqrt((ss - n * m * m) / (n - 1)); h = 2.0096 * sd / sqrt(n)
            printf "   waiting > 60 days, 2014, per replication: mean %.1f (95%% CI %.1f to %.1f), n %d\n", m, m - h, m + h, n
            printf "   ... sd %.0f, from %.0f to %.0f\n", sd, lo, hi
        }' "$R/series.csv"
    echo "-- per financial year"
    by_year "$R/summary.csv"
}

# Per financial year (April-March) from a summary.csv: mean of month ends for
# stocks and rates, annualised sums for flows.
by_year() {
    awk -F, '
        NR > 1 {
            y = substr($3, 1, 4) + 0; m = substr($3, 6, 2) + 0; fy = m >= 4 ? y : y - 1
            v[fy, $4] += $5; if ($4 == "leavers") c[fy]++
            if (!(fy in seen)) { seen[fy] = 1; order[++n] = fy }
        }
        END {
            printf "   %-7s %8s %8s %8s %8s %8s %9s %9s %9s\n", "year", "turnover", "vacancy", "sickness",
                   "agency", "backlog", "wait>60d", "caseload", "cost £m"
            for (i = 1; i <= n; i++) {
                f = order[i]; k = c[f]
                printf "   %d-%02d %8.3f %8.3f %8.3f %8.1f %8.0f %9.0f %9.2f %9.2f\n", f, (f + 1) % 100,
                       v[f, "leavers"] / (v[f, "staff_in_post_fte"] / k) * 12 / k,
                       v[f, "vacancies_fte"] / v[f, "establishment_fte"], v[f, "sickness_rate"] / k,
                       v[f, "agency_fte"] / k, v[f, "unallocated"] / k, v[f, "waiting_over_threshold"] / k,
                       v[f, "caseload_mean"] / k, v[f, "cost_total"] / 1e6 * 12 / k
            }
        }' "$1"
}

# ---- the 2015 programme against the unchanged 2009 service -------------------
programme() {
    R=$OUT/programme
    "$CASELOAD" compare scenarios/birmingham-2009.cfg scenarios/birmingham-2015-improvement.cfg \
        --set horizon_years=13 -n 50 -s 2015 -o "$R" -q --force
    echo "== ./caseload compare scenarios/birmingham-2009.cfg scenarios/birmingham-2015-improvement.cfg --set horizon_years=13 -n 50 -s 2015"
    echo "-- without the programme (birmingham-2009 to 2021)"
    by_year "$R/scenario-1/summary.csv"
    echo "-- with the programme from 2015-04-01"
    by_year "$R/scenario-2/summary.csv"
    echo "-- backlog (unallocated) month by month from March 2015, with the programme: mean, 95th percentile"
    awk -F, '$4 == "unallocated" && $3 >= "2015-03" && $3 < "2016-05" { printf "   %s %8.1f %8.1f\n", $3, $5, $11 }' \
        "$R/scenario-2/summary.csv"
    echo "-- with the programme, 2021-03-31: establishment and staff in post by grade (agency: FTE engaged)"
    awk -F, '$3 == "2021-03-31" && ($4 == "establishment_fte" || $4 == "staff_in_post_fte" || $4 ~ /^in_post_/) {
             printf "   %-20s %8.1f\n", $4, $5 }' "$R/scenario-2/summary.csv"
    echo "-- paired differences (programme - without), last month (2021-03-31), 95% CI"
    awk -F, '$3 == "2021-03-31" && ($4 == "unallocated" || $4 == "vacancies_fte" || $4 == "agency_fte" ||
             $4 == "staff_sick_fte" || $4 == "staff_in_post_fte" || $4 == "caseload_mean") {
             printf "   %-20s %10.1f  (%.1f to %.1f)\n", $4, $5, $7, $8 }' "$R/differences.csv"
    echo "-- whole horizon (KPIs; programme - without), 95% CI"
    awk -F, 'NR > 1 && ($3 == "cost_total" || $3 == "cost_interventions_total" || $3 == "cost_staff_total" ||
             $3 == "cost_agency_total" || $3 == "child_days_over_threshold" || $3 == "turnover_rate") {
             f = ($7 < 10 && $7 > -10) ? "%16.4f  (%.4f to %.4f)\n" : "%16.0f  (%.0f to %.0f)\n"
             printf "   %-26s " f, $3, $7, $9, $10 }' "$R/compare.csv"
}

# ---- sensitivity: the 2014 backlog to the social workers' cap; the ----------
# ---- calibrated figures to the reference caseload and the pressure links -----

# One birmingham-2009 run with the overrides "$@" (none: as shipped), into
# $OUT/sensitivity-$1, printed as one row labelled $2.
sensitivity_row() {
    R=$OUT/sensitivity-$1; label=$2; shift 2
    sets=""
    for a in "$@"; do sets="$sets --set $a"; done
    # shellcheck disable=SC2086  # $sets is a list of words
    "$CASELOAD" run scenarios/birmingham-2009.cfg -n 50 -s 2009 $sets -o "$R" -q --force
    awk -F, -v label="$label" '
        FNR == 1 { file++ }
        file == 1 && FNR > 1 { k[$2] = $4 }
        file == 2 && $4 == "waiting_over_threshold" && substr($3, 1, 4) == "2014" { w += $5; n++ }
        END { printf "   %-16s %12.1f %14.1f %9.4f %9.4f %9.4f %9.2f\n", label, k["backlog_mean"], w / n,
                     k["sickness_rate_mean"], k["vacancy_rate_mean"], k["turnover_rate"], k["caseload_mean"] }' \
        "$R/kpis.csv" "$R/summary.csv"
}

sensitivity_header() {
    echo "== ./caseload run scenarios/birmingham-2009.cfg -n 50 -s 2009 $1"
    printf "   %-16s %12s %14s %9s %9s %9s %9s\n" "$2" "backlog_mean" "wait>60d 2014" "sickness" \
        "vacancy" "turnover" "caseload"
}

sensitivity() {
    sensitivity_header "--set workforce.grades.sw.cap=VALUE" "sw cap"
    for v in 25 26 27; do
        sensitivity_row sw-cap-$v $v workforce.grades.sw.cap=$v
    done
    sensitivity_header "--set workforce.pressure.reference_caseload=VALUE" "reference"
    for v in 0 16 18 20; do
        sensitivity_row reference-$v $v workforce.pressure.reference_caseload=$v
    done
    # What the pressure links add (each switched off alone; as shipped: the
    # rows 26 and 18 above), and the turnover used before the reference
    # caseload was set.
    sensitivity_header "--set ..." "setting"
    sensitivity_row no-sickness-gain "sickness_gain=0" workforce.pressure.sickness_gain=0
    sensitivity_row no-turnover-gain "turnover_gain=0" workforce.pressure.turnover_gain=0
    sensitivity_row no-unsupervised-gain "unsupervised=0" workforce.pressure.unsupervised_gain=0
    sensitivity_row turnover-16-18 "turnover 16-18%" workforce.grades.nqsw.turnover_per_year=0.18 \
        workforce.grades.sw.turnover_per_year=0.18 workforce.grades.senior.turnover_per_year=0.16
}

# ---- the single interventions --------------------------------------------------
interventions() {
    for base in baseline b2009; do
        case $base in
            baseline) cfg=scenarios/baseline.cfg; seed=2024 ;;
            b2009) cfg=scenarios/birmingham-2009.cfg; seed=2010 ;;
        esac
        R=$OUT/interventions-$base
        "$CASELOAD" compare "$cfg" scenarios/interventions/$base-*.cfg -n 50 -s $seed -o "$R" -q --force
        echo "== ./caseload compare $cfg scenarios/interventions/$base-*.cfg -n 50 -s $seed"
        echo "   paired differences of the KPIs over the horizon (alternative - base; cost: total over the horizon)"
        echo "   * = the 95% CI of the difference excludes 0"
        awk -F, '
            NR > 1 { d[$2, $3] = $7; z[$2, $3] = $11 == "yes" ? "*" : " "; if (!($2 in seen)) { seen[$2] = 1; alt[++n] = $2 } }
            NR > 1 && $3 == "backlog_mean" { base = $5; b[$2] = $6 }
            END {
                printf "   base backlog_mean %.1f; alternatives:", base
                for (i = 1; i <= n; i++) printf " %s %.1f", alt[i], b[alt[i]]
                printf "\n"
                printf "   %-30s %9s %9s %9s %9s %9s %11s\n", "alternative", "backlog", "vacancy", "sickness",
                       "turnover", "agency", "cost £m"
                for (i = 1; i <= n; i++) {
                    a = alt[i]
                    printf "   %-30s %8.1f%s %8.4f%s %8.4f%s %8.4f%s %8.1f%s %10.2f%s\n", a,
                           d[a, "backlog_mean"], z[a, "backlog_mean"], d[a, "vacancy_rate_mean"], z[a, "vacancy_rate_mean"],
                           d[a, "sickness_rate_mean"], z[a, "sickness_rate_mean"], d[a, "turnover_rate"], z[a, "turnover_rate"],
                           d[a, "agency_fte_mean"], z[a, "agency_fte_mean"], d[a, "cost_total"] / 1e6, z[a, "cost_total"]
                }
            }' "$R/compare.csv"
    done
}

# ---- quantiles: summary.csv's P² estimates against exact ones -------------------
# Past the values kept for exact quantiles (docs/randomness.md), summary.csv
# gives P² estimates; 2,000 replications of the baseline are past it. Each
# month's exact type-7 quantile of every continuous metric (at least half
# its values distinct) is computed from series.csv and compared with
# summary.csv's, in units of the metric's sd that month. Needs python3.
quantiles() {
    R=$OUT/baseline-2000
    "$CASELOAD" run scenarios/baseline.cfg -n 2000 -o "$R" -q --force
    echo "== summary.csv quantiles (P2) against exact: ./caseload run scenarios/baseline.cfg -n 2000"
    grep '"quantiles"' "$R/manifest.json"
    python3 - "$R" <<'PY'
import csv, sys, statistics, math
d = sys.argv[1]
series = {}
with open(f"{d}/series.csv") as f:
    r = csv.reader(f); head = next(r)
    for row in r:
        p = row[2]
        for j in range(4, len(head)):
            v = row[j]
            if v == "NA": continue
            series.setdefault((p, head[j]), []).append(float(v))
def q7(xs, p):
    xs = sorted(xs); h = (len(xs) - 1) * p; lo = math.floor(h)
    return xs[lo] + (h - lo) * (xs[min(lo + 1, len(xs) - 1)] - xs[lo])
errs = {"p05": [], "p50": [], "p95": []}
with open(f"{d}/summary.csv") as f:
    for row in csv.DictReader(f):
        xs = series.get((row["period"], row["metric"]))
        if not xs or len(xs) < 6: continue
        sd = statistics.stdev(xs)
        if sd <= 0 or len(set(xs)) < len(xs) / 2: continue   # continuous metrics only
        for name, p in (("p05", .05), ("p50", .5), ("p95", .95)):
            errs[name].append(abs(float(row[name]) - q7(xs, p)) / sd)
for name in errs:
    e = sorted(errs[name])
    print(f"{name}: {len(e)} cells; |P2 - exact| / sd: median {statistics.median(e):.3f}, 95th percentile {e[int(.95*len(e))]:.3f}, max {e[-1]:.3f}")
PY
}

# ---- the labour market: on against off, and the programme with it ------------

# A scenario file "$OUT/NAME-no-market.cfg": scenarios/NAME.cfg with
# labour_market.enabled = false (the model without the market, paired).
no_market() {
    printf '@include "%s/scenarios/%s.cfg"\nname = "%s-no-market";\nlabour_market: { enabled = false; };\n' \
        "$PWD" "$1" "$1" > "$OUT/$1-no-market.cfg"
}

# Paired KPIs of compare folder $1: without, with, difference and its 95% CI.
market_kpis() {
    awk -F, 'NR > 1 && $3 ~ /^(staff_in_post_mean|vacancy_rate_mean|turnover_rate|agency_fte_mean|agency_share_of_staff_cost|caseload_mean|sickness_rate_mean|backlog_mean|child_days_over_threshold|cost_total|cost_staff_total|cost_agency_total|cost_recruitment_total|cost_training_total)$/ {
             printf "   %-28s %14.6g %14.6g %12.4g  (%.4g to %.4g)\n", $3, $5, $6, $7, $9, $10 }' "$1/compare.csv"
}

# Per financial year of a summary.csv: vacancy rate, backlog, agency FTE,
# and the market: pool, the council's hazard per vacancy, hires a month.
market_years() {
    awk -F, '
        NR > 1 {
            y = substr($3, 1, 4) + 0; m = substr($3, 6, 2) + 0; fy = m >= 4 ? y : y - 1
            if (fy < 2014) next
            v[fy, $4] += $5; if ($4 == "unallocated") c[fy]++
            if (!(fy in seen)) { seen[fy] = 1; order[++n] = fy }
        }
        END {
            printf "   %-7s %8s %8s %8s %8s %9s %9s\n", "year", "vacancy", "backlog", "agency", "pool",
                   "fill/yr", "hires/mo"
            for (i = 1; i <= n; i++) {
                f = order[i]; k = c[f]
                printf "   %d-%02d %8.3f %8.0f %8.1f %8.0f %9.3f %9.2f\n", f, (f + 1) % 100,
                       v[f, "vacancies_fte"] / v[f, "establishment_fte"], v[f, "unallocated"] / k,
                       v[f, "agency_fte"] / k, v[f, "pool_size"] / k, v[f, "vacancy_fill_rate"] / k,
                       v[f, "hires_from_pool"] / k
            }
        }' "$1"
    awk -F, '$4 == "unallocated" && $3 >= "2015-03" && $5 == 0 && !done { print "   backlog first 0 on average: " $3; done = 1 }' "$1"
}

market() {
    no_market baseline
    no_market birmingham-2009
    R=$OUT/market-baseline
    "$CASELOAD" compare "$OUT/baseline-no-market.cfg" scenarios/baseline.cfg -n 100 -s 2024 -o "$R" -q --force
    echo "== ./caseload compare $OUT/baseline-no-market.cfg scenarios/baseline.cfg -n 100 -s 2024"
    printf "   %-28s %14s %14s %12s\n" kpi "no market" "market" "difference"
    market_kpis "$R"
    awk -F, 'NR > 1 && $2 ~ /^(pool_size_mean|hires_from_pool_total|cover_not_found_total|agency_day_rate_mean|vacancy_fill_rate_mean)$/ {
             printf "   %-28s %14.6g  (%.4g to %.4g)\n", $2, $4, $6, $7 }' "$R/scenario-2/kpis.csv"
    R=$OUT/market-birmingham-2009
    "$CASELOAD" compare "$OUT/birmingham-2009-no-market.cfg" scenarios/birmingham-2009.cfg -n 50 -s 2009 -o "$R" -q --force
    echo "== ./caseload compare $OUT/birmingham-2009-no-market.cfg scenarios/birmingham-2009.cfg -n 50 -s 2009"
    printf "   %-28s %14s %14s %12s\n" kpi "no market" "market" "difference"
    market_kpis "$R"
    awk -F, 'NR > 1 && $2 ~ /^(pool_size_mean|hires_from_pool_total|cover_not_found_total|agency_day_rate_mean|vacancy_fill_rate_mean)$/ {
             printf "   %-28s %14.6g  (%.4g to %.4g)\n", $2, $4, $6, $7 }' "$R/scenario-2/kpis.csv"
    B=scenarios/birmingham-2015-improvement.cfg
    R=$OUT/market-programme
    "$CASELOAD" run $B -n 50 -s 2015 -o "$R" -q --force
    echo "== ./caseload run $B -n 50 -s 2015 (the market on, as shipped)"
    market_years "$R/summary.csv"
    R=$OUT/market-programme-no-market
    "$CASELOAD" run $B -n 50 -s 2015 -o "$R" -q --force --set labour_market.enabled=false
    echo "== ./caseload run $B -n 50 -s 2015 --set labour_market.enabled=false"
    market_years "$R/summary.csv"
    R=$OUT/market-programme-no-reach
    "$CASELOAD" run $B -n 50 -s 2015 -o "$R" -q --force \
        --set 'interventions.recruitment: campaigns, reach.scale=1' \
        --set 'interventions.recruitment: hiring team, reach.scale=1'
    echo "== ./caseload run $B -n 50 -s 2015 --set 'interventions.recruitment: campaigns, reach.scale=1' --set 'interventions.recruitment: hiring team, reach.scale=1'"
    market_years "$R/summary.csv"
    R=$OUT/market-programme-short-region
    "$CASELOAD" run $B -n 50 -s 2015 -o "$R" -q --force \
        --set 'interventions.recruitment: campaigns, reach.scale=1' \
        --set 'interventions.recruitment: hiring team, reach.scale=1' \
        --set labour_market.matching.region_vacancies_fte=1300
    echo "== ... the same with --set labour_market.matching.region_vacancies_fte=1300"
    market_years "$R/summary.csv"
}

case $what in
    calibration) calibration ;;
    sensitivity) sensitivity ;;
    programme) programme ;;
    interventions) interventions ;;
    quantiles) quantiles ;;
    market) market ;;
    all) calibration; sensitivity; programme; interventions; quantiles; market ;;
    *) echo "usage: sh docs/validation.sh [calibration|sensitivity|programme|interventions|quantiles|market|all]" >&2; exit 2 ;;
esac
