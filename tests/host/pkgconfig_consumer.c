/* A program outside the tree, built against the installed libalcove through
 * pkg-config (tests/host/pkgconfig.sh): the public header and the .pc file
 * are enough to use the library. Prints the cgroup layout and a parsed size. */
#include <alcove.h>
#include <stdio.h>

int main(void)
{
	char v2[256];
	int64_t bytes = 0;
	struct alc_spec spec;
	if (alc_parse_size("256M", &bytes) < 0 || alc_spec_init_default(&spec) < 0)
		return 1;
	printf("%s %lld %zu\n", alc_cg_layout_name(alc_cg_detect("/sys/fs/cgroup", v2, sizeof(v2))),
	       (long long)bytes, spec.n_masked);
	alc_spec_free(&spec);
	return 0;
}
