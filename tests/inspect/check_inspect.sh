#!/usr/bin/env bash
# What gst-inspect-1.0 tells a user of the plugin: its origin, each element's contact and
# documentation, the message "dmabridge-stats" and its fields in each description, and
# in which states properties may change.
#
#   check_inspect.sh PLUGIN_DIR ORIGIN CONTACT
set -euo pipefail
plugin_dir=$1 origin=$2 contact=$3
registry=$(mktemp)
trap 'rm -f "$registry"' EXIT
export GST_PLUGIN_PATH="$plugin_dir" GST_REGISTRY_1_0="$registry" GST_INSPECT_NO_COLORS=1

fail() {
	echo "FAIL: $*" >&2
	exit 1
}
inspect() { gst-inspect-1.0 "$@" || fail "gst-inspect-1.0 $* failed"; }
# The flags line of a property in an element's gst-inspect output.
flags_of() { grep -A1 -E "^  $2 +:" <<<"$1" | sed -n 's/^ *flags: //p'; }

plugin=$(inspect --plugin dmabridge)
echo "$plugin"
grep -Eq "^  Origin URL +$origin\$" <<<"$plugin" || fail "the plugin's origin is not $origin"
mapfile -t elements < <(sed -n 's/^  \(dmabridge[a-z0-9]*\): .*/\1/p' <<<"$plugin")
((${#elements[@]})) || fail "the plugin lists no element"

for element in "${elements[@]}"; do
	text=$(inspect "$element")
	grep -Fxq "  Author                   $contact" <<<"$text" ||
		fail "$element doesn't name the contact $contact"
	grep -Eq "^  Doc-uri +$origin\$" <<<"$text" || fail "$element has no documentation address"
	description=$(sed -n 's/^  Description *//p' <<<"$text")
	for field in '"dmabridge-stats"' frames copies bytes-copied imports allocations dropped \
		sync-calls cpu-accesses explanation; do
		grep -Fq "$field" <<<"$description" ||
			fail "$element's description doesn't name $field: $description"
	done
	echo "$element: contact, documentation, the stats message and its fields"
done

# The sink's own fields, and a property for each answer to "when may it change".
sink=$(inspect dmabridgekmssink)
grep -Fq "readback-differing-pixels" <<<"$sink" ||
	fail "dmabridgekmssink's description doesn't name its readback fields"
[[ $(flags_of "$sink" device) == *"changeable only in NULL or READY state"* ]] ||
	fail "dmabridgekmssink's device is not marked changeable in NULL or READY: $(flags_of "$sink" device)"
[[ $(flags_of "$sink" render-rectangle) == *"changeable in NULL, READY, PAUSED or PLAYING state"* ]] ||
	fail "dmabridgekmssink's render-rectangle is not marked changeable while playing"
decoder=$(inspect dmabridgev4l2dec)
grep -Fq "coded-copies" <<<"$decoder" || fail "dmabridgev4l2dec doesn't name its coded-* fields"
[[ $(flags_of "$decoder" capture-io-mode) == *"changeable only in NULL or READY state"* ]] ||
	fail "dmabridgev4l2dec's capture-io-mode is not marked changeable in NULL or READY"
echo PASS
