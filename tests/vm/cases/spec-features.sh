# alcove spec and alcove features on each board architecture (json-c in the
# static musl build, 32-bit armv7 included): spec writes a config.json and
# refuses to replace it, --rootless maps the caller, features lists what the
# parser accepts and seccomp as this build has it.
# vm-arch: x86_64 aarch64 armv7
# vm-timeout: 60
mkdir -p /tmp/b /tmp/r
alcove spec --bundle /tmp/b || { echo "spec failed"; exit 1; }
grep -q '"ociVersion": "1.2.0"' /tmp/b/config.json || { cat /tmp/b/config.json; exit 1; }
grep -q '"RLIMIT_NOFILE"' /tmp/b/config.json || exit 1
rc=0; alcove spec -b /tmp/b 2>/tmp/err || rc=$?
[ "$rc" -eq 1 ] || { echo "second spec exited $rc, want 1"; exit 1; }
grep -qx 'alcove spec: /tmp/b/config.json: already exists; remove it first' /tmp/err || {
  cat /tmp/err; exit 1; }
alcove spec --rootless -b /tmp/r || exit 1
tr -d ' \n' </tmp/r/config.json >/tmp/flat
grep -qF '"uidMappings":[{"containerID":0,"hostID":0,"size":1}]' /tmp/flat || { cat /tmp/r/config.json; exit 1; }
grep -qF '{"type":"user"}' /tmp/flat || exit 1
alcove features >/tmp/f || { echo "features failed"; exit 1; }
tr -d ' \n' </tmp/f >/tmp/flat
for k in '"ociVersionMax":"1.2.0"' '"hooks":["prestart","createRuntime"' '"SCMP_CMP_MASKED_EQ"' \
  '"CAP_SYS_ADMIN"' '"rprivate"' '"intelRdt":{"enabled":false}' '"seccomp":{"enabled":'; do
  grep -qF "$k" /tmp/flat || { echo "features lack $k"; cat /tmp/f; exit 1; }
done
