/* The supervisor's service list: loading the directory, reloading it, and
 * freeing what is gone. */
#include <errno.h>
#include <fcntl.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "cleanup.h"
#include "fileio.h"
#include "supervisor.h"

static struct svc_rt *rt_new(const struct svc_def *def, const char *base)
{
	struct svc_rt *rt = calloc(1, sizeof(*rt));
	if (!rt)
		return NULL;
	snprintf(rt->name, sizeof(rt->name), "%s", def->name);
	snprintf(rt->rel, sizeof(rt->rel), "%s/%s", base, def->name);
	rt->def = def;
	rt->proc.log_fd = rt->proc.ready_fd = -1;
	rt->st = SUP_WAITING;
	if (alc_read_file_at(AT_FDCWD, def->source, &rt->text) < 0)
		rt->text = NULL; /* unreadable: it counts as changed on reload */
	if (def->error) {
		rt->st = SUP_FAILED;
		snprintf(rt->why, sizeof(rt->why), "%s", def->error);
		fprintf(stderr, "alcove init: %s\n", def->error);
	} else if (def->log == SVC_LOG_RING && logring_init(&rt->ring, LOGRING_DEFAULT_SIZE) < 0) {
		fprintf(stderr, "alcove init: %s: no memory for the log ring\n", rt->name);
	}
	return rt;
}

static void rt_free(struct svc_rt *rt)
{
	if (!rt)
		return;
	logring_free(&rt->ring);
	free(rt->text);
	free(rt);
}

/* Marks the services the graph fails (cycles, missing requirements). */
static void graph_failures(struct supervisor *s)
{
	for (size_t i = 0; i < s->n; i++) {
		const char *why = svc_graph_failed(&s->graph, i);
		if (why && s->rt[i]->st != SUP_FAILED && !s->set.defs[i].error) {
			s->rt[i]->st = SUP_FAILED;
			snprintf(s->rt[i]->why, sizeof(s->rt[i]->why), "%s", why);
			fprintf(stderr, "alcove init: %s: %s\n", s->rt[i]->name, why);
		}
	}
}

/* Loads dir into a new set, graph and list (rt[i] NULL where none yet). */
static int load(struct svc_set *set, struct svc_graph *g, struct svc_rt ***rt, const char *dir,
		alc_err *err)
{
	memset(set, 0, sizeof(*set));
	memset(g, 0, sizeof(*g));
	int r = svc_dir_load(dir, set, err);
	if (r == 0)
		r = svc_graph_build(g, set, err);
	if (r == 0 && !(*rt = calloc(set->n + 1, sizeof(**rt))))
		r = alc_err_set(err, ENOMEM, "services");
	if (r < 0) {
		svc_graph_free(g);
		svc_set_free(set);
	}
	return r;
}

int sup_load(struct supervisor *s, const struct init_config *cfg, struct sched_engine *engine,
	     int epfd, alc_err *err)
{
	memset(s, 0, sizeof(*s));
	s->cfg = cfg;
	s->engine = engine;
	s->epfd = epfd;
	int r = load(&s->set, &s->graph, &s->rt, cfg->services, err);
	if (r < 0)
		return r;
	s->n = s->set.n;
	for (size_t i = 0; i < s->n; i++)
		if (!(s->rt[i] = rt_new(&s->set.defs[i], cfg->cgroup)))
			return alc_err_set(err, ENOMEM, "services");
	graph_failures(s);
	fprintf(stderr, "alcove init: %zu service(s) in %s\n", s->n, cfg->services);
	return 0;
}

/* Moves rt to the retired list, where sup_step stops it. */
static int retire(struct supervisor *s, struct svc_rt *rt)
{
	struct svc_rt **old = realloc(s->old, (s->n_old + 1) * sizeof(*old));
	if (!old)
		return -ENOMEM;
	s->old = old;
	rt->def = NULL;
	rt->held = true;
	rt->restart = false;
	rt->dead = !rt->live;
	s->old[s->n_old++] = rt;
	if (rt->live && rt->st != SUP_STOPPING) {
		rt->st = SUP_RUNNING; /* sup_step sends it SIGTERM */
		rt->deadline_ms = 0;
	}
	return 0;
}

int sup_reload(struct supervisor *s, alc_err *err)
{
	struct svc_set set;
	struct svc_graph g;
	struct svc_rt **rt = NULL;
	int r = load(&set, &g, &rt, s->cfg->services, err);
	if (r < 0)
		return r;
	size_t added = 0, changed = 0, removed = 0;
	for (size_t i = 0; i < set.n; i++) {
		long k = svc_set_find(&s->set, set.defs[i].name);
		struct svc_rt *cur = k >= 0 ? s->rt[k] : NULL;
		_cleanup_free_ char *text = NULL;
		if (alc_read_file_at(AT_FDCWD, set.defs[i].source, &text) < 0)
			text = NULL;
		if (cur && cur->text && text && !strcmp(cur->text, text) &&
		    !set.defs[i].error == !cur->def->error) {
			cur->def = &set.defs[i]; /* unchanged: keeps running */
			rt[i] = cur;
			s->rt[k] = NULL;
			continue;
		}
		if (cur) {
			changed++;
			r = retire(s, cur) ?: r;
			s->rt[k] = NULL;
		} else {
			added++;
		}
		if (!(rt[i] = rt_new(&set.defs[i], s->cfg->cgroup)))
			r = -ENOMEM;
	}
	for (size_t k = 0; k < s->n; k++)
		if (s->rt[k]) {
			removed++;
			r = retire(s, s->rt[k]) ?: r;
		}
	free(s->rt);
	svc_graph_free(&s->graph);
	svc_set_free(&s->set);
	s->set = set;
	s->graph = g;
	s->rt = rt;
	s->n = set.n;
	graph_failures(s);
	fprintf(stderr, "alcove init: reloaded %s: %zu new, %zu changed, %zu removed\n",
		s->cfg->services, added, changed, removed);
	return r < 0 ? alc_err_set(err, -r, "reload") : 0;
}

void sup_collect(struct supervisor *s)
{
	size_t k = 0;
	for (size_t i = 0; i < s->n_old; i++) {
		if (s->old[i]->dead && !s->old[i]->live)
			rt_free(s->old[i]);
		else
			s->old[k++] = s->old[i];
	}
	s->n_old = k;
}

struct svc_rt *sup_find(struct supervisor *s, const char *name)
{
	long i = svc_set_find(&s->set, name);
	if (i >= 0)
		return s->rt[i];
	for (size_t k = 0; k < s->n_old; k++)
		if (!strcmp(s->old[k]->name, name))
			return s->old[k];
	return NULL;
}

void sup_free(struct supervisor *s)
{
	for (size_t i = 0; i < s->n + s->n_old; i++) {
		struct svc_rt *rt = i < s->n ? s->rt[i] : s->old[i - s->n];
		if (rt && rt->live) {
			alc_err ignored = { 0 };
			svc_proc_release(&rt->proc, &ignored); /* kills what is left */
		}
		rt_free(rt);
	}
	free(s->rt);
	free(s->old);
	svc_graph_free(&s->graph);
	svc_set_free(&s->set);
	memset(s, 0, sizeof(*s));
}
