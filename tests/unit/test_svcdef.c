/* Unit tests for the service file parser (alcove.service(5)) and the
 * services.d directory loader. */
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>

#include <cmocka.h>
#include <errno.h>
#include <fcntl.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <unistd.h>

#include "svcdef.h"

static void test_every_key_parses(void **state)
{
	(void)state;
	struct svc_def d;
	alc_err err = { 0 };
	const char *text = "# the sensor loop\n"
			   "exec = /usr/bin/sensord --rate 100 'a b' \"c d\"\n"
			   "user = sensor\n"
			   "group = 20\n"
			   "env = RATE=100\n"
			   "env = MODE=a=b\n"
			   "workdir = /var/lib/sensor\n"
			   "type = simple\n"
			   "restart = always\n"
			   "restart-limit = 7\n"
			   "restart-delay = 250ms\n"
			   "restart-max-delay = 1m\n"
			   "restart-reset = 30s\n"
			   "stop-timeout = 2\n"
			   "after = setup net\n"
			   "after = clock\n"
			   "requires = setup\n"
			   "ready = fd:3\n"
			   "class = latency\n"
			   "cpus = 0.5\n"
			   "memory = 64M\n"
			   "pids = 32\n"
			   "cpuset = 0-1,3\n"
			   "rootfs = /srv/sensor\n"
			   "log = ring   # kept in memory\n";
	assert_int_equal(svc_def_parse(&d, "sensor", "/s/sensor.conf", text, &err), 0);
	assert_string_equal(d.name, "sensor");
	assert_string_equal(d.source, "/s/sensor.conf");
	assert_null(d.error);
	assert_int_equal(d.n_exec, 5);
	assert_string_equal(d.exec[0], "/usr/bin/sensord");
	assert_string_equal(d.exec[3], "a b");
	assert_string_equal(d.exec[4], "c d");
	assert_null(d.exec[5]);
	assert_string_equal(d.user, "sensor");
	assert_string_equal(d.group, "20");
	assert_int_equal(d.n_env, 2);
	assert_string_equal(d.env[0], "RATE=100");
	assert_string_equal(d.env[1], "MODE=a=b");
	assert_null(d.env[2]);
	assert_string_equal(d.workdir, "/var/lib/sensor");
	assert_int_equal(d.type, SVC_SIMPLE);
	assert_int_equal(d.restart, SVC_RESTART_ALWAYS);
	assert_int_equal(d.restart_limit, 7);
	assert_int_equal(d.restart_delay_ms, 250);
	assert_int_equal(d.restart_max_ms, 60000);
	assert_int_equal(d.restart_reset_ms, 30000);
	assert_int_equal(d.stop_timeout_ms, 2000);
	assert_int_equal(d.n_after, 3);
	assert_string_equal(d.after[0], "setup");
	assert_string_equal(d.after[1], "net");
	assert_string_equal(d.after[2], "clock");
	assert_null(d.after[3]);
	assert_int_equal(d.n_requires, 1);
	assert_string_equal(d.requires[0], "setup");
	assert_int_equal(d.ready, SVC_READY_FD);
	assert_int_equal(d.ready_fd, 3);
	assert_string_equal(d.class, "latency");
	assert_string_equal(d.cpus, "0.5");
	assert_string_equal(d.memory, "64M");
	assert_string_equal(d.pids, "32");
	assert_string_equal(d.cpuset, "0-1,3");
	assert_string_equal(d.rootfs, "/srv/sensor");
	assert_int_equal(d.log, SVC_LOG_RING);
	svc_def_free(&d);
	assert_null(d.name);
	assert_null(d.exec);
}

