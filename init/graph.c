/* The dependency graph of a service set: edges, cycles, failures, order. */
#include "graph.h"

#include <errno.h>
#include <stdarg.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "cleanup.h"

__attribute__((format(printf, 2, 3))) static int fail(struct svc_node *node, const char *fmt, ...)
{
	if (node->failed)
		return 0; /* the first reason stays */
	va_list ap;
	va_start(ap, fmt);
	int r = vasprintf(&node->failed, fmt, ap);
	va_end(ap);
	if (r < 0) {
		node->failed = NULL;
		return -ENOMEM;
	}
	return 0;
}

/* Adds the edge node -> j (hard for requires=), merging a repeated one. */
static void add_edge(struct svc_node *node, size_t j, bool hard)
{
	for (size_t k = 0; k < node->n_deps; k++)
		if (node->deps[k] == j) {
			node->hard[k] = node->hard[k] || hard;
			return;
		}
	node->deps[node->n_deps] = j;
	node->hard[node->n_deps++] = hard;
}

static size_t count(char **v)
{
	size_t n = 0;
	while (v && v[n])
		n++;
	return n;
}

static int build_edges(struct svc_graph *g)
{
	for (size_t i = 0; i < g->n; i++) {
		const struct svc_def *d = &g->set->defs[i];
		struct svc_node *node = &g->nodes[i];
		if (d->error && fail(node, "%s", d->error) < 0)
			return -ENOMEM;
		size_t room = count(d->after) + count(d->requires);
		node->deps = calloc(room + 1, sizeof(*node->deps));
		node->hard = calloc(room + 1, sizeof(*node->hard));
		if (!node->deps || !node->hard)
			return -ENOMEM;
		for (size_t k = 0; d->after && d->after[k]; k++) {
			long j = svc_set_find(g->set, d->after[k]);
			if (j >= 0) /* after= a service that does not exist orders nothing */
				add_edge(node, (size_t)j, false);
		}
		for (size_t k = 0; d->requires && d->requires[k]; k++) {
			long j = svc_set_find(g->set, d->requires[k]);
			if (j >= 0)
				add_edge(node, (size_t)j, true);
			else if (fail(node, "requires '%s', which does not exist", d->requires[k]) <
				 0)
				return -ENOMEM;
		}
	}
	return 0;
}

/* The line of d's file that names dep (requires= first, then after=). */
static unsigned dep_line(const struct svc_def *d, const char *dep)
{
	for (size_t k = 0; d->requires && d->requires[k]; k++)
		if (!strcmp(d->requires[k], dep))
			return d->requires_line;
	return d->after_line;
}

/* Fails every service of the cycle path[from..depth-1] -> path[from], each
 * naming the file:line of its own edge into the cycle. */
static int fail_cycle(struct svc_graph *g, const size_t *path, size_t from, size_t depth)
{
	size_t len = strlen("dependency cycle: ") + 1;
	for (size_t k = from; k <= depth; k++)
		len += strlen(g->set->defs[path[k < depth ? k : from]].name) + 4;
	_cleanup_free_ char *msg = malloc(len);
	if (!msg)
		return -ENOMEM;
	char *p = msg + sprintf(msg, "dependency cycle: ");
	for (size_t k = from; k <= depth; k++)
		p += sprintf(p, "%s%s", k > from ? " -> " : "",
			     g->set->defs[path[k < depth ? k : from]].name);
	for (size_t k = from; k < depth; k++) {
		const struct svc_def *d = &g->set->defs[path[k]];
		const char *next = g->set->defs[path[k + 1 < depth ? k + 1 : from]].name;
		if (fail(&g->nodes[path[k]], "%s:%u: %s", d->source, dep_line(d, next), msg) < 0)
			return -ENOMEM;
	}
	return 0;
}

enum { WHITE, GREY, BLACK };

/* Depth-first search from path[depth-1]; fails the cycles it closes. */
static int dfs(struct svc_graph *g, unsigned char *color, size_t *path, size_t depth)
{
	size_t i = path[depth - 1];
	color[i] = GREY;
	for (size_t k = 0; k < g->nodes[i].n_deps; k++) {
		size_t j = g->nodes[i].deps[k];
		int r = 0;
		if (color[j] == GREY) {
			size_t from = 0;
			while (path[from] != j)
				from++;
			r = fail_cycle(g, path, from, depth);
		} else if (color[j] == WHITE) {
			path[depth] = j;
			r = dfs(g, color, path, depth + 1);
		}
		if (r < 0)
			return r;
	}
	color[i] = BLACK;
	return 0;
}

