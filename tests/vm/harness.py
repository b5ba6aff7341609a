#!/usr/bin/env python3
"""VM tier harness: boots Debian's kernels under QEMU (TCG) with a static
initramfs, runs guest test cases, and turns the serial console into TAP.

  harness.py run [--arch A[,B]] [--case NAME]... [--timeout S]
      Runs the cases in tests/vm/cases. Cases sharing an architecture and a
      kernel command line share one boot. Prints TAP; exit 1 on any failure.
  harness.py boot --arch A --init PATH [--timeout S] [--cmdline ARGS]
                  [--file SRC:DST]... [--log NAME] [--quiet]
      Boots PATH as /init (the demo, bench/boot.sh) with extra files (a
      directory SRC is copied whole) and streams the console unless --quiet;
      exit 0 when the guest powered itself off, 1 otherwise.
  harness.py selftest
      Checks the harness itself: results, per-case timeouts, a guest that
      never powers off, and a kernel panic are each reported, not hung on.

A case is tests/vm/cases/NAME.sh, run by busybox sh in the guest, declaring
its needs in header comments:
  # vm-arch: x86_64 aarch64 armv7  architectures (default: all three)
  # vm-cmdline: psi=1              extra kernel command line (own boot)
  # vm-modules: overlay            modules from the kernel package
  # vm-files: SRC:DST ...          extra files (SRC relative to the repo,
                                   @ARCH@ expands to the architecture)
  # vm-timeout: 60                 seconds for this case inside the guest

A case declaring "# vm-init: alcove" boots alone with alcove itself as
/init instead of the case runner:
  # vm-services: DIR               its *.conf files become
                                   /etc/alcove/services.d/ (DIR relative
                                   to the repo)
  # vm-expect: REGEX               a console line that must appear
  # vm-expect-then: REGEX          one that must appear after the line the
                                   previous vm-expect(-then) matched
The case script is copied to /cases/NAME.sh; a service of the case runs it.
It reports "ALCOVE-VM RESULT ok|fail NAME[/CHECK] detail" lines; each is a
TAP line, NAME's own is required, and the guest must power itself off
(no panic, no timeout) within vm-timeout plus a minute.
Console logs are kept in build/vm/logs/.
"""
import argparse
import glob
import os
import re
import shutil
import subprocess
import sys
import threading
import time

TOP = os.path.abspath(os.path.join(os.path.dirname(__file__), "..", ".."))
VM = os.path.join(TOP, "build", "vm")
CASES = os.path.join(TOP, "tests", "vm", "cases")
ARCHES = ("x86_64", "aarch64", "armv7")
DEFAULT_BOOT_TIMEOUT = 240

QEMU = {
    "x86_64": (["qemu-system-x86_64", "-accel", "tcg", "-cpu", "max"], "ttyS0"),
    "aarch64": (["qemu-system-aarch64", "-M", "virt", "-cpu", "cortex-a72",
                 "-accel", "tcg"], "ttyAMA0"),
    "armv7": (["qemu-system-arm", "-M", "virt", "-cpu", "cortex-a15", "-accel", "tcg"],
              "ttyAMA0"),
}
RESULT = re.compile(r"ALCOVE-VM RESULT (ok|fail) (\S+) ?(.*)")


class Case:
    def __init__(self, path):
        self.name = os.path.basename(path)[:-3]
        self.path = path
        self.arch = list(ARCHES)
        self.cmdline = ""
        self.modules = []
        self.files = []
        self.timeout = 60
        self.init = None
        self.services = None
        self.expect = []
        with open(path) as f:
            for n, line in enumerate(f, 1):
                m = re.match(r"#\s*vm-([a-z-]+):\s*(.*)", line)
                if not m:
                    continue
                key, val = m.group(1), m.group(2).strip()
                if key == "arch":
                    self.arch = val.split()
                    bad = [a for a in self.arch if a not in ARCHES]
                    if bad:
                        raise SystemExit(f"{path}:{n}: unknown arch {bad[0]}")
                elif key == "cmdline":
                    self.cmdline = val
                elif key == "modules":
                    self.modules = val.split()
                elif key == "files":
                    self.files = val.split()
                elif key == "timeout":
                    if not val.isdigit():
                        raise SystemExit(f"{path}:{n}: vm-timeout is not a number: {val}")
                    self.timeout = int(val)
                elif key == "init":
                    if val != "alcove":
                        raise SystemExit(f"{path}:{n}: vm-init must be alcove: {val}")
                    self.init = val
                elif key == "services":
                    if not os.path.isdir(os.path.join(TOP, val)):
                        raise SystemExit(f"{path}:{n}: vm-services: no directory {val}")
                    self.services = val
                elif key in ("expect", "expect-then"):
                    try:
                        self.expect.append((re.compile(val), key == "expect-then"))
                    except re.error as e:
                        raise SystemExit(f"{path}:{n}: vm-expect: bad regex: {e}")
                else:
                    raise SystemExit(f"{path}:{n}: unknown declaration vm-{key}")
        if (self.services or self.expect) and not self.init:
            raise SystemExit(f"{path}: vm-services and vm-expect need vm-init")


