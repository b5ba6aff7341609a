/* alcove run's command line turned into a spec (pure parsing, no I/O). */
#ifndef ALC_CLI_RUN_FLAGS_H
#define ALC_CLI_RUN_FLAGS_H

#include <stdbool.h>
#include <stdio.h>

#include "err.h"
#include "spec.h"

struct run_flags {
	bool help;
	const char *cpus; /* --cpus as given, applied after --cpu-period */
};

/* Parses argv (argv[0] is "run") into spec, which the caller has set to the
 * defaults; returns 0, or -EINVAL with err naming the flag and value. */
int run_flags_parse(int argc, char **argv, struct alc_spec *spec, struct run_flags *f,
		    alc_err *err);

/* Prints run's usage text. */
void run_flags_usage(FILE *out);

#endif
