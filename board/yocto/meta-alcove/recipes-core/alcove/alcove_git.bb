SUMMARY = "Containers, services and a PSI-driven CPU scheduler for Linux boards"
DESCRIPTION = "alcove spawns work into its own cgroups with clone3, tunes CPU \
quotas from PSI triggers and runs as PID 1. alcove check probes the kernel."
HOMEPAGE = "https://example.invalid/alcove"
LICENSE = "MIT"
LIC_FILES_CHKSUM = "file://LICENSE;md5=711d45ef3c2faf0c6b34004c62d44b07"

# Point ALCOVE_GIT at your clone (local.conf or a bbappend).
ALCOVE_GIT ??= "git://example.invalid/alcove.git;protocol=https;branch=main"
SRC_URI = "${ALCOVE_GIT}"
SRCREV ??= "${AUTOREV}"
PV = "0.1.0+git${SRCPV}"
S = "${WORKDIR}/git"

inherit meson pkgconfig bash-completion update-alternatives

DEPENDS = "liburing libcap json-c"

# Optional parts map one to one onto meson_options.txt.
PACKAGECONFIG ??= "seccomp man"
PACKAGECONFIG[seccomp] = "-Dseccomp=enabled,-Dseccomp=disabled,libseccomp"
PACKAGECONFIG[man] = "-Dman=enabled,-Dman=disabled,scdoc-native"

# alcove as /sbin/init, for images using init-manager-alcove.inc.
PACKAGES =+ "${PN}-init"
ALTERNATIVE:${PN}-init = "init"
ALTERNATIVE_LINK_NAME[init] = "${base_sbindir}/init"
ALTERNATIVE_TARGET[init] = "${bindir}/alcove"
ALTERNATIVE_PRIORITY[init] = "300"
RDEPENDS:${PN}-init = "${PN}"
ALLOW_EMPTY:${PN}-init = "1"
