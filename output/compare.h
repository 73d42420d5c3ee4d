/* compare.h — paired comparison of an alternative against a base.
 *
 * Both scenarios ran the same replications with the same seeds, so
 * replication r of each saw the same children and the same workers' draws:
 * the difference alternative - base is taken replication by replication and
 * its mean, sd and Student t interval reported (for a share of replications,
 * Newcombe's interval for paired proportions; for a date some replication
 * never reached, NA: docs/model.md). compare.csv has one row per
 * alternative x KPI:
 *
 *   base,alternative,kpi,unit,base_mean,alternative_mean,difference,
 *   difference_sd,ci_low,ci_high,excludes_zero,n,extra_cost_total,
 *   extra_cost_npv,cost_per_unit,value_for_money
 *
 * The mean columns are over each scenario's own replications with a value
 * (a KPI can be NA in some, e.g. the mean wait where nobody was allocated);
 * the difference and its interval over the replications where both have
 * one, so with NAs difference need not equal alternative_mean - base_mean.
 * extra_cost_* are the mean paired differences of cost_total and cost_npv.
 * value_for_money says what the extra cost buys in the KPI, judged on both
 * intervals (compare_verdict); cost_per_unit is, for the two verdicts that
 * trade money for outcome, the extra cost per unit of the KPI gained or the
 * saving per unit lost (in the KPI's own unit: for a share, per 1.0 = 100
 * percentage points), as a ratio of the two mean differences (its own
 * uncertainty is not given: read the two intervals) — only for a priceable
 * KPI (sim/result.h): a rate, share or score gets a verdict but no price.
 *
 * rank and dominated place the alternative among all the options (the base
 * among them) by the ranking KPI (compare --rank), on that KPI's row only
 * (empty on the others): see compare_rank. */
#ifndef OUTPUT_COMPARE_H
#define OUTPUT_COMPARE_H

#include "output/afile.h"
#include "output/stats.h"
#include "sim/result.h"

#include <stdbool.h>
#include <stdint.h>

/* The files of a comparison folder besides the scenarios' run folders:
 * compare.csv (above), differences.csv (summary.csv's columns for the
 * paired differences alternative - base per period, csv_summary) and
 * compare_years.csv (the same per financial year, csv_years), then
 * manifest.json (compare_commit_folder). */
#define COMPARE_CSV "compare.csv"
#define COMPARE_DIFFERENCES_CSV "differences.csv"
#define COMPARE_YEARS_CSV "compare_years.csv"

/* A comparison folder holds each scenario's run folder under a constant
 * name: scenario-1 (the base), scenario-2, ... in the order of the command
 * line (manifest.json's "scenarios" names them). No scenario's text becomes
 * a path, nor a file name in the charts' script. */
#define COMPARE_FOLDER_PREFIX "scenario-"
#define COMPARE_FOLDER_SIZE 32

/* The folder of the index-th scenario (0: the base) into buf. */
void compare_folder(char buf[COMPARE_FOLDER_SIZE], size_t index);

#define COMPARE_CSV_HEADER                                                              \
    "base,alternative,kpi,unit,base_mean,alternative_mean,difference,difference_sd,"   \
    "ci_low,ci_high,excludes_zero,n,extra_cost_total,extra_cost_npv,cost_per_unit,"    \
    "value_for_money,rank,dominated\n"

/* What an alternative's extra cost buys in one KPI. "Significant" means the
 * paired 95% interval excludes zero; the cost is cost_total's. */
enum compare_verdict {
    COMPARE_NEUTRAL,          /* the KPI is neither better high nor low (a cost, a count) */
    COMPARE_NO_CHANGE,        /* the KPI's change is not significant */
    COMPARE_BETTER_SAME_COST, /* better; the cost change is not significant */
    COMPARE_WORSE_SAME_COST,
    COMPARE_BETTER_CHEAPER,   /* better and significantly cheaper */
    COMPARE_WORSE_DEARER,
    COMPARE_COST_PER_GAIN,    /* better and dearer: cost_per_unit = £ per unit gained */
    COMPARE_SAVING_PER_LOSS,  /* worse and cheaper: cost_per_unit = £ saved per unit lost */
    COMPARE_NO_PAIRED_DAYS,   /* a date some replication never reached: no difference in days */
    COMPARE_BETTER_DEARER,    /* as COST_PER_GAIN, for a KPI that is not priceable: no price */
    COMPARE_WORSE_CHEAPER,    /* as SAVING_PER_LOSS, for a KPI that is not priceable */
    COMPARE_VERDICT_COUNT
};

