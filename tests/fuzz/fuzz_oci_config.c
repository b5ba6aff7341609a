/* Fuzz target for the config.json parser (libFuzzer entry point; the unit
 * tier replays the corpus through it, tests/fuzz/run.sh fuzzes it with
 * clang). Any input must give 0 with a sane spec, or -EINVAL with one line
 * naming the source; anything else aborts. */
#include <errno.h>
#include <stdint.h>
#include <stdlib.h>
#include <string.h>

#include "oci/config.h"

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size);

static void check_error(int r, const alc_err *err, const char *source)
{
	if (r != -EINVAL || strncmp(err->msg, source, strlen(source)) != 0 ||
	    strchr(err->msg, '\n'))
		abort();
}

static void check_spec(const struct alc_spec *s)
{
	const struct alc_process *p = &s->process;
	if (!p->n_args || !p->args || p->args[p->n_args] || !p->cwd || p->cwd[0] != '/')
		abort();
	for (size_t i = 0; i < s->n_mounts; i++)
		if (!s->mounts[i].target || s->mounts[i].target[0] != '/')
			abort();
	if (s->seccomp && s->seccomp->n_rules && !s->seccomp->rules[0].n_names)
		abort();
}

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
	char *text = malloc(size + 1);
	if (!text)
		return 0;
	memcpy(text, data, size);
	text[size] = '\0';
	struct alc_spec s;
	alc_err err = { 0 };
	int r = oci_config_parse(text, "config.json", &s, &err);
	if (r == 0) {
		if (!s.root_path || !s.root_path[0])
			abort();
		check_spec(&s);
	} else {
		check_error(r, &err, "config.json");
		memset(&s, 0, sizeof(s));
	}
	/* The same bytes as exec's process.json, over whatever s holds. */
	r = oci_process_parse(text, "process.json", &s, &err);
	if (r == 0)
		check_spec(&s);
	else
		check_error(r, &err, "process.json");
	alc_spec_free(&s);
	free(text);
	return 0;
}