static void test_defaults_of_a_minimal_file(void **state)
{
	(void)state;
	struct svc_def d;
	alc_err err = { 0 };
	assert_int_equal(svc_def_parse(&d, "x", "x.conf", "exec = /bin/true\n", &err), 0);
	assert_int_equal(d.type, SVC_SIMPLE);
	assert_int_equal(d.restart, SVC_RESTART_ON_FAILURE);
	assert_int_equal(d.restart_limit, 5);
	assert_int_equal(d.restart_delay_ms, 100);
	assert_int_equal(d.restart_max_ms, 10000);
	assert_int_equal(d.restart_reset_ms, 10000);
	assert_int_equal(d.stop_timeout_ms, 5000);
	assert_int_equal(d.ready, SVC_READY_NONE);
	assert_int_equal(d.log, SVC_LOG_CONSOLE);
	assert_null(d.user);
	assert_null(d.group);
	assert_null(d.workdir);
	assert_null(d.class);
	assert_null(d.rootfs);
	assert_null(d.cpus);
	assert_non_null(d.env);
	assert_null(d.env[0]);
	assert_non_null(d.after);
	assert_null(d.after[0]);
	assert_non_null(d.requires);
	assert_null(d.requires[0]);
	svc_def_free(&d);

	assert_int_equal(
		svc_def_parse(&d, "x", "x.conf", "type = oneshot\nexec = /bin/true\n", &err), 0);
	assert_int_equal(d.restart, SVC_RESTART_NO);
	svc_def_free(&d);
}

static void test_ready_forms_and_unlimited_restarts(void **state)
{
	(void)state;
	struct svc_def d;
	alc_err err = { 0 };
	assert_int_equal(svc_def_parse(&d, "x", "x.conf",
				       "exec = d\ncpus = max\nmemory = max\npids = max\n", &err),
			 0);
	assert_string_equal(d.cpus, "max");
	assert_string_equal(d.memory, "max");
	assert_string_equal(d.pids, "max");
	svc_def_free(&d);
	assert_int_equal(svc_def_parse(&d, "x", "x.conf",
				       "exec = d\nready = pidfile:/run/d.pid\nrestart-limit = "
				       "unlimited\nrestart = no\n",
				       &err),
			 0);
	assert_int_equal(d.ready, SVC_READY_PIDFILE);
	assert_string_equal(d.ready_pidfile, "/run/d.pid");
	assert_int_equal(d.restart_limit, SVC_RESTART_UNLIMITED);
	assert_int_equal(d.restart, SVC_RESTART_NO);
	svc_def_free(&d);
	assert_int_equal(svc_def_parse(&d, "x", "x.conf", "exec = d\nready = none\n", &err), 0);
	assert_int_equal(d.ready, SVC_READY_NONE);
	svc_def_free(&d);
}

static void split_ok(const char *line, int n, const char *const *want)
{
	char **v = NULL;
	alc_err err = { 0 };
	assert_int_equal(svc_split_argv(line, &v, "f:1", &err), n);
	for (int i = 0; i < n; i++)
		assert_string_equal(v[i], want[i]);
	assert_null(v[n]);
	svc_strv_free(v);
}

static void test_exec_splits_like_a_shell_without_expanding(void **state)
{
	(void)state;
	split_ok("a  b\tc", 3, (const char *const[]){ "a", "b", "c" });
	split_ok("'a b' \"c d\" e\\ f", 3, (const char *const[]){ "a b", "c d", "e f" });
	split_ok("'it''s' x\"y\"z", 2, (const char *const[]){ "its", "xyz" });
	split_ok("'a\\b' \"a\\b\" a\\b", 3, (const char *const[]){ "a\\b", "a\\b", "ab" });
	split_ok("\"say \\\"hi\\\" \\\\ \\$HOME \\`x\\`\"", 1,
		 (const char *const[]){ "say \"hi\" \\ $HOME `x`" });
	split_ok("$HOME ~ * ; | &&", 6, (const char *const[]){ "$HOME", "~", "*", ";", "|", "&&" });
	split_ok("\"\" ''", 2, (const char *const[]){ "", "" });
	split_ok("\"it's\" 'say \"x\"'", 2, (const char *const[]){ "it's", "say \"x\"" });
	split_ok("   ", 0, NULL);
}

static void expect(const char *text, const char *msg)
{
	struct svc_def d;
	alc_err err = { 0 };
	assert_int_equal(svc_def_parse(&d, "svc", "s.conf", text, &err), -EINVAL);
	assert_string_equal(err.msg, msg);
	assert_null(d.name); /* nothing left to free */
}

