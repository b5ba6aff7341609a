/* Unit tests for the OCI state store and the commands' pure helpers: id
 * checks, signal names, the state file round trip and its refresh from the
 * kernel, the state JSON, listing, and the runc-style flag parser. No root. */
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>

#include <cmocka.h>
#include <errno.h>
#include <json-c/json.h>
#include <signal.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include "cmd_oci.h"
#include "commands.h"
#include "oci.h"
#include "state.h"

static void test_ids_are_checked(void **state)
{
	(void)state;
	alc_err err = { 0 };
	char longid[OCI_ID_MAX + 2];
	memset(longid, 'a', sizeof(longid) - 1);
	longid[sizeof(longid) - 1] = '\0';
	assert_int_equal(oci_id_check("web-1_a.b+c", &err), 0);
	assert_int_equal(oci_id_check("../x", &err), -EINVAL);
	assert_non_null(strstr(err.msg, "../x"));
	assert_int_equal(oci_id_check("", &err), -EINVAL);
	assert_int_equal(oci_id_check("..", &err), -EINVAL);
	assert_int_equal(oci_id_check("a/b", &err), -EINVAL);
	assert_int_equal(oci_id_check(longid, &err), -EINVAL);
	longid[OCI_ID_MAX] = '\0';
	assert_int_equal(oci_id_check(longid, &err), 0);
}

static void test_signals_parse_as_numbers_and_names(void **state)
{
	(void)state;
	int sig = 0;
	assert_int_equal(oci_signal_parse("9", &sig), 0);
	assert_int_equal(sig, SIGKILL);
	assert_int_equal(oci_signal_parse("TERM", &sig), 0);
	assert_int_equal(sig, SIGTERM);
	assert_int_equal(oci_signal_parse("sigusr1", &sig), 0);
	assert_int_equal(sig, SIGUSR1);
	assert_int_equal(oci_signal_parse("SIGWINCH", &sig), 0);
	assert_int_equal(sig, SIGWINCH);
	assert_int_equal(oci_signal_parse("RTMIN+2", &sig), 0);
	assert_int_equal(sig, SIGRTMIN + 2);
	assert_int_equal(oci_signal_parse("NOPE", &sig), -EINVAL);
	assert_int_equal(oci_signal_parse("0", &sig), -EINVAL);
	assert_int_equal(oci_signal_parse("65", &sig), -EINVAL);
}

static void fill(struct oci_state *st, const char *id, pid_t pid, uint64_t start)
{
	memset(st, 0, sizeof(*st));
	snprintf(st->id, sizeof(st->id), "%s", id);
	st->status = OCI_RUNNING;
	st->pid = pid;
	st->pid_start = start;
	st->bundle = strdup("/b");
	st->rootfs = strdup("/b/rootfs");
	st->created = strdup("2026-11-22T07:00:00.000000000Z");
	st->annotations_json = strdup("{\"k\":\"v\"}");
}

static void test_state_round_trips_and_refreshes_from_the_kernel(void **state)
{
	(void)state;
	char root[] = "/tmp/oci-lifecycle-unit.XXXXXX";
	assert_non_null(mkdtemp(root));
	alc_err err = { 0 };
	int lock = oci_state_lock(root, "c1", true, &err);
	assert_true(lock >= 0);
	assert_int_equal(oci_state_lock(root, "c1", true, &err), -EEXIST);
	struct oci_state st, back;
	assert_int_equal(oci_state_load(root, "c1", &back, &err), 0);
	assert_int_equal(back.status, OCI_CREATING); /* a directory, no state yet */
	oci_state_free(&back);
	uint64_t start;
	char pstate;
	assert_int_equal(oci_pid_start_time(getpid(), &start, &pstate), 0);
	fill(&st, "c1", getpid(), start);
	assert_int_equal(oci_state_save(root, &st, &err), 0);
	assert_int_equal(oci_state_load(root, "c1", &back, &err), 0);
	assert_int_equal(back.status, OCI_RUNNING); /* alive, no exec FIFO */
	assert_int_equal(back.pid, getpid());
	assert_string_equal(back.bundle, "/b");
	oci_state_free(&back);
	/* The same pid with another start time is a reused pid: stopped. */
	st.pid_start = start + 1;
	assert_int_equal(oci_state_save(root, &st, &err), 0);
	assert_int_equal(oci_state_load(root, "c1", &back, &err), 0);
	assert_int_equal(back.status, OCI_STOPPED);
	char *json = oci_state_json(&back);
	json_object *o = json_tokener_parse(json), *v;
	assert_non_null(o);
	assert_true(json_object_object_get_ex(o, "status", &v));
	assert_string_equal(json_object_get_string(v), "stopped");
	assert_true(json_object_object_get_ex(o, "pid", &v));
	assert_int_equal(json_object_get_int(v), 0);
	assert_true(json_object_object_get_ex(o, "annotations", &v));
	assert_false(json_object_object_get_ex(o, "pid_start", &v)); /* internal only */
	json_object_put(o);
	free(json);
	oci_state_free(&back);
	oci_state_free(&st);
	char **ids;
	assert_int_equal(oci_state_list(root, &ids, &err), 1);
	assert_string_equal(ids[0], "c1");
	free(ids[0]);
	free(ids);
	assert_int_equal(oci_state_remove(root, "c1", &err), 0);
	assert_int_equal(oci_state_load(root, "c1", &back, &err), -ENOENT);
	assert_non_null(strstr(err.msg, "does not exist"));
	close(lock);
	assert_int_equal(rmdir(root), 0);
}

static void test_flags_parse_like_runc(void **state)
{
	(void)state;
	static const struct oci_cmd cmd = { "create", "[OPTIONS] ID", "", 1, 1 };
	const char *bundle = NULL, *pid = NULL;
	bool pivot = false;
	const struct oci_opt opts[] = { { "--bundle", 'b', OCI_OPT_STR, &bundle },
					{ "--pid-file", 0, OCI_OPT_STR, &pid },
					{ "--no-pivot", 0, OCI_OPT_BOOL, &pivot },
					{ NULL, 0, 0, NULL } };
	char *argv[] = { "create", "-b", "/b", "--pid-file=/p", "id1", "--no-pivot", NULL };
	char **pos;
	int npos;
	assert_int_equal(oci_cli_parse(&cmd, opts, 6, argv, &pos, &npos), -1);
	assert_int_equal(npos, 1);
	assert_string_equal(pos[0], "id1");
	assert_string_equal(bundle, "/b");
	assert_string_equal(pid, "/p");
	assert_true(pivot);
	free(pos);
	char *two[] = { "create", "a", "b", NULL };
	assert_int_equal(oci_cli_parse(&cmd, opts, 3, two, &pos, &npos), CLI_EXIT_USAGE);
	char *none[] = { "create", NULL };
	assert_int_equal(oci_cli_parse(&cmd, opts, 1, none, &pos, &npos), CLI_EXIT_USAGE);
}

int main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(test_ids_are_checked),
		cmocka_unit_test(test_signals_parse_as_numbers_and_names),
		cmocka_unit_test(test_state_round_trips_and_refreshes_from_the_kernel),
		cmocka_unit_test(test_flags_parse_like_runc),
	};
	return cmocka_run_group_tests(tests, NULL, NULL);
}