static int find_cycles(struct svc_graph *g)
{
	_cleanup_free_ unsigned char *color = calloc(g->n + 1, 1);
	_cleanup_free_ size_t *path = calloc(g->n + 1, sizeof(*path));
	if (!color || !path)
		return -ENOMEM;
	for (size_t i = 0; i < g->n; i++) {
		if (color[i] != WHITE)
			continue;
		path[0] = i;
		int r = dfs(g, color, path, 1);
		if (r < 0)
			return r;
	}
	return 0;
}

/* Start order: repeatedly the first (by name) service whose dependencies
 * are placed; a cycle is broken at its first member by name. */
static int make_order(struct svc_graph *g)
{
	_cleanup_free_ bool *placed = calloc(g->n + 1, sizeof(*placed));
	if (!placed)
		return -ENOMEM;
	for (size_t n = 0; n < g->n; n++) {
		size_t pick = g->n;
		for (size_t i = 0; i < g->n && pick == g->n; i++) {
			if (placed[i])
				continue;
			bool ready = true;
			for (size_t k = 0; k < g->nodes[i].n_deps && ready; k++)
				ready = placed[g->nodes[i].deps[k]];
			if (ready)
				pick = i;
		}
		for (size_t i = 0; i < g->n && pick == g->n; i++)
			if (!placed[i])
				pick = i;
		placed[pick] = true;
		g->order[n] = pick;
	}
	return 0;
}

/* In start order, a service that requires a failed one fails too. */
static int spread_failures(struct svc_graph *g)
{
	for (size_t n = 0; n < g->n; n++) {
		struct svc_node *node = &g->nodes[g->order[n]];
		for (size_t k = 0; k < node->n_deps && !node->failed; k++)
			if (node->hard[k] && g->nodes[node->deps[k]].failed &&
			    fail(node, "requires '%s', which failed",
				 g->set->defs[node->deps[k]].name) < 0)
				return -ENOMEM;
	}
	return 0;
}

int svc_graph_build(struct svc_graph *g, const struct svc_set *set, alc_err *err)
{
	memset(g, 0, sizeof(*g));
	g->set = set;
	g->n = set->n;
	g->nodes = calloc(set->n + 1, sizeof(*g->nodes));
	g->order = calloc(set->n + 1, sizeof(*g->order));
	int r = g->nodes && g->order ? 0 : -ENOMEM;
	if (r == 0)
		r = build_edges(g);
	if (r == 0)
		r = find_cycles(g);
	if (r == 0)
		r = make_order(g);
	if (r == 0)
		r = spread_failures(g);
	if (r < 0) {
		svc_graph_free(g);
		return alc_err_set(err, -r, "service graph");
	}
	return 0;
}

const char *svc_graph_failed(const struct svc_graph *g, size_t i)
{
	return g->nodes[i].failed;
}

enum svc_gate svc_graph_gate(const struct svc_graph *g, size_t i, const enum svc_state *st,
			     const char **culprit)
{
	const struct svc_node *node = &g->nodes[i];
	enum svc_gate gate = SVC_GATE_GO;
	if (culprit)
		*culprit = NULL;
	if (node->failed)
		return SVC_GATE_FAIL;
	for (size_t k = 0; k < node->n_deps; k++) {
		enum svc_state s = st[node->deps[k]];
		if (g->nodes[node->deps[k]].failed)
			s = SVC_ST_FAILED; /* whatever the supervisor has made of it */
		if (node->hard[k] && (s == SVC_ST_FAILED || s == SVC_ST_STOPPED)) {
			if (culprit)
				*culprit = g->set->defs[node->deps[k]].name;
			return SVC_GATE_FAIL;
		}
		if (s == SVC_ST_PENDING || s == SVC_ST_STARTING)
			gate = SVC_GATE_WAIT;
	}
	return gate;
}

size_t svc_graph_startable(const struct svc_graph *g, const enum svc_state *st, size_t *out)
{
	size_t n = 0;
	for (size_t k = 0; k < g->n; k++) {
		size_t i = g->order[k];
		if (st[i] == SVC_ST_PENDING && svc_graph_gate(g, i, st, NULL) == SVC_GATE_GO)
			out[n++] = i;
	}
	return n;
}

bool svc_graph_may_stop(const struct svc_graph *g, size_t i, const enum svc_state *st)
{
	for (size_t j = 0; j < g->n; j++) {
		if (st[j] != SVC_ST_STARTING && st[j] != SVC_ST_UP)
			continue;
		for (size_t k = 0; k < g->nodes[j].n_deps; k++)
			if (g->nodes[j].deps[k] == i)
				return false;
	}
	return true;
}

void svc_graph_free(struct svc_graph *g)
{
	for (size_t i = 0; g->nodes && i < g->n; i++) {
		free(g->nodes[i].deps);
		free(g->nodes[i].hard);
		free(g->nodes[i].failed);
	}
	free(g->nodes);
	free(g->order);
	memset(g, 0, sizeof(*g));
}
