#!/usr/bin/env python3
# SPDX-License-Identifier: LGPL-2.1-or-later
"""The symbols libdmabridge.so exports, against the checked-in list.

Compares the library's exported, strongly defined symbols of namespace dmabridge (as
`nm -D` lists them, mangled: the same from GCC and clang, and whatever the demangler's
version) with lib/dmabridge.symbols. Weak symbols (inline functions and templates
emitted out of line) depend on the compiler's inlining and are left out, and so are
vtables and type information (_ZTV, _ZTI, _ZTS): they follow the classes whose members
are listed, and whether they are weak or strong depends on the compiler (GCC emits
them weak, clang strong where the class has a key function). A difference
fails with the symbols added and removed, demangled; a change to the public surface is
made by running this with --update, and reviewed as the diff of that file.

    exported_symbols.py LIBRARY LIST [--update]
"""
import subprocess
import sys

HEADER = """\
# The symbols libdmabridge.so exports (64-bit architectures), checked by
# tests/public-api/exported_symbols.py. Changed only on purpose: run it with --update.
"""


def exported(library):
    out = subprocess.run(["nm", "-D", "--defined-only", library], check=True,
                         capture_output=True, text=True).stdout
    symbols = set()
    for line in out.splitlines():
        fields = line.split()
        if len(fields) != 3 or fields[1] not in "TDBR":
            continue
        if fields[2].startswith(("_ZTV", "_ZTI", "_ZTS")):
            continue
        if "9dmabridge" in fields[2]:  # <length>dmabridge: the namespace, mangled
            symbols.add(fields[2])
    return symbols


def demangled(symbols):
    if not symbols:
        return {}
    out = subprocess.run(["c++filt"], input="\n".join(symbols), check=True,
                         capture_output=True, text=True).stdout.splitlines()
    return dict(zip(symbols, out))


def main():
    library, listed_path = sys.argv[1], sys.argv[2]
    symbols = exported(library)
    names = demangled(sorted(symbols))
    if "--update" in sys.argv[3:]:
        with open(listed_path, "w") as listed:
            listed.write(HEADER)
            for symbol in sorted(symbols):
                listed.write(f"{symbol}  {names[symbol]}\n")
        print(f"{listed_path}: {len(symbols)} symbols")
        return 0
    with open(listed_path) as listed:
        expected = {line.split()[0] for line in listed
                    if line.strip() and not line.startswith("#")}
    internal = sorted(s for s in symbols if "8internal" in s and "internal" in names[s])
    added, removed = sorted(symbols - expected), sorted(expected - symbols)
    for symbol in internal:
        print(f"exported but internal: {names[symbol]}")
    for symbol in added:
        print(f"exported, not in {listed_path}: {names[symbol]}")
    removed_names = demangled(removed)
    for symbol in removed:
        print(f"in {listed_path}, no longer exported: {removed_names[symbol]}")
    print(f"{len(symbols)} symbols exported, {len(expected)} listed: "
          f"{len(added)} added, {len(removed)} removed, {len(internal)} internal")
    return 1 if added or removed or internal else 0


if __name__ == "__main__":
    sys.exit(main())
