/* Replays a fuzz target's corpus without libFuzzer (any compiler): each
 * file named on the command line goes through LLVMFuzzerTestOneInput once;
 * prints TAP. A crash or sanitizer report fails the run. */
#include <fcntl.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>

#include "fileio.h"

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size);

int main(int argc, char **argv)
{
	int failed = 0;
	for (int i = 1; i < argc; i++) {
		char *buf = NULL;
		long n = alc_read_file_at(AT_FDCWD, argv[i], &buf);
		if (n < 0) {
			printf("not ok %d - %s # unreadable\n", i, argv[i]);
			failed++;
			continue;
		}
		LLVMFuzzerTestOneInput((const uint8_t *)buf, (size_t)n);
		free(buf);
		printf("ok %d - %s\n", i, argv[i]);
	}
	printf("1..%d\n", argc - 1);
	return failed ? 1 : 0;
}
