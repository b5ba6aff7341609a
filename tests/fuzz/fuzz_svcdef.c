/* libFuzzer target: the service file parser (alcove.service(5)), the exec
 * splitter, and the graph of the one service parsed. Any input must give a
 * definition that keeps the contract or an error naming the file. */
#include <stdint.h>
#include <stdlib.h>
#include <string.h>

#include "graph.h"
#include "svcdef.h"

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size);

static void check_strv(char **v, size_t n)
{
	if (!v || v[n])
		abort();
}

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
	char *text = malloc(size + 1);
	if (!text)
		return 0;
	memcpy(text, data, size);
	text[size] = '\0';
	alc_err err = { 0 };
	char **argv = NULL;
	if (svc_split_argv(text, &argv, "fuzz.conf:1", &err) >= 0)
		svc_strv_free(argv);
	else if (strncmp(err.msg, "fuzz.conf:1: ", 13))
		abort();
	struct svc_set set = { .n = 1 };
	set.defs = calloc(1, sizeof(*set.defs));
	if (set.defs && svc_def_parse(&set.defs[0], "fuzz", "fuzz.conf", text, &err) == 0) {
		const struct svc_def *d = &set.defs[0];
		check_strv(d->exec, d->n_exec);
		check_strv(d->env, d->n_env);
		check_strv(d->after, d->n_after);
		check_strv(d->requires, d->n_requires);
		if (!d->n_exec || !d->exec[0][0] || d->restart_delay_ms > d->restart_max_ms)
			abort();
		struct svc_graph g;
		if (svc_graph_build(&g, &set, &err) == 0) {
			enum svc_state st = SVC_ST_PENDING;
			size_t out;
			svc_graph_startable(&g, &st, &out);
			svc_graph_free(&g);
		}
	} else if (set.defs && strncmp(err.msg, "fuzz.conf", 9)) {
		abort(); /* every parse error names the file */
	}
	svc_set_free(&set);
	free(text);
	return 0;
}
