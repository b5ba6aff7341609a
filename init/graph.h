/* The dependency graph of a service set: start order from after= and
 * requires= (both order; requires also fails the dependant when the
 * dependency is missing or failed), cycles found and named, and the gate
 * that tells the supervisor which services may start given the states it
 * tracks. Pure: no I/O. */
#ifndef ALC_INIT_GRAPH_H
#define ALC_INIT_GRAPH_H

#include <stdbool.h>
#include <stddef.h>

#include "err.h"
#include "svcdef.h"

/* What the supervisor knows of a service, as the gate sees it. */
enum svc_state {
	SVC_ST_PENDING,	 /* not started yet */
	SVC_ST_STARTING, /* spawned, not ready: a simple service before its ready
			    signal (or in backoff before a restart that was never
			    ready), a oneshot still running */
	SVC_ST_UP,	 /* a simple service ready (started, when ready = none); a
			    oneshot that exited 0 */
	SVC_ST_FAILED,	 /* failed for good: bad file, dependency, gave up */
	SVC_ST_STOPPED,	 /* ended cleanly and not restarted, or stopped by request */
};

enum svc_gate {
	SVC_GATE_WAIT, /* a dependency has not settled yet */
	SVC_GATE_GO,   /* every dependency is up (or settled, for after=) */
	SVC_GATE_FAIL, /* a requires= dependency failed or stopped */
};

struct svc_node {
	size_t *deps; /* indices this service starts after */
	bool *hard;   /* hard[k]: deps[k] comes from requires= */
	size_t n_deps;
	char *failed; /* why the graph fails it ("a -> b -> a" cycle,
			 missing or failed requirement), or NULL */
};

struct svc_graph {
	const struct svc_set *set; /* borrowed; must outlive the graph */
	size_t n;
	struct svc_node *nodes; /* nodes[i] is set->defs[i] */
	size_t *order;		/* all n indices in start order (reverse it to stop) */
};

/* Builds the graph of set: edges, start order (dependencies first, ties by
 * name), failures of bad files, cycles and missing or failed requirements
 * (spread to their requires= dependants). Returns 0 or -ENOMEM. */
int svc_graph_build(struct svc_graph *g, const struct svc_set *set, alc_err *err);

/* Returns why the graph fails service i ("dependency cycle: a -> b -> a",
 * "requires 'x', which does not exist", a bad file's error), or NULL. */
const char *svc_graph_failed(const struct svc_graph *g, size_t i);

/* Decides whether pending service i may start given st[0..n-1]; on
 * SVC_GATE_FAIL *culprit (if not NULL) names the dependency at fault, or is
 * NULL when the graph fails i itself (svc_graph_failed says why). A oneshot
 * dependency is up only once it has finished with status 0; a dependency
 * the graph fails counts as FAILED whatever st says. */
enum svc_gate svc_graph_gate(const struct svc_graph *g, size_t i, const enum svc_state *st,
			     const char **culprit);

/* Writes to out (room for n) the PENDING services whose gate is GO, in
 * start order; returns how many. */
size_t svc_graph_startable(const struct svc_graph *g, const enum svc_state *st, size_t *out);

/* Returns true when service i may be stopped at shutdown: no service that
 * starts after it is still STARTING or UP. */
bool svc_graph_may_stop(const struct svc_graph *g, size_t i, const enum svc_state *st);

/* Frees what g owns (not the set) and zeroes it. */
void svc_graph_free(struct svc_graph *g);

#endif
