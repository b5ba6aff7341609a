/* Test driver for tini mode: "reaper_driver -- CMD ARGS" does what
 * "alcove init -- CMD ARGS" does when alcove is not PID 1. */
#include <stdio.h>
#include <string.h>

#include "reaper.h"

int main(int argc, char **argv)
{
	if (argc < 2 || strcmp(argv[1], "--")) {
		fprintf(stderr, "usage: reaper_driver -- CMD [ARGS...]\n");
		return 2;
	}
	return init_reaper_main(argv + 2);
}