static void test_errors_name_file_and_line(void **state)
{
	(void)state;
	expect("exec = x\n\n# c\nfoo = 1\n", "s.conf:4: unknown key 'foo'");
	expect("exec = x\nrestart = sometimes\n",
	       "s.conf:2: bad value for restart: 'sometimes' (want always, on-failure or no)");
	expect("exec = x 'y\n", "s.conf:1: unterminated quote in exec");
	expect("exec = x \"y\n", "s.conf:1: unterminated quote in exec");
	expect("exec = x y\\\n", "s.conf:1: trailing backslash in exec");
	expect("user = x\n", "s.conf: missing exec");
	expect("exec = ''x\nexec = y\n", "s.conf:2: exec given twice");
	expect("exec = x\nnonsense\n", "s.conf:2: want key = value");
	expect("exec = x\nuser = -root\n",
	       "s.conf:2: bad value for user: '-root' (want a user name or uid)");
	expect("exec = x\ngroup = a:b\n",
	       "s.conf:2: bad value for group: 'a:b' (want a group name or gid)");
	expect("exec = x\nenv = NOVALUE\n",
	       "s.conf:2: bad value for env: 'NOVALUE' (want NAME=VALUE)");
	expect("exec = x\nenv = 1X=2\n", "s.conf:2: bad value for env: '1X=2' (want NAME=VALUE)");
	expect("exec = x\nenv = A-B=2\n", "s.conf:2: bad value for env: 'A-B=2' (want NAME=VALUE)");
	expect("exec = x\nworkdir = tmp\n",
	       "s.conf:2: bad value for workdir: 'tmp' (want an absolute path)");
	expect("exec = x\nrootfs = srv\n",
	       "s.conf:2: bad value for rootfs: 'srv' (want an absolute path)");
	expect("exec = x\ntype = forking\n",
	       "s.conf:2: bad value for type: 'forking' (want simple or oneshot)");
	expect("exec = x\nrestart-limit = -1\n",
	       "s.conf:2: bad value for restart-limit: '-1' (want 0..1000000 or unlimited)");
	expect("exec = x\nrestart-delay = 5h\n", "s.conf:2: bad value for restart-delay: '5h' "
						 "(want a duration such as 500ms, 5s or 2m, "
						 "up to a day)");
	expect("exec = x\nrestart-max-delay = fast\n", "s.conf:2: bad value for restart-max-delay: "
						       "'fast' (want a duration such as 500ms, 5s "
						       "or 2m, up to a day)");
	expect("exec = x\nrestart-reset = 2d\n", "s.conf:2: bad value for restart-reset: '2d' "
						 "(want a duration such as 500ms, 5s or 2m, "
						 "up to a day)");
	expect("exec = x\nstop-timeout = 86401\n", "s.conf:2: bad value for stop-timeout: '86401' "
						   "(want a duration such as 500ms, 5s or "
						   "2m, up to a day)");
	expect("exec = x\nafter = a b/c\n",
	       "s.conf:2: bad value for after: 'b/c' (want service names)");
	expect("exec = x\nrequires = .hidden\n",
	       "s.conf:2: bad value for requires: '.hidden' (want service names)");
	expect("exec = x\nrequires = b 'a\n",
	       "s.conf:2: bad value for requires: ''a' (want service names)");
	expect("exec = x\nready = fd:2\n",
	       "s.conf:2: bad value for ready: 'fd:2' (want none, fd:N with N in 3..1023, or "
	       "pidfile:/PATH)");
	expect("exec = x\nready = pidfile:run/x.pid\n",
	       "s.conf:2: bad value for ready: 'pidfile:run/x.pid' (want none, fd:N with N in "
	       "3..1023, or pidfile:/PATH)");
	expect("exec = x\nready = socket\n",
	       "s.conf:2: bad value for ready: 'socket' (want none, fd:N with N in 3..1023, or "
	       "pidfile:/PATH)");
	expect("exec = x\nclass = realtime\n",
	       "s.conf:2: bad value for class: 'realtime' (want latency, default or batch)");
	expect("exec = x\ncpus = 0\n",
	       "s.conf:2: bad value for cpus: '0' (want a CPU count above 0, e.g. 0.5, or max)");
	expect("exec = x\nmemory = lots\n",
	       "s.conf:2: bad value for memory: 'lots' (want a positive size such as 64M, or max)");
	expect("exec = x\npids = 0\n",
	       "s.conf:2: bad value for pids: '0' (want a positive count, or max)");
	expect("exec = x\ncpuset = 3-1\n",
	       "s.conf:2: bad value for cpuset: '3-1' (want a CPU list such as 0-1,3)");
	expect("exec = x\ncpuset = 0,,1\n",
	       "s.conf:2: bad value for cpuset: '0,,1' (want a CPU list such as 0-1,3)");
	expect("exec = x\ncpuset = 1-\n",
	       "s.conf:2: bad value for cpuset: '1-' (want a CPU list such as 0-1,3)");
	expect("exec = x\nlog = syslog\n",
	       "s.conf:2: bad value for log: 'syslog' (want console or ring)");
}

