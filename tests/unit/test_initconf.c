/* Unit tests for alcove init's own settings: init.conf, the kernel command
 * line and their precedence. */
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>

#include <cmocka.h>
#include <errno.h>
#include <string.h>

#include "initconf.h"

static void test_defaults_are_the_documented_ones(void **state)
{
	(void)state;
	struct init_config c;
	init_config_defaults(&c);
	assert_string_equal(c.services, "/etc/alcove/services.d");
	assert_string_equal(c.socket, "/run/alcove/init.sock");
	assert_string_equal(c.cgroup, "alcove");
	assert_string_equal(c.shell, "/bin/sh");
	assert_false(c.emergency_shell);
	assert_int_equal(c.probe, 0);
	assert_int_equal(c.cad, INIT_ACT_REBOOT);
	assert_int_equal(c.sigpwr, INIT_ACT_POWEROFF);
	assert_int_equal(c.kill_timeout_ms, 2000);
	assert_int_equal(c.sched.mode, SCHED_MODE_PSI);
}

static void test_a_full_file_parses(void **state)
{
	(void)state;
	struct init_config c;
	alc_err err = { 0 };
	init_config_defaults(&c);
	const char *text = "# board init\n"
			   "services = /srv/services\n"
			   "emergency-shell = yes\n"
			   "shell = /bin/ash\n"
			   "ctrl-alt-del = none\n"
			   "sigpwr = halt   # the UPS daemon\n"
			   "cgroup = board/services\n"
			   "kill-timeout = 500\n"
			   "probe = only\n"
			   "sched.mode = poll\n"
			   "sched.budget = 1.5\n";
	assert_int_equal(init_config_parse(&c, text, "init.conf", &err), 0);
	assert_string_equal(c.services, "/srv/services");
	assert_true(c.emergency_shell);
	assert_string_equal(c.shell, "/bin/ash");
	assert_int_equal(c.cad, INIT_ACT_NONE);
	assert_int_equal(c.sigpwr, INIT_ACT_HALT);
	assert_string_equal(c.cgroup, "board/services");
	assert_int_equal(c.kill_timeout_ms, 500);
	assert_int_equal(c.probe, 2);
	assert_int_equal(c.sched.mode, SCHED_MODE_POLL);
	assert_true(c.sched.budget_cpus > 1.49 && c.sched.budget_cpus < 1.51);
}

static void test_bad_settings_name_file_and_line(void **state)
{
	(void)state;
	static const struct {
		const char *text, *msg;
	} cases[] = {
		{ "probe = yes\nbogus = 1\n", "init.conf:2: unknown key 'bogus'" },
		{ "sigpwr = explode\n",
		  "init.conf:1: sigpwr 'explode' (reboot, poweroff, halt or none)" },
		{ "cgroup = /abs\n", "init.conf:1: cgroup '/abs' (a relative cgroup path)" },
		{ "cgroup = a/../b\n", "init.conf:1: cgroup 'a/../b' (a relative cgroup path)" },
		{ "services = rel\n", "init.conf:1: services 'rel' (an absolute path)" },
		{ "emergency-shell = maybe\n", "init.conf:1: emergency-shell 'maybe' (yes or no)" },
		{ "kill-timeout = -1\n", "init.conf:1: kill-timeout '-1' (0..600000 ms)" },
		{ "sched.mode = fast\n", "init.conf:1: mode 'fast' (psi or poll)" },
		{ "sched.group = a latency\n", "init.conf:1: unknown key 'sched.group'" },
		{ "probe = sometimes\n", "init.conf:1: probe 'sometimes' (yes, no or only)" },
	};
	for (size_t i = 0; i < sizeof(cases) / sizeof(*cases); i++) {
		struct init_config c;
		alc_err err = { 0 };
		init_config_defaults(&c);
		assert_int_equal(init_config_parse(&c, cases[i].text, "init.conf", &err), -EINVAL);
		assert_string_equal(err.msg, cases[i].msg);
	}
}

static void test_the_kernel_command_line_overrides_the_file(void **state)
{
	(void)state;
	struct init_config c;
	alc_err err = { 0 };
	init_config_defaults(&c);
	assert_int_equal(init_config_parse(&c, "probe = no\nsigpwr = halt\n", "f", &err), 0);
	assert_int_equal(init_config_cmdline(&c,
					     "console=ttyS0 quiet alcove.probe=yes root=/dev/vda "
					     "alcove.sigpwr=reboot init=/sbin/init\n",
					     &err),
			 0);
	assert_int_equal(c.probe, 1);
	assert_int_equal(c.sigpwr, INIT_ACT_REBOOT);
	assert_int_equal(init_config_cmdline(&c, "quiet alcove.probe", &err), -EINVAL);
	assert_string_equal(err.msg, "cmdline: alcove.probe wants =VALUE");
	assert_int_equal(init_config_cmdline(&c, "alcove.nosuch=1", &err), -EINVAL);
	assert_string_equal(err.msg, "cmdline: unknown key 'nosuch'");
	assert_string_equal(init_action_name(INIT_ACT_POWEROFF), "poweroff");
}

int main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(test_defaults_are_the_documented_ones),
		cmocka_unit_test(test_a_full_file_parses),
		cmocka_unit_test(test_bad_settings_name_file_and_line),
		cmocka_unit_test(test_the_kernel_command_line_overrides_the_file),
	};
	return cmocka_run_group_tests(tests, NULL, NULL);
}
