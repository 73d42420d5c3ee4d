#include "output/sweepfolder.h"

#include "output/csv.h"
#include "output/manifest.h"

const char *const sweepfolder_suffix[SWEEPFOLDER_STATS] = { "mean", "ci_low", "ci_high", "p05", "p95" };

void sweepfolder_head(struct json *j, const struct sweepfolder_run *r)
{
    json_string(j, "scenario", r->scenario);
    json_string(j, "file", r->file);
    if (r->sources)
        manifest_sources(j, r->sources);
    if (r->start)
        manifest_span(j, r->start, r->horizon_years);
    json_uint(j, "seed", r->seed);
    json_uint(j, "replications_per_point", r->reps_per_point);
    json_uint(j, "points", r->points);
    json_bool(j, "partial", r->partial);
    manifest_ranks(j, r->ranks, r->threads);
    manifest_command_line(j, r->argc, r->argv);
    manifest_time(j, "started", r->started);
    manifest_time(j, "finished", time(NULL));
}

void sweepfolder_kpi(struct json *j, const struct sweepfolder_run *r, const char *kpi, const char *kpi_unit)
{
    json_string(j, "kpi", kpi);
    json_string(j, "kpi_description", r->kpi_descr);
    json_string(j, "kpi_unit", kpi_unit);
    json_bool(j, "kpi_discounted", r->kpi_discounted);
}

void sweepfolder_header(struct tablefolder *t, const char *const *parameters, size_t n_levers,
                        const struct result_layout *kpis)
{
    afile_puts(&t->csv, "point");
    for (size_t i = 0; i < n_levers; i++) {
        afile_puts(&t->csv, ",");
        csv_field(&t->csv, parameters[i]);
    }
    for (size_t k = 0; k < kpis->n_kpis; k++)
        for (size_t s = 0; s < SWEEPFOLDER_STATS; s++)
            afile_printf(&t->csv, ",%s_%s", kpis->kpi[k].name, sweepfolder_suffix[s]);
    afile_puts(&t->csv, "\n");
}

void sweepfolder_row(struct tablefolder *t, size_t point, const double *v, size_t n_levers,
                     const struct stats *st, size_t n_kpis)
{
    afile_printf(&t->csv, "%zu", point);
    for (size_t i = 0; i < n_levers; i++)
        csv_next_number(&t->csv, v[i]);
    for (size_t k = 0; k < n_kpis; k++) {
        struct summary sm;
        stats_kpi(st, k, &sm);
        /* in sweepfolder_suffix's order */
        csv_next_number(&t->csv, sm.mean);
        csv_next_number(&t->csv, sm.ci_low);
        csv_next_number(&t->csv, sm.ci_high);
        csv_next_number(&t->csv, sm.p05);
        csv_next_number(&t->csv, sm.p95);
    }
    afile_puts(&t->csv, "\n");
}

bool sweepfolder_commit(struct tablefolder *t, const struct sweepfolder_run *r,
                        const struct sweepfolder_lever *lv, size_t n_levers, const char *kpi, const char *kpi_unit)
{
    struct json *j = tablefolder_manifest(t, r->version, "sweep");
    sweepfolder_head(j, r);
    json_array(j, "vary");
    for (size_t i = 0; i < n_levers; i++) {
        json_object(j, NULL);
        json_string(j, "parameter", lv[i].parameter);
        json_string(j, "description", lv[i].descr);
        json_string(j, "unit", lv[i].unit);
        json_number(j, "base", lv[i].base);
        json_number(j, "from", lv[i].from);
        json_number(j, "to", lv[i].to);
        json_uint(j, "steps", lv[i].steps);
        json_close(j);
    }
    json_close(j);
    sweepfolder_kpi(j, r, kpi, kpi_unit);
    return tablefolder_commit(t);
}
