/* posts.h — posts: establishment, recruitment, agency cover, progression.
 *
 * Each permanent grade keeps, at every instant, FTE in post + vacant FTE =
 * establishment + supernumerary FTE (staff above a cut establishment, kept
 * until enough leave); a post's FTE is its holder's, and vacancies are
 * whole posts but one, a part-time post being re-advertised part-time
 * (posts.c). A vacant funded post runs recruitment campaigns
 * (time to hire, success probability, retry) and, if agency cover is on, gets
 * an agency worker after a delay while agency FTE stays under its ceiling.
 * Newly qualified staff progress to their next grade into a vacant post there;
 * when there is none they stay in post, in their grade, until one opens. Lowering the
 * establishment lets posts lapse as staff leave. Posts own the streams of the
 * people who fill them, so the same post sees the same draws in two scenarios. */
#ifndef MODELS_POSTS_H
#define MODELS_POSTS_H

#include "models/model.h"

void posts_create(struct model *m);
void posts_destroy(struct model *m);

/* Day 0: posts, staff in post, campaigns for vacancies, agency cover (without
 * delay: the service's agency staff at the start), the first cohort. */
void posts_start(struct model *m);

/* Event handlers. */
void posts_leave(struct model *m, uint32_t w);
void posts_campaign_start(struct model *m, uint32_t p);
void posts_campaign_end(struct model *m, uint32_t p);
void posts_agency_start(struct model *m, uint32_t p);
void posts_cohort(struct model *m);
void posts_progress(struct model *m, uint32_t w);

/* Worker w is now off long-term (its cases already handed back: cover is
 * asked for) / w is back from long-term sickness (its cover, if any, ends
 * and hands it the cases it may hold). Called by the event switch after
 * the workers' own handlers (replication.c). */
void posts_long_sick(struct model *m, uint32_t w);
void posts_returned(struct model *m, uint32_t w);

/* After parameters changed: establishment and agency ceiling. */
void posts_refresh(struct model *m);

/* Vacant funded FTE, and funded FTE, over all permanent grades. */
double posts_vacancies(const struct model *m);

/* Permanent FTE in post above the establishment, over all grades. */
double posts_supernumerary(const struct model *m);

/* Vacant funded FTE without agency cover. */
double posts_vacancies_uncovered(const struct model *m);
double posts_establishment(const struct model *m);

#endif