/* The verdict in words, as compare.csv and the terminal give it. */
const char *compare_verdict_text(enum compare_verdict v);

/* One KPI's paired comparison. */
struct compare_row {
    const char *kpi, *unit;
    int better;
    bool priceable;              /* the KPI's (sim/result.h) */
    double base_mean, alt_mean;
    struct summary diff;
    bool excludes_zero;
    enum compare_verdict verdict;
    double cost_per_unit;        /* > 0 for COMPARE_COST_PER_GAIN and COMPARE_SAVING_PER_LOSS, else NaN */
};

/* Paired comparison of KPI name between two finished runs (same
 * replications). False when either has no such KPI. cost is the same
 * comparison of cost_total (NULL when there is none: every verdict of a
 * KPI that changed is then about the outcome only, at unknown cost, and
 * reads as "the same cost"). */
bool compare_kpi(const struct result_layout *bl, const struct stats *bs,
                 const struct result_layout *al, const struct stats *as, const char *kpi,
                 const struct compare_row *cost, struct compare_row *out);

/* Where an option stands against the cost-effectiveness frontier. */
enum compare_dominance {
    COMPARE_ON_FRONTIER,
    COMPARE_EXTENDEDLY,   /* a mix of its neighbours on the frontier would buy more for less */
    COMPARE_STRONGLY,     /* another option is at least as good and no dearer */
    COMPARE_UNRANKED,     /* its cost or gain is not a number */
};

/* The word compare.csv's dominated column gives ("" on the frontier). */
const char *compare_dominance_text(enum compare_dominance d);

/* One option of a ranking: in, its paired mean differences against the
 * base (the base itself: 0 and 0); out, its place. */
struct compare_option {
    double cost;                     /* in: extra net present cost, £ */
    double gain;                     /* in: improvement of the ranking KPI, in its good direction */
    enum compare_dominance dominated;/* out */
    double icer;                     /* out: on the frontier, £ per unit gained over the previous
                                      * frontier option (NaN for the first); NaN off it */
    size_t rank;                     /* out: 1 = first; 0 when unranked */
};

/* Rank n options by net present cost per unit of the KPI gained, as a
 * cost-effectiveness analysis does. An option is strongly dominated when
 * another costs no more and gains at least as much (one of them strictly;
 * of two identical options the later); of the rest, in order of cost, one
 * is extendedly dominated when its ICER over the previous is higher than
 * the next one's over it (removed one at a time until the ICERs rise). The
 * frontier is what remains. Ranks: the frontier, then the extendedly and
 * then the strongly dominated; within each, the options that gain by net
 * present cost per unit gained against the base (cheaper and better than
 * the base first), then those that gain nothing (the base) and then those
 * that lose, by what they lose, then by cost. So rank 1
 * is the frontier option that buys the KPI most cheaply, never one that is
 * worse than the base because it is cheaper. Options with a cost or gain
 * that is not finite are unranked. */
void compare_rank(struct compare_option *opt, size_t n);

/* One scenario of a comparison, the base first. */
struct compare_scenario {
    const char *label, *file;
    const struct result_layout *layout;   /* its own run */
    const struct stats *stats;
    /* alternatives only: the paired differences from the base */
    const struct result_layout *diff;
    const struct stats *diff_stats, *diff_years;
    const struct compare_option *ranked;  /* its place (NULL: no ranking) */
};

/* What the comparison's manifest records besides its scenarios. */
struct compare_run {
    const char *version, *rank_kpi;
    uint64_t seed, replications;
    bool partial;
    unsigned ranks, threads;     /* manifest_ranks */
    int argc;
    char *const *argv;
};

/* Write compare.csv, differences.csv, compare_years.csv and the manifest
 * of the scenarios sc[0..n) (each run folder in place already) into dir and
 * commit them as a set, the scenario folders kept (runfolder_commit). The
 * manifest: manifest.h's members, scenarios (name, folder, file and role
 * of each), seed, rank_kpi, replications, partial, quantiles (of
 * differences.csv: exact, or P2 when any alternative's are estimates),
 * command_line and finished. False (errno set, nothing changed) on
 * failure. */
bool compare_commit_folder(const char *dir, const struct compare_run *r, const struct compare_scenario *sc,
                           size_t n);

#endif
