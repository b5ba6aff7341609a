#!/usr/bin/env bash
# Builds a busybox-static OCI image as an oci-archive tarball, byte for byte
# reproducible, for clients that import images (ctr image import, podman
# load) on a machine with no registry:
#   tests/oci/image.sh OUT.tar [REF] [BUSYBOX]
# REF (default localhost/alcove-bb:1) is the index's
# org.opencontainers.image.ref.name; the config's Cmd is /bin/sh. The
# layout: oci-layout, index.json, and blobs/sha256/ holding one
# uncompressed layer (the rootfs of tests/lib/bundle.sh), the config and the
# manifest. Exit: 0 written; 1 failed.
set -euo pipefail
[ $# -ge 1 ] || { echo "usage: $0 OUT.tar [REF] [BUSYBOX]" >&2; exit 1; }
out=$1
ref=${2:-localhost/alcove-bb:1}
bb=${3:-${BUSYBOX:-/bin/busybox}}
here=$(cd "$(dirname "$0")" && pwd)
# shellcheck source=tests/lib/bundle.sh
. "$here/../lib/bundle.sh"
case $(uname -m) in
  x86_64) arch=amd64 ;;
  aarch64) arch=arm64 ;;
  armv7l) arch=arm ;;
  *) echo "image.sh: unknown machine $(uname -m)" >&2; exit 1 ;;
esac

work=$(mktemp -d)
trap 'rm -rf "$work"' EXIT
bundle_rootfs "$work/b" "$bb"
# Fixed owners, modes, times and order make the same bytes every time.
det_tar() { # det_tar DIR OUT: a reproducible tar of DIR's contents
  tar --sort=name --mtime=@0 --owner=0 --group=0 --numeric-owner --format=gnu \
    --mode='u+rwX,go+rX,go-w' -C "$1" -cf "$2" .
}
lay=$work/layout
mkdir -p "$lay/blobs/sha256"
det_tar "$work/b/rootfs" "$work/layer.tar"
python3 - "$work/layer.tar" "$lay" "$ref" "$arch" <<'PY'
import hashlib, json, os, sys
layer, lay, ref, arch = sys.argv[1:5]

def blob(data):
    d = hashlib.sha256(data).hexdigest()
    with open(os.path.join(lay, "blobs", "sha256", d), "wb") as f:
        f.write(data)
    return "sha256:" + d, len(data)

def js(obj):
    return json.dumps(obj, sort_keys=True, separators=(",", ":")).encode()

with open(layer, "rb") as f:
    ldig, lsize = blob(f.read())
os.remove(layer)
config = {"architecture": arch, "os": "linux",
          "config": {"Env": ["PATH=/bin"], "Cmd": ["/bin/sh"], "WorkingDir": "/"},
          "rootfs": {"type": "layers", "diff_ids": [ldig]},
          "history": [{"created_by": "alcove tests/oci/image.sh: busybox-static"}]}
cdig, csize = blob(js(config))
manifest = {"schemaVersion": 2, "mediaType": "application/vnd.oci.image.manifest.v1+json",
            "config": {"mediaType": "application/vnd.oci.image.config.v1+json",
                       "digest": cdig, "size": csize},
            "layers": [{"mediaType": "application/vnd.oci.image.layer.v1.tar",
                        "digest": ldig, "size": lsize}]}
mdig, msize = blob(js(manifest))
index = {"schemaVersion": 2, "mediaType": "application/vnd.oci.image.index.v1+json",
         "manifests": [{"mediaType": "application/vnd.oci.image.manifest.v1+json",
                        "digest": mdig, "size": msize,
                        "platform": {"architecture": arch, "os": "linux"},
                        "annotations": {"org.opencontainers.image.ref.name": ref}}]}
with open(os.path.join(lay, "index.json"), "wb") as f:
    f.write(js(index))
with open(os.path.join(lay, "oci-layout"), "wb") as f:
    f.write(js({"imageLayoutVersion": "1.0.0"}))
PY
det_tar "$lay" "$work/image.tar"
mv "$work/image.tar" "$out"
