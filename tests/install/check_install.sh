#!/usr/bin/env bash
# meson install into a temporary DESTDIR, then only what was installed is used: the files
# are all there, none reads a path of the source or build tree at run time, an outside
# program builds through pkg-config and finds the installed board profiles, gst-inspect
# finds the installed plugin's elements through GST_PLUGIN_PATH, and the installed demo
# finds that plugin by itself.
#
#   check_install.sh BUILD SOURCE CXX PREFIX BINDIR LIBDIR INCLUDEDIR DATADIR
set -euo pipefail
build=$1 source=$2 cxx=$3 prefix=$4 bindir=$5 libdir=$6 includedir=$7 datadir=$8 libexecdir=$9
here=$(cd "$(dirname "${BASH_SOURCE[0]}")" && pwd)
dest="$build/install-test"
elements=(dmabridge dmabridgeglconvert dmabridgevkconvert dmabridgekmssink dmabridgetestsrc dmabridgev4l2convert
	dmabridgev4l2dec dmabridgev4l2enc dmabridgev4l2src)

fail() {
	echo "FAIL: $*" >&2
	exit 1
}
# What the installed tree holds, by install directory (absolute when outside the prefix).
under() { [[ $1 == /* ]] && echo "$dest$1" || echo "$dest$prefix/$1"; }

rm -rf "$dest"
meson install -C "$build" --no-rebuild --destdir "$dest" >"$build/install-test.log" ||
	fail "meson install failed: $build/install-test.log"
root=$(under .)
lib=$(under "$libdir")
bin=$(under "$bindir")
gpu_probe="$(under "$libexecdir")/dmabridge-gpu-probe"
plugins="$lib/gstreamer-1.0"
boards="$(under "$datadir")/dmabridge/boards"

echo "== the installed files ($root)"
for file in "$lib/libdmabridge.so.0" "$lib/pkgconfig/dmabridge.pc" "$plugins/libgstdmabridge.so" \
	"$(under "$includedir")/dmabridge/plan.h" "$bin/dmabridge-info" "$bin/dmabridge-plan" \
	"$bin/dmabridge-demo" "$gpu_probe"; do
	[[ -e $file ]] || fail "not installed: ${file#"$dest"}"
done
diff <(cd "$source/tools/boards" && ls -- *.board) <(cd "$boards" && ls -- *.board) ||
	fail "the board profiles installed in ${boards#"$dest"} are not those of tools/boards"

echo "== no path of the source or build tree in what the installed programs read"
for file in "$lib"/libdmabridge.so.* "$plugins/libgstdmabridge.so" "$bin"/dmabridge-* "$gpu_probe"; do
	[[ -L $file ]] && continue
	if readelf -d "$file" | grep -E 'RUNPATH|RPATH'; then
		fail "${file#"$dest"} keeps a run path"
	fi
	strings=$(readelf -p .rodata "$file" 2>/dev/null)
	for tree in "$source" "$build"; do
		if grep -F -- "$tree" <<<"$strings"; then
			fail "${file#"$dest"} holds the path $tree"
		fi
	done
done

echo "== an outside program, built through pkg-config"
# The installation is under DESTDIR, not at its prefix: its .pc names where it is now (a
# global --define-variable=prefix would move libdrm's too).
mkdir "$dest/pkgconfig"
sed "s|^prefix=.*|prefix=$root|" "$lib/pkgconfig/dmabridge.pc" >"$dest/pkgconfig/dmabridge.pc"
export PKG_CONFIG_PATH="$dest/pkgconfig"
flags=$(pkg-config --cflags --libs dmabridge) ||
	fail "pkg-config can't use the installed dmabridge.pc"
echo "pkg-config: $flags"
# shellcheck disable=SC2086
"$cxx" -std=c++20 "$here/outside_program.cpp" $flags -o "$dest/outside-program" ||
	fail "the outside program doesn't build with the flags of dmabridge.pc"
output=$(env -u DMABRIDGE_BOARDS LD_LIBRARY_PATH="$lib" "$dest/outside-program") ||
	fail "the outside program failed"
echo "$output"
LD_LIBRARY_PATH="$lib" ldd "$dest/outside-program" | grep -F "$lib/libdmabridge.so.0" >/dev/null ||
	fail "the outside program didn't load the installed library"
for board in "$source"/tools/boards/*.board; do
	grep -qx "board $(basename "$board" .board)" <<<"$output" ||
		fail "the installed library doesn't find the profile $(basename "$board")"
done
# The Pi 4's camera needs contiguous memory: the plan takes the CMA heap of rpi4.board.
grep -q '^plan .*linux,cma' <<<"$output" || fail "the outside program printed no plan on rpi4"

# Only the installed plugin: no plugin of the system's, in a registry of its own.
export GST_PLUGIN_SYSTEM_PATH_1_0='' GST_REGISTRY_1_0="$dest/registry.bin"
unset GST_PLUGIN_PATH GST_PLUGIN_PATH_1_0
# "dmabridge" names the plugin and an element in it: gst-inspect-1.0 dmabridge shows the
# element, --plugin the plugin with its elements.
echo "== gst-inspect-1.0 --plugin dmabridge, GST_PLUGIN_PATH=${plugins#"$dest"}"
inspect=$(LD_LIBRARY_PATH="$lib" GST_PLUGIN_PATH="$plugins" gst-inspect-1.0 --plugin dmabridge) ||
	fail "gst-inspect-1.0 doesn't find the installed plugin"
echo "$inspect"
grep -F "$plugins/libgstdmabridge.so" <<<"$inspect" >/dev/null ||
	fail "gst-inspect-1.0 didn't load the installed plugin"
for element in "${elements[@]}"; do
	grep -Eq "^ *$element: " <<<"$inspect" || fail "gst-inspect-1.0 doesn't list $element"
done

echo "== the installed demo finds the installed plugin by itself"
demo=$(LD_LIBRARY_PATH="$lib" timeout 120 "$bin/dmabridge-demo" --frames 1 \
	--out "$dest/demo" 2>&1) || true
echo "$demo"
grep -qx "Plugin: *$plugins/libgstdmabridge.so" <<<"$demo" ||
	fail "the installed demo didn't find the installed plugin"
echo "PASS"