static void test_checks_between_keys(void **state)
{
	(void)state;
	expect("exec = \"\"x\nexec = y\n", "s.conf:2: exec given twice");
	expect("exec =   ''  \n", "s.conf: exec has an empty program name");
	expect("restart = always\ntype = oneshot\nexec = x\n",
	       "s.conf:1: bad value for restart: 'always' (a oneshot is done once it exits 0; want "
	       "on-failure or no)");
	expect("type = oneshot\nexec = x\nready = fd:3\n",
	       "s.conf: a oneshot is ready when it exits 0; remove the ready key");
	expect("exec = x\nrestart-delay = 20s\n",
	       "s.conf:2: restart-delay (20000 ms) is above restart-max-delay (10000 ms)");
	expect("exec = x\nrestart-max-delay = 50ms\n",
	       "s.conf:2: restart-delay (100 ms) is above restart-max-delay (50 ms)");
}

static void test_comment_ends_the_value_even_in_quotes(void **state)
{
	(void)state;
	struct svc_def d;
	alc_err err = { 0 };
	/* kvtext strips from '#' on: documented in alcove.service(5). */
	assert_int_equal(svc_def_parse(&d, "x", "x.conf", "exec = echo a # b\n", &err), 0);
	assert_int_equal(d.n_exec, 2);
	svc_def_free(&d);
	expect("exec = echo 'a # b'\n", "s.conf:1: unterminated quote in exec");
}

/* A scratch services.d with the given NAME=TEXT files. */
static void write_file(const char *dir, const char *name, const char *text)
{
	char path[512];
	snprintf(path, sizeof(path), "%s/%s", dir, name);
	FILE *f = fopen(path, "we");
	assert_non_null(f);
	fputs(text, f);
	assert_int_equal(fclose(f), 0);
}