def kernel_dir(arch):
    return os.path.join(VM, arch, "kernel")


def kernel_image(arch):
    imgs = glob.glob(os.path.join(kernel_dir(arch), "boot", "vmlinuz-*"))
    if not imgs:
        raise SystemExit(f"no kernel for {arch} under {kernel_dir(arch)}: run scripts/bootstrap")
    return imgs[0]


def module_path(arch, name):
    hits = glob.glob(os.path.join(kernel_dir(arch), "lib", "modules", "*", "kernel",
                                  "**", name + ".ko"), recursive=True)
    if not hits:
        raise SystemExit(f"module {name} not found in the {arch} kernel package")
    return hits[0]


def modules_in_order(arch, names):
    """Resolves module dependencies with modinfo; dependencies come first."""
    order, seen = [], set()

    def visit(name):
        if name in seen:
            return
        seen.add(name)
        path = module_path(arch, name)
        deps = subprocess.run(["modinfo", "-F", "depends", path], capture_output=True,
                              text=True, check=True).stdout.strip()
        for d in filter(None, deps.split(",")):
            visit(d)
        order.append(path)

    for n in names:
        visit(n)
    return order


def busybox_applets():
    out = subprocess.run([os.path.join(VM, "x86_64", "busybox", "bin", "busybox"), "--list"], capture_output=True, text=True, check=True)
    return out.stdout.split()


def build_initramfs(arch, tag, init, files, modules, cases=()):
    """Assembles a root tree and packs it as a gzip'd newc cpio."""
    root = os.path.join(VM, arch, "root-" + tag)
    shutil.rmtree(root, ignore_errors=True)
    for d in ("bin", "sbin", "proc", "sys", "dev", "tmp", "etc", "cases", "run", "lib/modules"):
        os.makedirs(os.path.join(root, d))
    os.mknod(os.path.join(root, "dev", "console"), 0o600 | 0o020000, os.makedev(5, 1))
    shutil.copy(os.path.join(VM, arch, "busybox", "bin", "busybox"), os.path.join(root, "bin"))
    for applet in busybox_applets():
        link = os.path.join(root, "bin", applet)
        if not os.path.exists(link):
            os.symlink("busybox", link)
    shutil.copy(init, os.path.join(root, "init"))
    for src, dst in files:
        dest = os.path.join(root, dst.lstrip("/"))
        os.makedirs(os.path.dirname(dest), exist_ok=True)
        if os.path.isdir(src):
            shutil.copytree(src, dest, dirs_exist_ok=True)
        else:
            shutil.copy(src, dest)
    with open(os.path.join(root, "etc", "vm-modules"), "w") as f:
        for ko in modules:
            shutil.copy(ko, os.path.join(root, "lib", "modules"))
            f.write("/lib/modules/" + os.path.basename(ko) + "\n")
    with open(os.path.join(root, "cases", "list"), "w") as f:
        for c in cases:
            shutil.copy(c.path, os.path.join(root, "cases", c.name + ".sh"))
            with open(os.path.join(root, "cases", c.name + ".timeout"), "w") as t:
                t.write(f"{c.timeout}\n")
            f.write(c.name + "\n")
    image = os.path.join(VM, arch, "initramfs-" + tag + ".cpio.gz")
    subprocess.run(f"cd '{root}' && find . | cpio -o -H newc --quiet | gzip -1 > '{image}'",
                   shell=True, check=True)
    return image


