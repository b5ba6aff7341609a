#include "clone3.h"

#include <errno.h>
#include <fcntl.h>
#include <linux/sched.h>
#include <signal.h>
#include <string.h>
#include <sys/syscall.h>
#include <unistd.h>

#ifndef CLONE_INTO_CGROUP
#define CLONE_INTO_CGROUP 0x200000000ULL
#endif

static void fill(struct clone_args *args, int cgroup_fd, uint64_t flags)
{
	memset(args, 0, sizeof(*args));
	args->flags = flags;
	args->exit_signal = SIGCHLD;
	if (cgroup_fd >= 0) {
		args->flags |= CLONE_INTO_CGROUP;
		args->cgroup = (uint64_t)cgroup_fd;
	}
}

pid_t alc_clone3(int cgroup_fd, uint64_t flags)
{
	struct clone_args args;
	fill(&args, cgroup_fd, flags);
	long r = syscall(SYS_clone3, &args, sizeof(args));
	return r < 0 ? -errno : (pid_t)r;
}

/* The raw call: in the child, on its new stack, nothing of the caller's
 * frame is usable, so the trampoline calls fn(arg) and exits without
 * returning through C code. Returns the kernel's result in the parent. */
static long clone3_raw(struct clone_args *args, int (*fn)(void *), void *arg)
{
#if defined(__x86_64__)
	long ret;
	register void *r12 __asm__("r12") = (void *)fn;
	register void *r13 __asm__("r13") = arg;
	__asm__ volatile("syscall\n\t"
			 "test %%rax, %%rax\n\t"
			 "jnz 1f\n\t"
			 "xor %%ebp, %%ebp\n\t"
			 "mov %%r13, %%rdi\n\t"
			 "call *%%r12\n\t"
			 "mov %%eax, %%edi\n\t"
			 "mov %[exit], %%eax\n\t"
			 "syscall\n\t"
			 "hlt\n"
			 "1:"
			 : "=a"(ret)
			 : "0"((long)SYS_clone3), "D"(args), "S"(sizeof(*args)), "r"(r12),
			   "r"(r13), [exit] "i"(SYS_exit)
			 : "rcx", "r11", "memory");
	return ret;
#elif defined(__aarch64__)
	register long x0 __asm__("x0") = (long)args;
	register long x1 __asm__("x1") = (long)sizeof(*args);
	register long x8 __asm__("x8") = SYS_clone3;
	register void *x19 __asm__("x19") = (void *)fn;
	register void *x20 __asm__("x20") = arg;
	__asm__ volatile("svc #0\n\t"
			 "cbnz x0, 1f\n\t"
			 "mov x29, xzr\n\t"
			 "mov x0, x20\n\t"
			 "blr x19\n\t"
			 "mov x8, %[exit]\n\t"
			 "svc #0\n\t"
			 "brk #0\n"
			 "1:"
			 : "+r"(x0)
			 : "r"(x1), "r"(x8), "r"(x19), "r"(x20), [exit] "i"(SYS_exit)
			 : "x30", "memory");
	return x0;
#else
	(void)args;
	(void)fn;
	(void)arg;
	return -ENOSYS;
#endif
}

pid_t alc_clone3_vm(int cgroup_fd, uint64_t flags, void *stack, size_t size, int (*fn)(void *),
		    void *arg)
{
	struct clone_args args;
	fill(&args, cgroup_fd, flags | CLONE_VM);
	args.stack = (uint64_t)(uintptr_t)stack;
	args.stack_size = size;
	return (pid_t)clone3_raw(&args, fn, arg); /* the raw call gives -errno itself */
}