static void test_dir_load_keeps_bad_files_as_failed_entries(void **state)
{
	(void)state;
	char dir[] = "/tmp/alcove-init-svc-XXXXXX";
	assert_non_null(mkdtemp(dir));
	write_file(dir, "b.conf", "exec = /bin/b\n");
	write_file(dir, "a.conf", "exec = /bin/a\nrestart = sometimes\n");
	write_file(dir, "c.conf", "user = x\n");
	write_file(dir, "bad name.conf", "exec = x\n");
	write_file(dir, "README", "not a service\n");
	write_file(dir, ".hidden.conf", "exec = x\n");
	write_file(dir, "nul.conf", "exec = x\n");
	{
		char p[512];
		snprintf(p, sizeof(p), "%s/nul.conf", dir);
		FILE *f = fopen(p, "ae");
		assert_non_null(f);
		fputc('\0', f);
		fclose(f);
	}
	char sub[512];
	snprintf(sub, sizeof(sub), "%s/d.conf", dir);
	assert_int_equal(mkdir(sub, 0755), 0);

	char fifo[512];
	snprintf(fifo, sizeof(fifo), "%s/fifo.conf", dir);
	assert_int_equal(mkfifo(fifo, 0644), 0);
	char big[512];
	snprintf(big, sizeof(big), "%s/big.conf", dir);
	write_file(dir, "big.conf", "exec = x\n");
	assert_int_equal(truncate(big, 2 << 20), 0); /* over the 1 MiB a service file may have */

	struct svc_set set;
	alc_err err = { 0 };
	assert_int_equal(svc_dir_load(dir, &set, &err), 0);
	assert_int_equal(set.n, 8);
	char want[600];
	assert_string_equal(set.defs[0].name, "a");
	snprintf(want, sizeof(want),
		 "%s/a.conf:2: bad value for restart: 'sometimes' (want always, on-failure or no)",
		 dir);
	assert_string_equal(set.defs[0].error, want);
	assert_null(set.defs[0].exec);
	assert_string_equal(set.defs[1].name, "b");
	assert_null(set.defs[1].error);
	assert_string_equal(set.defs[1].exec[0], "/bin/b");
	snprintf(want, sizeof(want), "%s/b.conf", dir);
	assert_string_equal(set.defs[1].source, want);
	assert_string_equal(set.defs[2].name, "bad name");
	snprintf(want, sizeof(want),
		 "%s/bad name.conf: bad service name (1 to 64 of A-Z a-z 0-9 _ . @ -, not starting "
		 "with . or -)",
		 dir);
	assert_string_equal(set.defs[2].error, want);
	snprintf(want, sizeof(want), "%s/big.conf: larger than 1 MiB", dir);
	assert_string_equal(set.defs[3].error, want);
	snprintf(want, sizeof(want), "%s/c.conf: missing exec", dir);
	assert_string_equal(set.defs[4].error, want);
	snprintf(want, sizeof(want), "%s/d.conf: not a regular file", dir);
	assert_string_equal(set.defs[5].name, "d");
	assert_string_equal(set.defs[5].error, want);
	snprintf(want, sizeof(want), "%s/fifo.conf: not a regular file", dir);
	assert_string_equal(set.defs[6].error, want);
	snprintf(want, sizeof(want), "%s/nul.conf: holds a NUL byte (not a text file)", dir);
	assert_string_equal(set.defs[7].error, want);
	assert_int_equal(svc_set_find(&set, "b"), 1);
	assert_int_equal(svc_set_find(&set, "zz"), -1);
	svc_set_free(&set);
	assert_int_equal(set.n, 0);

	assert_int_equal(rmdir(sub), 0);
	const char *names[] = { "a.conf",	"b.conf",   "c.conf",	 "bad name.conf", "README",
				".hidden.conf", "nul.conf", "fifo.conf", "big.conf" };
	for (size_t i = 0; i < sizeof(names) / sizeof(names[0]); i++) {
		char p[512];
		snprintf(p, sizeof(p), "%s/%s", dir, names[i]);
		assert_int_equal(unlink(p), 0);
	}
	assert_int_equal(rmdir(dir), 0);
}

static void test_dir_load_of_missing_dir_is_empty_and_of_a_file_fails(void **state)
{
	(void)state;
	struct svc_set set;
	alc_err err = { 0 };
	assert_int_equal(svc_dir_load("/nonexistent/alcove/services.d", &set, &err), 0);
	assert_int_equal(set.n, 0);
	assert_int_equal(svc_dir_load("/proc/self/status", &set, &err), -ENOTDIR);
	assert_string_equal(err.msg, "open /proc/self/status: Not a directory");
	assert_int_equal(set.n, 0);
}

int main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(test_every_key_parses),
		cmocka_unit_test(test_defaults_of_a_minimal_file),
		cmocka_unit_test(test_ready_forms_and_unlimited_restarts),
		cmocka_unit_test(test_exec_splits_like_a_shell_without_expanding),
		cmocka_unit_test(test_errors_name_file_and_line),
		cmocka_unit_test(test_checks_between_keys),
		cmocka_unit_test(test_comment_ends_the_value_even_in_quotes),
		cmocka_unit_test(test_dir_load_keeps_bad_files_as_failed_entries),
		cmocka_unit_test(test_dir_load_of_missing_dir_is_empty_and_of_a_file_fails),
	};
	return cmocka_run_group_tests(tests, NULL, NULL);
}
