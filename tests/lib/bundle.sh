# OCI bundles for the OCI runtime tests and benchmarks; sourced, not run.
# Works under bash and busybox sh (the VM tier), needs only sed.
#   bundle_rootfs DIR [BUSYBOX]   DIR/rootfs with busybox and its applets
#   bundle_make DIR ARG...        a bundle in DIR: rootfs plus a config.json
#                                 (OCI defaults, no network namespace, cpu,
#                                 memory and pids limits) running ARG...
# Edit the config afterwards with jq where a test needs other fields.
bundle_rootfs() {
  _bb=${2:-${BUSYBOX:-/bin/busybox}}
  mkdir -p "$1/rootfs/bin" "$1/rootfs/proc" "$1/rootfs/sys" "$1/rootfs/dev" \
    "$1/rootfs/tmp" "$1/rootfs/etc" || return 1
  cp "$_bb" "$1/rootfs/bin/busybox" || return 1
  for _a in $("$_bb" --list); do
    [ -e "$1/rootfs/bin/$_a" ] || ln -s busybox "$1/rootfs/bin/$_a"
  done
  echo "root:x:0:0:root:/:/bin/sh" >"$1/rootfs/etc/passwd"
  echo "root:x:0:" >"$1/rootfs/etc/group"
}

bundle_args_json() { # ARG... -> "a", "b" (JSON strings; " and \ escaped)
  _sep=""
  for _a in "$@"; do
    printf '%s"%s"' "$_sep" "$(printf '%s' "$_a" | sed 's/\\/\\\\/g; s/"/\\"/g')"
    _sep=", "
  done
}

bundle_make() {
  _dir=$1
  shift
  bundle_rootfs "$_dir" || return 1
  cat >"$_dir/config.json" <<JSON
{
  "ociVersion": "1.0.2",
  "process": {
    "terminal": false,
    "user": { "uid": 0, "gid": 0 },
    "args": [ $(bundle_args_json "$@") ],
    "env": [ "PATH=/bin", "TERM=xterm" ],
    "cwd": "/",
    "capabilities": {
      "bounding": [ "CAP_AUDIT_WRITE", "CAP_KILL", "CAP_NET_BIND_SERVICE" ],
      "effective": [ "CAP_AUDIT_WRITE", "CAP_KILL", "CAP_NET_BIND_SERVICE" ],
      "permitted": [ "CAP_AUDIT_WRITE", "CAP_KILL", "CAP_NET_BIND_SERVICE" ]
    },
    "rlimits": [ { "type": "RLIMIT_NOFILE", "hard": 1024, "soft": 1024 } ],
    "noNewPrivileges": true
  },
  "root": { "path": "rootfs", "readonly": false },
  "hostname": "alcove",
  "mounts": [
    { "destination": "/proc", "type": "proc", "source": "proc" },
    { "destination": "/dev", "type": "tmpfs", "source": "tmpfs",
      "options": [ "nosuid", "strictatime", "mode=755", "size=65536k" ] },
    { "destination": "/dev/pts", "type": "devpts", "source": "devpts",
      "options": [ "nosuid", "noexec", "newinstance", "ptmxmode=0666", "mode=0620" ] },
    { "destination": "/dev/shm", "type": "tmpfs", "source": "shm",
      "options": [ "nosuid", "noexec", "nodev", "mode=1777", "size=65536k" ] },
    { "destination": "/sys", "type": "sysfs", "source": "sysfs",
      "options": [ "nosuid", "noexec", "nodev", "ro" ] }
  ],
  "linux": {
    "resources": {
      "cpu": { "quota": 50000, "period": 100000, "shares": 512 },
      "memory": { "limit": 67108864 },
      "pids": { "limit": 64 }
    },
    "namespaces": [ { "type": "pid" }, { "type": "ipc" }, { "type": "uts" },
      { "type": "mount" } ],
    "maskedPaths": [ "/proc/kcore", "/proc/keys", "/proc/timer_list", "/sys/firmware" ],
    "readonlyPaths": [ "/proc/bus", "/proc/fs", "/proc/irq", "/proc/sys", "/proc/sysrq-trigger" ]
  }
}
JSON
}
