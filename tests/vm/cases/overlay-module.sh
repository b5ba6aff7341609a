# A module from the kernel package (overlay, =m in Debian's kernels) is
# loaded by the runner, and an extra file shipped by the harness serves as
# the lower layer: reads come from it, writes land in the upper layer.
# vm-arch: x86_64 aarch64 armv7
# vm-modules: overlay
# vm-files: tests/vm/data/lower.txt:/lower/file.txt
# vm-timeout: 30
grep -qw overlay /proc/filesystems || { echo "overlay not registered"; exit 1; }
mkdir -p /tmp/up /tmp/work /mnt/ov
mount -t overlay overlay -o lowerdir=/lower,upperdir=/tmp/up,workdir=/tmp/work /mnt/ov
[ "$(cat /mnt/ov/file.txt)" = "lower layer from the host" ] || { echo "lower file not visible"; exit 1; }
echo upper >/mnt/ov/new.txt
[ "$(cat /tmp/up/new.txt)" = upper ] || { echo "write did not land in the upper layer"; exit 1; }
[ ! -e /lower/new.txt ] || { echo "write leaked into the lower layer"; exit 1; }
umount /mnt/ov