def boot(arch, image, cmdline, timeout, log_path, stream=False):
    """Boots the image; returns (verdict, lines, seconds). The verdict is
    'poweroff', 'timeout' or 'panic'."""
    cmd, console = QEMU[arch]
    append = f"console={console} quiet panic=-1 {cmdline}".strip()
    argv = cmd + ["-m", "512", "-smp", "2", "-display", "none", "-monitor", "none",
                  "-serial", "stdio", "-no-reboot", "-kernel", kernel_image(arch),
                  "-initrd", image, "-append", append]
    os.makedirs(os.path.dirname(log_path), exist_ok=True)
    lines = []
    start = time.monotonic()
    with open(log_path, "w") as log:
        log.write("# " + " ".join(argv) + "\n")
        proc = subprocess.Popen(argv, stdin=subprocess.DEVNULL, stdout=subprocess.PIPE,
                                stderr=subprocess.STDOUT)

        def pump():
            for raw in proc.stdout:
                line = raw.decode("utf-8", "replace").rstrip("\r\n").replace("\r", "")
                lines.append(line)
                log.write(line + "\n")
                log.flush()
                if stream:
                    print(line, flush=True)

        reader = threading.Thread(target=pump, daemon=True)
        reader.start()
        try:
            proc.wait(timeout=timeout)
            timed_out = False
        except subprocess.TimeoutExpired:
            proc.kill()
            proc.wait()
            timed_out = True
        reader.join(5)
        seconds = time.monotonic() - start
        verdict = "poweroff"
        if any("Kernel panic" in l for l in lines):
            verdict = "panic"
        elif timed_out:
            verdict = "timeout"
        log.write(f"# verdict {verdict} after {seconds:.1f} s\n")
    return verdict, lines, seconds


def guest_file(arch, rel):
    path = os.path.join(TOP, rel.replace("@ARCH@", arch))
    if not os.path.exists(path):
        raise SystemExit(f"missing {path}: run scripts/build {arch}")
    return path


class Tap:
    def __init__(self):
        self.passed = self.failed = 0

    def report(self, ok, name, detail=""):
        if ok:
            self.passed += 1
        else:
            self.failed += 1
        print(f"{'ok' if ok else 'not ok'} - {name}" + (f" # {detail}" if detail else ""),
              flush=True)


def run_group(tap, arch, cmdline, cases, timeout):
    tag = "cases" + (("-" + re.sub(r"[^A-Za-z0-9]+", "_", cmdline)) if cmdline else "")
    files = case_files(arch, cases)
    modules = modules_in_order(arch, [m for c in cases for m in c.modules])
    image = build_initramfs(arch, tag, guest_file(arch, "build/@ARCH@-musl/tests/vm/guest/vm-runner"),
                            files, modules, cases)
    log_path = os.path.join(VM, "logs", f"{arch}-{tag}.log")
    # The runner kills a case at its own timeout and goes on; the boot must
    # outlast them all, so one stuck case fails alone, not the whole boot.
    timeout = max(timeout, sum(c.timeout for c in cases) + 60)
    verdict, lines, secs = boot(arch, image, cmdline, timeout, log_path)
    seen = {}
    for line in lines:
        m = RESULT.search(line)
        if m:
            seen[m.group(2)] = (m.group(1) == "ok", m.group(3))
    ended = any("ALCOVE-VM END" in l for l in lines)
    for c in cases:
        ok, detail = seen.get(c.name, (False, f"no result: guest {verdict} (log {log_path})"))
        tap.report(ok, f"vm/{arch}/{c.name}", detail)
    boot_ok = verdict == "poweroff" and ended
    tap.report(boot_ok, f"vm/{arch}/boot[{tag}]",
               f"{verdict} in {secs:.1f} s" + ("" if ended else ", no END marker") +
               ("" if boot_ok else f" (log {log_path})"))


def case_files(arch, cases):
    """The files every boot carries plus those the cases declare."""
    files = [(guest_file(arch, "build/@ARCH@-musl/alcove"), "/bin/alcove"),
             (guest_file(arch, "build/@ARCH@-musl/tests/vm/guest/vmcheck"), "/bin/vmcheck")]
    for c in cases:
        for spec in c.files:
            src, _, dst = spec.partition(":")
            files.append((guest_file(arch, src), dst or "/" + os.path.basename(src)))
    return files


