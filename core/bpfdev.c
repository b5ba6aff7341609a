#include "bpfdev.h"

#include <errno.h>
#include <stdbool.h>
#include <stdint.h>
#include <stdlib.h>
#include <string.h>
#include <sys/syscall.h>
#include <unistd.h>

#include "cleanup.h"

/* Registers: r1 the context, r2 requested access, r3 device type, r4 major,
 * r5 minor, r6 scratch, r0 the verdict. */
static struct bpf_insn insn(uint8_t code, uint8_t dst, uint8_t src, int16_t off, int32_t imm)
{
	return (struct bpf_insn){
		.code = code, .dst_reg = dst, .src_reg = src, .off = off, .imm = imm
	};
}

static unsigned access_bits(const char *acc)
{
	unsigned m = 0;
	for (; *acc; acc++)
		m |= *acc == 'm'   ? BPF_DEVCG_ACC_MKNOD
		     : *acc == 'r' ? BPF_DEVCG_ACC_READ
		     : *acc == 'w' ? BPF_DEVCG_ACC_WRITE
				   : 0;
	return m ? m : 7; /* no access given: all of it */
}

/* One rule's block: tests that jump past it on a mismatch, then the
 * verdict. Returns its length; *always* says it has no tests. */
static size_t gen_rule(const struct alc_dev_rule *r, struct bpf_insn *b, bool *always)
{
	size_t n = 0;
	int skips[4], ns = 0;
	unsigned acc = access_bits(r->access);
	if (r->type == 'c' || r->type == 'b') {
		skips[ns++] = (int)n;
		b[n++] = insn(BPF_JMP | BPF_JNE | BPF_K, 3, 0, 0,
			      r->type == 'c' ? BPF_DEVCG_DEV_CHAR : BPF_DEVCG_DEV_BLOCK);
	}
	if (acc != 7) {
		/* allow: every requested bit is allowed; deny: any is denied */
		b[n++] = insn(BPF_ALU64 | BPF_MOV | BPF_X, 6, 2, 0, 0);
		b[n++] = insn(BPF_ALU64 | BPF_AND | BPF_K, 6, 0, 0,
			      (int32_t)(r->allow ? (~acc & 7) : acc));
		skips[ns++] = (int)n;
		b[n++] = insn(BPF_JMP | (r->allow ? BPF_JNE : BPF_JEQ) | BPF_K, 6, 0, 0, 0);
	}
	if (r->major >= 0) {
		skips[ns++] = (int)n;
		b[n++] = insn(BPF_JMP | BPF_JNE | BPF_K, 4, 0, 0, (int32_t)r->major);
	}
	if (r->minor >= 0) {
		skips[ns++] = (int)n;
		b[n++] = insn(BPF_JMP | BPF_JNE | BPF_K, 5, 0, 0, (int32_t)r->minor);
	}
	b[n++] = insn(BPF_ALU64 | BPF_MOV | BPF_K, 0, 0, 0, r->allow ? 1 : 0);
	b[n++] = insn(BPF_JMP | BPF_EXIT, 0, 0, 0, 0);
	for (int i = 0; i < ns; i++)
		b[skips[i]].off = (int16_t)(n - (size_t)skips[i] - 1);
	*always = ns == 0;
	return n;
}

int alc_bpfdev_gen(const struct alc_dev_rule *rules, size_t n, struct bpf_insn *out, size_t max)
{
	enum { MAX_RULE = 10, HEAD = 6, TAIL = 2 };
	if (max < HEAD + TAIL || (max - HEAD - TAIL) / MAX_RULE < n)
		return -E2BIG;
	size_t k = 0;
	out[k++] = insn(BPF_LDX | BPF_MEM | BPF_W, 2, 1, 0, 0); /* access_type */
	out[k++] = insn(BPF_ALU64 | BPF_MOV | BPF_X, 3, 2, 0, 0);
	out[k++] = insn(BPF_ALU64 | BPF_AND | BPF_K, 3, 0, 0, 0xffff); /* type */
	out[k++] = insn(BPF_ALU64 | BPF_RSH | BPF_K, 2, 0, 0, 16);     /* access */
	out[k++] = insn(BPF_LDX | BPF_MEM | BPF_W, 4, 1, 4, 0);	       /* major */
	out[k++] = insn(BPF_LDX | BPF_MEM | BPF_W, 5, 1, 8, 0);	       /* minor */
	/* The last matching rule wins: test them from the end. A rule that
	 * matches everything ends the program (the verifier refuses dead code). */
	bool always = false;
	for (size_t i = n; i-- > 0 && !always;)
		k += gen_rule(&rules[i], out + k, &always);
	if (!always) {
		out[k++] = insn(BPF_ALU64 | BPF_MOV | BPF_K, 0, 0, 0, 0);
		out[k++] = insn(BPF_JMP | BPF_EXIT, 0, 0, 0, 0);
	}
	return (int)k;
}

static long bpf(int cmd, union bpf_attr *attr)
{
	return syscall(SYS_bpf, cmd, attr, sizeof(*attr));
}

int alc_bpfdev_attach(int cgfd, const struct alc_dev_rule *rules, size_t n, alc_err *err)
{
	size_t max = 8 + n * 10;
	_cleanup_free_ struct bpf_insn *prog = calloc(max, sizeof(*prog));
	_cleanup_free_ char *log = NULL;
	if (!prog)
		return alc_err_set(err, ENOMEM, "device rules");
	int len = alc_bpfdev_gen(rules, n, prog, max);
	if (len < 0)
		return alc_err_set(err, -len, "device rules: %zu rules", n);
	union bpf_attr a;
	memset(&a, 0, sizeof(a));
	a.prog_type = BPF_PROG_TYPE_CGROUP_DEVICE;
	a.insns = (uint64_t)(uintptr_t)prog;
	a.insn_cnt = (uint32_t)len;
	a.license = (uint64_t)(uintptr_t) "MIT";
	_cleanup_close_ int pfd = (int)bpf(BPF_PROG_LOAD, &a);
	if (pfd < 0 && errno == EINVAL && (log = calloc(1, 4096))) {
		/* Once more, with the verifier's explanation. */
		a.log_buf = (uint64_t)(uintptr_t)log;
		a.log_size = 4096;
		a.log_level = 1;
		pfd = (int)bpf(BPF_PROG_LOAD, &a);
	}
	if (pfd < 0)
		return alc_err_set(err, errno, "device rules: load the BPF program%s%.200s",
				   log && log[0] ? ": " : "", log ? log : "");
	memset(&a, 0, sizeof(a));
	a.target_fd = (uint32_t)cgfd;
	a.attach_bpf_fd = (uint32_t)pfd;
	a.attach_type = BPF_CGROUP_DEVICE;
	a.attach_flags = BPF_F_ALLOW_MULTI;
	if (bpf(BPF_PROG_ATTACH, &a) < 0)
		return alc_err_set(err, errno,
				   "device rules: attach the BPF program to the cgroup");
	return 0; /* the attachment keeps the program; it goes with the cgroup */
}
