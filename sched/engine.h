/* The scheduler as an embeddable engine: the managed groups with their PSI
 * triggers, the sampling timer and the control law, behind one epoll fd that
 * a host loop (alcove sched's, or alcove init's) watches. Groups can come
 * and go while it runs; each dispatch samples them, runs the law and writes
 * its decisions as one batch, logged with timestamps. */
#ifndef ALC_SCHED_ENGINE_H
#define ALC_SCHED_ENGINE_H

#include <stdint.h>
#include <stdio.h>

#include "config.h"
#include "err.h"

struct sched_engine;

/* Opens cfg's groups (mode, writer and budgets come from cfg too), arms
 * their triggers and the timer; returns 0 or -errno with err naming the
 * group or file at fault (nothing is left changed). */
int sched_engine_new(const struct sched_config *cfg, struct sched_engine **out, alc_err *err);

/* Returns the engine's epoll fd: readable when sched_engine_dispatch has work. */
int sched_engine_fd(const struct sched_engine *e);

/* Handles every ready timer and trigger without blocking: samples, decides,
 * writes. */
void sched_engine_dispatch(struct sched_engine *e);

/* Manages one more group; returns 0, -ENOSPC when SCHED_MAX_GROUPS are
 * managed, -EEXIST for a managed path, or -errno naming the group. */
int sched_engine_add(struct sched_engine *e, const struct sched_group_conf *gc, alc_err *err);

/* Stops managing path, restoring its settings if the group still exists;
 * returns 0 or -ENOENT when it is not managed. */
int sched_engine_remove(struct sched_engine *e, const char *path);

/* Reads the quota the law holds for path (UINT64_MAX: unlimited) and its
 * period; returns 0 or -ENOENT. */
int sched_engine_quota(const struct sched_engine *e, const char *path, uint64_t *quota_us,
		       uint64_t *period_us);

/* Answers a control command ("status", "groups", "log") to out; returns 0,
 * or -EINVAL for an unknown command (nothing printed). */
int sched_engine_command(struct sched_engine *e, const char *cmd, FILE *out);

/* Writes a one-line summary (groups, mode, writer) into buf. */
void sched_engine_describe(const struct sched_engine *e, char *buf, size_t len);

/* Restores every managed group and frees the engine (NULL is fine); returns
 * 0 or the first restore error. */
int sched_engine_free(struct sched_engine *e, alc_err *err);

#endif