def expectations(case, lines):
    """Yields (ok, regex) for each vm-expect; a vm-expect-then is searched
    after the previous expectation's line (and fails when that failed)."""
    after = 0
    for rx, then in case.expect:
        start = after if then else 0
        hit = None
        if start is not None:
            hit = next((i for i in range(start, len(lines)) if rx.search(lines[i])), None)
        yield hit is not None, rx.pattern
        after = None if hit is None else hit + 1


def run_init_case(tap, arch, case, timeout):
    """Boots alcove itself as /init with the case's services; reports the
    case's own RESULT lines, its console expectations and the poweroff."""
    tag = "init-" + case.name
    files = case_files(arch, [case])
    if case.services:
        sdir = os.path.join(TOP, case.services)
        for f in sorted(os.listdir(sdir)):
            if f.endswith(".conf"):
                files.append((os.path.join(sdir, f), "/etc/alcove/services.d/" + f))
    image = build_initramfs(arch, tag, guest_file(arch, "build/@ARCH@-musl/alcove"), files,
                            modules_in_order(arch, case.modules), [case])
    log_path = os.path.join(VM, "logs", f"{arch}-{tag}.log")
    verdict, lines, secs = boot(arch, image, case.cmdline, max(timeout, case.timeout + 60),
                                log_path)
    own = None
    for line in lines:
        m = RESULT.search(line)
        if not m:
            continue
        name = m.group(2)
        if name == case.name:
            own = (m.group(1) == "ok", m.group(3))
        elif name.startswith(case.name + "/"):
            tap.report(m.group(1) == "ok", f"vm/{arch}/{name}", m.group(3))
    ok, detail = own or (False, f"no result: guest {verdict} (log {log_path})")
    tap.report(ok, f"vm/{arch}/{case.name}", detail)
    for ok, pattern in expectations(case, lines):
        tap.report(ok, f"vm/{arch}/{case.name}/console: {pattern}",
                   "" if ok else f"not on the console in order (log {log_path})")
    tap.report(verdict == "poweroff", f"vm/{arch}/boot[{tag}]",
               f"{verdict} in {secs:.1f} s" + ("" if verdict == "poweroff" else f" (log {log_path})"))


def cmd_run(args):
    arches = args.arch.split(",")
    cases = [Case(p) for p in sorted(glob.glob(os.path.join(CASES, "*.sh")))]
    if args.case:
        cases = [c for c in cases if c.name in args.case]
    tap = Tap()
    for arch in arches:
        groups = {}
        for c in cases:
            if arch in c.arch and not c.init:
                groups.setdefault(c.cmdline, []).append(c)
        for cmdline, group in groups.items():
            run_group(tap, arch, cmdline, group, args.timeout)
        for c in cases:
            if arch in c.arch and c.init:
                run_init_case(tap, arch, c, args.timeout)
    print(f"# vm: {tap.passed} passed, {tap.failed} failed")
    return 1 if tap.failed else 0


def cmd_boot(args):
    files = []
    for spec in args.file or []:
        src, sep, dst = spec.partition(":")
        if not sep or not dst.startswith("/") or not os.path.exists(src):
            raise SystemExit(f"harness: --file {spec}: want an existing SRC and an absolute DST")
        files.append((src, dst))
    name = args.log or "boot"
    if not re.fullmatch(r"[A-Za-z0-9_-]+", name):
        raise SystemExit(f"harness: --log {name}: letters, digits, _ and - only")
    image = build_initramfs(args.arch, name, args.init, files, [])
    log_path = os.path.join(VM, "logs", f"{args.arch}-{name}.log")
    verdict, _, secs = boot(args.arch, image, args.cmdline, args.timeout, log_path,
                            stream=not args.quiet)
    print(f"harness: guest {verdict} after {secs:.1f} s (log {log_path})", flush=True)
    return 0 if verdict == "poweroff" else 1


