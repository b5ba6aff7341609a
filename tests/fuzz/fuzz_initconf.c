/* libFuzzer target: alcove init's own settings, as init.conf text and as a
 * kernel command line. Any input must give settings that keep their
 * contract (absolute paths, a relative cgroup, known actions) or an error
 * naming its source. */
#include <stdint.h>
#include <stdlib.h>
#include <string.h>

#include "initconf.h"

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size);

static void check(const struct init_config *c)
{
	if (c->services[0] != '/' || c->socket[0] != '/' || c->shell[0] != '/' || !c->cgroup[0] ||
	    c->cgroup[0] == '/' || strstr(c->cgroup, ".."))
		abort();
	if (c->cad > INIT_ACT_HALT || c->sigpwr > INIT_ACT_HALT || c->probe < 0 || c->probe > 2)
		abort();
}

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
	char *text = malloc(size + 1);
	if (!text)
		return 0;
	memcpy(text, data, size);
	text[size] = '\0';
	struct init_config c;
	alc_err err = { 0 };
	init_config_defaults(&c);
	if (init_config_parse(&c, text, "fuzz.conf", &err) == 0)
		check(&c);
	else if (strncmp(err.msg, "fuzz.conf:", 10))
		abort(); /* every error names file:line */
	init_config_defaults(&c);
	if (init_config_cmdline(&c, text, &err) == 0)
		check(&c);
	else if (strncmp(err.msg, "cmdline", 7))
		abort();
	free(text);
	return 0;
}
