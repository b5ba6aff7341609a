/* Unit tier: the pure parts of the OCI security fields: the effective
 * device rule order, v1 rule lines, the generated device BPF program (run
 * here by a small interpreter of the instructions it uses and compared with
 * a last-match-wins reference), timens_offsets text and seccomp profile
 * checks. No root. */
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>

#include <cmocka.h>

#include <errno.h>
#include <stdbool.h>
#include <stdlib.h>
#include <string.h>

#include "bpfdev.h"
#include "childsec.h"
#include "devices.h"
#include "seccomp_oci.h"

static struct alc_dev_rule R(bool allow, char type, int64_t maj, int64_t min, const char *acc) {
	struct alc_dev_rule r = { allow, type, maj, min, "" };
	strcpy(r.access, acc);
	return r;
}

/* Runs prog on a device access as the kernel would; returns r0. */
static int
interpret(const struct bpf_insn *p, int n, unsigned type, unsigned access, unsigned maj,
	  unsigned min)
{
	uint32_t ctx[3] = { type | (access << 16), maj, min };
	uint64_t r[11] = { 0 };
	for (int pc = 0; pc < n; pc++) {
		const struct bpf_insn *i = &p[pc];
		uint64_t src =
			BPF_SRC(i->code) == BPF_X ? r[i->src_reg] : (uint64_t)(int64_t)i->imm;
		switch (i->code) {
		case BPF_LDX | BPF_MEM | BPF_W:
			assert_int_equal(i->src_reg, 1);
			r[i->dst_reg] = ctx[i->off / 4];
			break;
		case BPF_ALU64 | BPF_MOV | BPF_X:
		case BPF_ALU64 | BPF_MOV | BPF_K:
			r[i->dst_reg] = src;
			break;
		case BPF_ALU64 | BPF_AND | BPF_K:
			r[i->dst_reg] &= src;
			break;
		case BPF_ALU64 | BPF_RSH | BPF_K:
			r[i->dst_reg] >>= src;
			break;
		case BPF_JMP | BPF_JNE | BPF_K:
			pc += r[i->dst_reg] != src ? i->off : 0;
			break;
		case BPF_JMP | BPF_JEQ | BPF_K:
			pc += r[i->dst_reg] == src ? i->off : 0;
			break;
		case BPF_JMP | BPF_EXIT:
			return (int)r[0];
		default:
			fail_msg("unexpected instruction %#x at %d", i->code, pc);
		}
	}
	fail_msg("ran off the end of the program");
	return -1;
}

/* The rule semantics, plainly: the last rule that matches decides. */
static int reference(const struct alc_dev_rule *v, size_t n, char type, unsigned access,
		     unsigned maj, unsigned min)
{
	int verdict = 0;
	for (size_t i = 0; i < n; i++) {
		unsigned acc = 0;
		for (const char *a = v[i].access; *a; a++)
			acc |= *a == 'm' ? 1 : *a == 'r' ? 2 : 4;
		acc = acc ? acc : 7;
		bool hit = (v[i].type == 'a' || v[i].type == type) &&
			   (v[i].major < 0 || v[i].major == maj) &&
			   (v[i].minor < 0 || v[i].minor == min) &&
			   (v[i].allow ? (access & ~acc) == 0 : (access & acc) != 0);
		if (hit)
			verdict = v[i].allow;
	}
	return verdict;
}

static void check_program(const struct alc_dev_rule *v, size_t n)
{
	struct bpf_insn prog[512];
	int len = alc_bpfdev_gen(v, n, prog, 512);
	assert_true(len > 0);
	static const unsigned majors[] = { 1, 5, 10, 136, 8 }, minors[] = { 0, 1, 3, 5, 9, 200 };
	for (int t = 0; t < 2; t++)
		for (unsigned acc = 1; acc < 8; acc++)
			for (size_t a = 0; a < 5; a++)
				for (size_t b = 0; b < 6; b++) {
					char type = t ? 'b' : 'c';
					int got = interpret(prog, len,
							    t ? BPF_DEVCG_DEV_BLOCK
							      : BPF_DEVCG_DEV_CHAR,
							    acc, majors[a], minors[b]);
					int want = reference(v, n, type, acc, majors[a], minors[b]);
					if (got != want)
						fail_msg("%c %u:%u access %u: program %d, rules %d",
							 type, majors[a], minors[b], acc, got,
							 want);
				}
}