def cmd_selftest(args):
    """Boots fixtures on x86_64 and checks the harness's own verdicts."""
    arch, tap = "x86_64", Tap()
    fixtures = os.path.join(TOP, "tests", "vm", "fixtures")
    tmp = os.path.join(VM, "selftest")
    os.makedirs(tmp, exist_ok=True)
    # 0. A bad declaration is refused with file:line, before any boot.
    bad = os.path.join(tmp, "bad-decl.sh")

    def refusal(text):
        with open(bad, "w") as f:
            f.write(text)
        try:
            Case(bad)
            return "accepted"
        except SystemExit as e:
            return str(e)

    msg = refusal("# vm-arch: x86_64\n# vm-colour: blue\ntrue\n")
    tap.report(msg == f"{bad}:2: unknown declaration vm-colour",
               "harness/unknown case declaration is refused with file:line", msg)
    msg = refusal("# vm-arch: x86_64\n# vm-expect: x\ntrue\n")
    tap.report(msg == f"{bad}: vm-services and vm-expect need vm-init",
               "harness/vm-expect without vm-init is refused", msg)
    with open(bad, "w") as f:
        f.write("# vm-init: alcove\n# vm-expect: ^b\n# vm-expect: ^a\n"
                "# vm-expect-then: ^c\n# vm-expect-then: ^a\n")
    seq = Case(bad)
    got = [ok for ok, _ in expectations(seq, ["a", "b", "c", "a"])]
    got2 = [ok for ok, _ in expectations(seq, ["b", "c", "a"])]
    tap.report(got == [True, True, True, True] and got2 == [True, True, False, False],
               "harness/vm-expect anywhere, vm-expect-then after the previous",
               f"{got} {got2}")
    # 1. Results and per-case timeouts come through the runner's protocol.
    cases = [Case(os.path.join(fixtures, n + ".sh")) for n in ("passes", "fails", "overruns")]
    image = build_initramfs(arch, "selftest", guest_file(
        arch, "build/@ARCH@-musl/tests/vm/guest/vm-runner"), [], [], cases)
    verdict, lines, _ = boot(arch, image, "", 120, os.path.join(VM, "logs", "selftest-cases.log"))
    got = {m.group(2): (m.group(1), m.group(3)) for m in map(RESULT.search, lines) if m}
    tap.report(got.get("passes", ("",))[0] == "ok", "harness/passing case reported ok")
    tap.report(got.get("fails", ("", ""))[1] == "exit 3", "harness/failing case reported with its exit code",
               str(got.get("fails")))
    tap.report(got.get("overruns", ("", ""))[1].startswith("timeout"),
               "harness/case over its vm-timeout is killed and reported", str(got.get("overruns")))
    tap.report(verdict == "poweroff", "harness/runner powers the guest off", verdict)
    # 2. A guest that never powers off is a timeout, reported within it.
    limit = 30
    image = build_initramfs(arch, "hang", os.path.join(fixtures, "init-hang"), [], [])
    verdict, _, secs = boot(arch, image, "", limit, os.path.join(VM, "logs", "selftest-hang.log"))
    tap.report(verdict == "timeout" and secs < limit + 10,
               "harness/guest that never powers off is a timeout", f"{verdict} after {secs:.1f} s")
    # 3. A kernel panic (PID 1 exits) is reported as a panic.
    image = build_initramfs(arch, "panic", os.path.join(fixtures, "init-exit"), [], [])
    verdict, _, secs = boot(arch, image, "", 120, os.path.join(VM, "logs", "selftest-panic.log"))
    tap.report(verdict == "panic", "harness/kernel panic is detected", f"{verdict} after {secs:.1f} s")
    print(f"# harness selftest: {tap.passed} passed, {tap.failed} failed")
    return 1 if tap.failed else 0


def main():
    ap = argparse.ArgumentParser(description=__doc__.split("\n")[0])
    sub = ap.add_subparsers(dest="cmd", required=True)
    r = sub.add_parser("run")
    r.add_argument("--arch", default=",".join(ARCHES))
    r.add_argument("--case", action="append")
    r.add_argument("--timeout", type=int, default=DEFAULT_BOOT_TIMEOUT)
    b = sub.add_parser("boot")
    b.add_argument("--arch", required=True, choices=ARCHES)
    b.add_argument("--init", required=True)
    b.add_argument("--cmdline", default="")
    b.add_argument("--timeout", type=int, default=DEFAULT_BOOT_TIMEOUT)
    b.add_argument("--file", action="append", metavar="SRC:DST")
    b.add_argument("--log", metavar="NAME", help="name of the log and root (default boot)")
    b.add_argument("--quiet", action="store_true", help="do not stream the console")
    sub.add_parser("selftest")
    args = ap.parse_args()
    return {"run": cmd_run, "boot": cmd_boot, "selftest": cmd_selftest}[args.cmd](args)


if __name__ == "__main__":
    sys.exit(main())
