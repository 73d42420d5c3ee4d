#include "output/targetfolder.h"

#include "output/csv.h"
#include "output/manifest.h"

#include <math.h>

void targetfolder_header(struct tablefolder *t)
{
    afile_puts(&t->csv, "evaluation,lever,value,share_below,share_ci_low,share_ci_high,kpi_mean,cost_total,"
                        "cost_npv\n");
}

void targetfolder_row(struct tablefolder *t, size_t i, const char *lever, const struct targetfolder_point *p)
{
    afile_printf(&t->csv, "%zu,", i);
    csv_field(&t->csv, lever);
    csv_next_number(&t->csv, p->x);
    csv_next_number(&t->csv, p->p);
    csv_next_number(&t->csv, p->p_low);
    csv_next_number(&t->csv, p->p_high);
    csv_next_number(&t->csv, p->kpi_mean);
    csv_next_number(&t->csv, p->cost);
    csv_next_number(&t->csv, p->npv);
    afile_puts(&t->csv, "\n");
}

bool targetfolder_commit(struct tablefolder *t, const struct targetfolder_search *s)
{
    const struct targetfolder_point *ans = s->answer;
    struct json *j = tablefolder_manifest(t, s->version, "target");
    json_string(j, "scenario", s->scenario);
    json_string(j, "file", s->file);
    if (s->sources)
        manifest_sources(j, s->sources);
    if (s->start)
        manifest_span(j, s->start, s->horizon_years);
    json_string(j, "lever", s->lever);
    json_string(j, "lever_description", s->lever_descr);
    json_string(j, "lever_unit", s->lever_unit);
    json_string(j, "kpi", s->kpi);
    json_string(j, "kpi_description", s->kpi_descr);
    json_string(j, "kpi_unit", s->kpi_unit);
    json_string(j, "at", s->at);
    json_number(j, "below", s->below);
    json_number(j, "probability", s->probability);
    json_bool(j, "found", ans != NULL);
    json_number(j, "value", ans ? ans->x : NAN);
    json_number(j, "value_low", s->value_low);
    json_number(j, "value_high", s->value_high);
    json_number(j, "share_below", ans ? ans->p : NAN);
    json_number(j, "cost_total", ans ? ans->cost : NAN);
    json_number(j, "cost_npv", ans ? ans->npv : NAN);
    json_number(j, "current_value", s->now->x);
    json_number(j, "current_cost_total", s->now->cost);
    json_uint(j, "evaluations", s->evaluations);
    json_uint(j, "seed", s->seed);
    json_uint(j, "replications_per_evaluation", s->reps);
    manifest_ranks(j, s->ranks, s->threads);
    manifest_command_line(j, s->argc, s->argv);
    manifest_time(j, "started", s->started);
    manifest_time(j, "finished", time(NULL));
    return tablefolder_commit(t);
}
