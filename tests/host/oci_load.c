/* Host-tier helper: loads BUNDLE/config.json with oci_config_load and
 * prints the fields the shell tests check, one "key=value" a line.
 *   oci_load BUNDLE      Exit 0 loaded; 1 refused (err on stderr); 2 usage. */
#include <sched.h>
#include <stdio.h>

#include "oci/config.h"

int main(int argc, char **argv)
{
	if (argc != 2) {
		fputs("usage: oci_load BUNDLE\n", stderr);
		return 2;
	}
	struct alc_spec s;
	alc_err err = { 0 };
	if (oci_config_load(argv[1], &s, &err) < 0) {
		fprintf(stderr, "%s\n", err.msg);
		return 1;
	}
	printf("args0=%s\nroot=%s\nreadonly=%d\nterminal=%d\n", s.process.args[0], s.root_path,
	       s.root_readonly, s.terminal);
	printf("netns=%d\nuserns=%d\npidns=%d\n", !!(s.ns_flags & CLONE_NEWNET),
	       !!(s.ns_flags & CLONE_NEWUSER), !!(s.ns_flags & CLONE_NEWPID));
	printf("uidmap=%s\n", s.n_uid_maps ? "" : "none");
	for (size_t i = 0; i < s.n_uid_maps; i++)
		printf("uidmap=%u:%u:%u\n", s.uid_maps[i].inside, s.uid_maps[i].outside,
		       s.uid_maps[i].count);
	printf("mounts=%zu\nmasked=%zu\ncaps=%#llx\n", s.n_mounts, s.n_masked,
	       (unsigned long long)s.process.caps[0]);
	alc_spec_free(&s);
	return 0;
}
