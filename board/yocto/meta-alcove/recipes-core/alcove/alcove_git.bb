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

# Example services for alcove init (alcove.service(5)): a oneshot setup, a
# latency-class sensor loop and a periodic batch job, installed in
# /etc/alcove/services.d by ${PN}-examples. Images opt in with
#   IMAGE_INSTALL:append = " alcove-examples"
SRC_URI += "file://services.d/setup.conf file://services.d/sensor.conf file://services.d/indexer.conf"
UNPACKDIR ??= "${WORKDIR}"

do_install:append() {
	install -d ${D}${sysconfdir}/alcove/services.d
	install -m 0644 ${UNPACKDIR}/services.d/*.conf ${D}${sysconfdir}/alcove/services.d/
}

PACKAGES =+ "${PN}-examples"
FILES:${PN}-examples = "${sysconfdir}/alcove/services.d"
CONFFILES:${PN}-examples = "${sysconfdir}/alcove/services.d/setup.conf ${sysconfdir}/alcove/services.d/sensor.conf ${sysconfdir}/alcove/services.d/indexer.conf"
RDEPENDS:${PN}-examples = "${PN}-init busybox"