static void test_bpf_program_agrees_with_last_match_wins(void **state)
{
	(void)state;
	const struct alc_dev_rule sets[][4] = {
		{ R(false, 'a', -1, -1, "rwm"), R(true, 'c', 1, 3, "rw"),
		  R(false, 'c', 1, 3, "w") },
		{ R(true, 'c', -1, -1, "m"), R(false, 'c', 5, -1, "r"), R(true, 'b', 8, 0, "r") },
		{ R(true, 'a', -1, -1, "rwm"), R(false, 'b', -1, -1, "rw") },
	};
	for (size_t i = 0; i < 3; i++)
		check_program(sets[i], i == 0 ? 3 : 2 + (i == 1));
	struct alc_spec spec = { 0 };
	struct alc_dev_rule user[] = { R(false, 'a', -1, -1, "rwm"), R(false, 'c', 1, 3, "w") };
	spec.dev_rules = user;
	spec.n_dev_rules = 2;
	struct alc_dev_rule *eff = NULL;
	int n = alc_devrules_effective(&spec, &eff);
	assert_true(n > 2);
	check_program(eff, (size_t)n);
	free(eff);
}

static void test_effective_rules_put_defaults_after_the_last_catch_all(void **state)
{
	(void)state;
	struct alc_dev_rule user[] = { R(true, 'c', 10, 229, "rwm"), R(false, 'a', -1, -1, "rwm"),
				       R(false, 'c', 1, 3, "w") };
	struct alc_device dev = { "/dev/fuse", 'c', 10, 229, 0666, 0, 0 };
	struct alc_spec spec = { 0 };
	spec.dev_rules = user;
	spec.n_dev_rules = 3;
	spec.devices = &dev;
	spec.n_devices = 1;
	struct alc_dev_rule *v = NULL;
	int n = alc_devrules_effective(&spec, &v);
	assert_true(n > 6);
	/* the user's rules up to the catch-all, the defaults, the node, the rest */
	assert_true(v[0].allow && v[0].major == 10);
	assert_true(!v[1].allow && v[1].type == 'a');
	assert_true(v[2].allow && v[2].type == 'c' && v[2].major < 0 && !strcmp(v[2].access, "m"));
	assert_true(v[n - 2].allow && v[n - 2].major == 10 && v[n - 2].minor == 229);
	assert_true(!v[n - 1].allow && v[n - 1].major == 1 && v[n - 1].minor == 3);
	char line[64];
	assert_string_equal(alc_devrule_v1_line(&v[1], line, sizeof(line)), "a");
	assert_string_equal(alc_devrule_v1_line(&v[2], line, sizeof(line)), "c *:* m");
	assert_string_equal(alc_devrule_v1_line(&v[n - 1], line, sizeof(line)), "c 1:3 w");
	free(v);
}

static void test_timens_offsets_text(void **state)
{
	(void)state;
	struct alc_spec spec = { 0 };
	char buf[128];
	spec.time_offset_mono_s = -5;
	spec.time_offset_mono_ns = 250;
	spec.time_offset_boot_s = 86400;
	alc_timens_offsets_text(&spec, buf, sizeof(buf));
	assert_string_equal(buf, "monotonic -5 250\nboottime 86400 0\n");
}

static void test_seccomp_check_names_the_fault(void **state)
{
	(void)state;
	alc_err err = { 0 };
	struct alc_seccomp_arg arg = { 6, 0, 0, 4 };
	char *names[] = { "read", NULL };
	struct alc_seccomp_rule rule = { names, 1, 0x7fff0000u, &arg, 1 };
	struct alc_seccomp sc = { 0x00050001u, NULL, 0, 0, &rule, 1 };
#ifdef HAVE_SECCOMP
	assert_int_equal(alc_seccomp_check(&sc, &err), -EINVAL);
	assert_string_equal(err.msg, "seccomp: .syscalls[0] (read): .args[0].index 6 is over 5");
	arg.index = 1;
	rule.action = 0x7fc00000u; /* SCMP_ACT_NOTIFY */
	assert_int_equal(alc_seccomp_check(&sc, &err), -ENOTSUP);
	assert_string_equal(err.msg,
			    "seccomp: .syscalls[0] (read): action 0x7fc00000 is not supported");
	rule.action = 0x7fff0000u;
	sc.flags = 8; /* NEW_LISTENER */
	assert_int_equal(alc_seccomp_check(&sc, &err), -ENOTSUP);
	sc.flags = 0;
	assert_int_equal(alc_seccomp_check(&sc, &err), 0);
#else
	assert_int_equal(alc_seccomp_check(&sc, &err), -ENOTSUP);
	assert_non_null(strstr(err.msg, "built without libseccomp"));
#endif
	assert_int_equal(alc_seccomp_check(NULL, &err), 0);
}

int main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(test_bpf_program_agrees_with_last_match_wins),
		cmocka_unit_test(test_effective_rules_put_defaults_after_the_last_catch_all),
		cmocka_unit_test(test_timens_offsets_text),
		cmocka_unit_test(test_seccomp_check_names_the_fault),
	};
	return cmocka_run_group_tests_name("unit/oci-sec", tests, NULL, NULL);
}
