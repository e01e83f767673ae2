#!/usr/bin/env bash
# Inside the board: the Debian packages, unpacked into a throwaway root (tools/
# debian-packages), run from there as an ordinary member of the video group. Their udev
# rule gives that group the dma-buf heaps and udmabuf; dmabridge-info sees the board's
# devices and heaps; vivid-001 into vkms (CMA buffers) runs every frame with no copy.
#
#   check_installed.sh INSTALLED_ROOT
set -euo pipefail
installed=$(realpath "$1")
here=$(cd "$(dirname "${BASH_SOURCE[0]}")" && pwd)
top=$(cd "$here/../.." && pwd)
frames=10

fail() {
	echo "FAIL: $*" >&2
	exit 1
}
[[ -f /run/vboard/job ]] || fail "run it inside the board: tools/vboard run --debian 13 -- $0 $*"
lib=$(dirname "$(echo "$installed"/usr/lib/*/libdmabridge.so.0)")
[[ -e $lib/libdmabridge.so.0 ]] || fail "no libdmabridge.so.0 under $installed"
nodes=(/dev/dma_heap/* /dev/udmabuf)

echo "== the udev rule of libdmabridge0"
declare -A before
for node in "${nodes[@]}"; do
	before[$node]=$(stat -c '%u %g %a' "$node")
	echo "before: $(stat -c '%n %U:%G %a' "$node")"
done
mkdir -p /run/udev/rules.d
cp "$installed"/usr/lib/udev/rules.d/60-dmabridge.rules /run/udev/rules.d/
udevadm control --reload
udevadm trigger --action=add --subsystem-match=dma_heap --subsystem-match=misc
udevadm settle --timeout=30
for node in "${nodes[@]}"; do
	owner=$(stat -c '%G %a' "$node")
	echo "after:  $node $owner"
	[[ $owner == "video 660" ]] || fail "$node is $owner after the rule, not video 660"
done

# An ordinary user: nobody, in the group video only.
video=$(getent group video | cut -d: -f3)
as_user() {
	setpriv --reuid=65534 --regid=65534 --groups="$video" --reset-env -- \
		env HOME=/tmp LD_LIBRARY_PATH="$lib" GST_PLUGIN_PATH="$lib/gstreamer-1.0" \
		GST_REGISTRY_1_0=/tmp/installed-registry.bin "$@"
}

echo "== dmabridge-info, installed, as a member of video"
info=$(as_user "$installed/usr/bin/dmabridge-info" --json) || fail "dmabridge-info failed"
python3 - "$info" <<'PY' || fail "dmabridge-info doesn't see the board"
import json, sys
info = json.loads(sys.argv[1])
names = {d["name"] for d in info["devices"]}
heaps = {h["name"] for h in info["heaps"]}
print("devices:", ", ".join(sorted(names)), "| heaps:", ", ".join(sorted(heaps)),
      "| unopened:", info["unopened"])
missing = {"vivid-001", "vkms"} - names
sys.exit(1 if missing or "system" not in heaps or info["unopened"] else 0)
PY

echo "== vivid-001 into vkms, installed plugin, as a member of video"
as_user python3 "$top/tests/gst/check_stats.py" \
	"$top/pipelines/vboard/camera-to-display.sh" num-buffers=$frames -- \
	dmabridgev4l2src0:frames=$frames dmabridgev4l2src0:copies=0 \
	dmabridgekmssink0:frames=$frames dmabridgekmssink0:copies=0 ||
	fail "the pipeline from the installed plugin did not show every frame without a copy"

# The board goes on as it was (udev, with no rule left, would not change them back).
rm /run/udev/rules.d/60-dmabridge.rules
udevadm control --reload
for node in "${nodes[@]}"; do
	read -r uid gid mode <<<"${before[$node]}"
	chown "$uid:$gid" "$node"
	chmod "$mode" "$node"
done
echo PASS
