#!/usr/bin/env python3
"""The --json output of dmabridge-info and dmabridge-plan: schema, and on the board, content.

  check_json.py host INFO PLAN    schema of info (whatever this machine has) and of plan
                                  for every board profile's devices
  check_json.py board INFO PLAN   inside the virtual board: info finds vivid-000/001, vimc,
                                  vkms, vgem, both heaps and udmabuf, vim2m and vicodec's
                                  codecs as m2m devices with both queues, and says vivid-001
                                  needs contiguous memory; plan for vivid-001 to vkms
                                  chooses the CMA heap; Mesa's loader noise stays off
                                  info's output, said as a note in its words. Skips (77)
                                  outside the board; inside it (DMABRIDGE_BOARD=vboard) a
                                  missing device fails.
Exits 1 with every mismatch listed. MESON_EXE_WRAPPER, which meson sets in a cross build,
runs the programs (QEMU's user-mode emulation, from the cross file).
"""
import glob
import json
import os
import re
import subprocess
import sys

FACT = {"value": (bool, int, str), "source": (str, type(None))}
CONSTRAINTS = {
    "name": str, "node": str, "role": str, "driver": str,
    "formats": [{"format": str, "fourcc": str, "modifiers": [str]}],
    "can-import": bool, "can-export": bool,
    "contiguous": FACT, "iommu": FACT, "address-limit": FACT, "coherent": FACT,
    "exports-contiguous": FACT, "memory-only-from": FACT,
    "usable-memory": {"value": [str], "source": (str, type(None))},
    "alignment": {"stride": int, "offset": int, "size": int, "height": int,
                  "source": (str, type(None))},
}
HEAP = {"name": str, "path": str, "kernel-name": str, "kind": str, "contiguous": bool,
        "cached": bool, "size": int, "reason": str}
INFO = {
    "stack": [{"name": str, "version": str}],
    "devices": [{"kind": str, "node": str, "name": str, "driver": str, "detail": str,
                 "queues": [CONSTRAINTS], "planes": [{"id": int, "type": str, "formats": str}],
                 "notes": [str],
                 "m2m": ({"role": str, "coded-formats": [str]}, type(None))}],
    "heaps": [HEAP],
    "udmabuf": {"available": bool, "note": str},
    "unopened": [{"node": str, "reason": str}],
}
PLAN = {
    "board": (str, type(None)),
    "request": {"format": str, "width": int, "height": int, "buffers": int},
    "producer": CONSTRAINTS,
    "consumers": [CONSTRAINTS],
    "zero-copy": bool,
    "plan": {
        "allocator": str, "allocating-device": str, "heap": (HEAP, type(None)),
        "layout": {"format": str, "modifier": str, "width": int, "height": int,
                   "buffers": int,
                   "planes": [{"buffer": int, "offset": int, "stride": int, "size": int}]},
        "buffer-size": int, "buffer-count": int, "contiguous": bool, "address-limit": int,
        "cpu-cached": bool, "copy": bool, "copy-reason": str, "remedies": [str],
        "explanation": [str],
    },
}

problems = []


def check(value, schema, where):
    """Records where value does not match schema (a type, tuple of choices, dict, [item])."""
    if isinstance(schema, tuple):
        for choice in schema:
            before = len(problems)
            check(value, choice, where)
            if len(problems) == before:
                return
            del problems[before:]
        problems.append(f"{where}: {value!r} matches none of the allowed kinds")
    elif isinstance(schema, dict):
        if not isinstance(value, dict):
            problems.append(f"{where}: expected an object, got {value!r}")
            return
        for key, kind in schema.items():
            if key not in value:
                problems.append(f"{where}: missing '{key}'")
            else:
                check(value[key], kind, f"{where}.{key}")
        for key in value.keys() - schema.keys():
            problems.append(f"{where}: unexpected '{key}'")
    elif isinstance(schema, list):
        if not isinstance(value, list):
            problems.append(f"{where}: expected an array, got {value!r}")
            return
        for i, item in enumerate(value):
            check(item, schema[0], f"{where}[{i}]")
    elif schema is int:
        if not isinstance(value, int) or isinstance(value, bool):
            problems.append(f"{where}: expected a number, got {value!r}")
    elif not isinstance(value, schema):
        problems.append(f"{where}: expected {schema.__name__}, got {value!r}")


RUNNER = os.environ.get("MESON_EXE_WRAPPER", "").split()


def run_json(*command):
    done = subprocess.run([*RUNNER, *command], capture_output=True, text=True, check=False)
    if done.returncode != 0:
        problems.append(f"{' '.join(command)}: exit {done.returncode}: {done.stderr.strip()}")
        return None
    return json.loads(done.stdout)


def host(info, plan):
    check(run_json(info, "--json"), INFO, "info")
    boards = sorted(glob.glob(f"{sys.path[0]}/../../tools/boards/*.board"))
    if len(boards) < 4:
        problems.append(f"only {len(boards)} board profiles found")
    for path in boards:
        board = path.rsplit("/", 1)[1][:-len(".board")]
        listing = run_json(plan, "--board", board, "--list", "--json")
        if not listing:
            continue
        check(listing, {"board": str, "title": str, "devices": [CONSTRAINTS],
                        "heaps": [HEAP]}, f"{board} --list")
        # Every device produces for every other, in the first format both take.
        for producer in listing["devices"]:
            for consumer in listing["devices"]:
                if producer is consumer or not producer["role"].startswith("V4L2"):
                    continue
                common = [f["format"] for f in producer["formats"]
                          if f["format"] in {c["format"] for c in consumer["formats"]}]
                if not common:
                    continue
                result = run_json(plan, "--board", board, "--producer", producer["name"],
                                  "--consumer", consumer["name"], "--format", common[0],
                                  "--size", "1920x1080", "--json")
                if result:
                    check(result, PLAN, f"{board} {producer['name']}->{consumer['name']}")


# What each board's root runs: (kernel release prefix, GStreamer release prefix, caps form).
BOARD_STACKS = {"12": ("6.1.", "1.22.", "name a video format"), "13": ("6.12.", "1.26.", "DMA_DRM")}


def check_stack(stack):
    """The software stack info reports is the board's: its kernel, GStreamer and caps form."""
    parts = {p["name"]: p["version"] for p in stack}
    for wanted in ("kernel", "GStreamer", "Mesa", "libcamera"):
        if not parts.get(wanted):
            problems.append(f"info: the stack names no {wanted}: {stack}")
    debian = os.environ.get("VBOARD_DEBIAN")
    if debian not in BOARD_STACKS:
        problems.append(f"info: not in a known board (VBOARD_DEBIAN={debian!r})")
        return
    kernel, gstreamer, caps = BOARD_STACKS[debian]
    if not parts.get("kernel", "").startswith(kernel):
        problems.append(f"info: Debian {debian} board runs kernel {parts.get('kernel')}")
    if not parts.get("GStreamer", "").startswith(gstreamer) or caps not in parts["GStreamer"]:
        problems.append(f"info: Debian {debian} board has GStreamer {parts.get('GStreamer')}")


# Whether Mesa prints a line of its own when it finds no GPU driver for vgem, by machine:
# on x86 Mesa 22.3 prints "MESA-LOADER: failed to open vgem" and Mesa 25 "kmsro: driver
# missing"; Debian 13's arm64 Mesa 25.0.7 prints nothing there (dmabridge-info --debug in
# the arm64 board logs no line of Mesa's).
MESA_SPEAKS_OF_VGEM = {"x86_64": True, "aarch64": False}


def check_quiet(info):
    """dmabridge-info prints its own words only: what Mesa prints when vgem has no GPU
    driver is logged at debug level (--debug), where this machine's Mesa prints it
    (MESA_SPEAKS_OF_VGEM), and said as a note on the EGL device."""
    done = subprocess.run([info], capture_output=True, text=True, check=False)
    for stream, text in (("stdout", done.stdout), ("stderr", done.stderr)):
        noise = [line for line in text.splitlines()
                 if "MESA-LOADER" in line or "kmsro:" in line]
        if noise:
            problems.append(f"info: driver noise on its {stream}: {noise[:2]}")
    if "Mesa could not load a GPU driver for vgem (/dev/dri/" not in done.stdout:
        problems.append("info: says nothing of vgem's missing GPU driver: "
                        + done.stdout[done.stdout.find("EGL devices"):][:600])
    if not MESA_SPEAKS_OF_VGEM.get(os.uname().machine, True):
        return
    debug = subprocess.run([info, "--debug"], capture_output=True, text=True, check=False)
    if not any(line.startswith("debug: ") and ("MESA-LOADER" in line or "kmsro:" in line)
               for line in debug.stderr.splitlines()):
        problems.append(f"info --debug: Mesa's message not logged: {debug.stderr[:400]!r}")


def booted_cma_bytes():
    """The CMA area the kernel was asked for on its command line (cma=SIZE[KMG]): the
    boards' size depends on the page size (512M with 64 KiB pages) and on --cma."""
    with open("/proc/cmdline", encoding="ascii") as cmdline:
        found = re.search(r"(?:^|\s)cma=(\d+)([KMG]?)(?:\s|$)", cmdline.read())
    if not found:
        return None
    return int(found.group(1)) << {"": 0, "K": 10, "M": 20, "G": 30}[found.group(2)]


def board(info, plan):
    inventory = run_json(info, "--json")
    if inventory is None:
        return
    check(inventory, INFO, "info")
    names = {d["name"] for d in inventory["devices"]}
    if "vivid-001" not in names and os.environ.get("DMABRIDGE_BOARD") != "vboard":
        print("SKIP: not inside the virtual board (no vivid-001); run through tools/vboard")
        sys.exit(77)
    for wanted in ("vivid-000", "vivid-001", "vimc", "vkms", "vgem"):
        if wanted not in names:
            problems.append(f"info lists no {wanted} (it lists {sorted(names)})")
    heaps = {h["name"]: h for h in inventory["heaps"]}
    if not heaps.get("system") or heaps["system"]["contiguous"]:
        problems.append(f"info: no scattered system heap in {heaps}")
    reserved = heaps.get("reserved")
    if not reserved or reserved["kind"] != "CMA" or not reserved["contiguous"]:
        problems.append(f"info: the cma= area 'reserved' is not a CMA heap: {reserved}")
    elif "/sys/kernel/mm/cma/reserved" not in reserved["reason"]:
        problems.append(f"info: 'reserved' not known through sysfs: {reserved['reason']}")
    elif reserved["size"] != (booted := booted_cma_bytes()):
        problems.append(f"info: 'reserved' is not the size the board booted with "
                        f"({booted} bytes, /proc/cmdline's cma=): {reserved}")
    if not inventory["udmabuf"]["available"]:
        problems.append(f"info: udmabuf not available: {inventory['udmabuf']['note']}")
    vivid1 = [q for d in inventory["devices"] if d["name"] == "vivid-001" for q in d["queues"]
              if q["role"] == "V4L2 capture"]
    if not vivid1 or not vivid1[0]["contiguous"]["value"] or vivid1[0]["iommu"]["value"]:
        problems.append(f"info: vivid-001 not reported as needing contiguous memory: {vivid1}")
    elif "REQBUFS" not in vivid1[0]["contiguous"]["source"]:
        problems.append(f"info: vivid-001's contiguity has no source: {vivid1[0]['contiguous']}")
    check_stack(inventory["stack"])
    check_quiet(info)
    check_profile(info, plan)
    # The m2m devices, each with both queues' constraints.
    for name, role, coded in (("vim2m", "converter", []), ("vicodec", "decoder", ["FWHT"]),
                              ("vicodec", "encoder", ["FWHT"])):
        found = [d for d in inventory["devices"] if d["name"] == name and d["m2m"]
                 and d["m2m"]["role"] == role and d["m2m"]["coded-formats"] == coded]
        roles = sorted(q["role"] for q in found[0]["queues"]) if found else []
        if roles != ["V4L2 capture", "V4L2 output"]:
            problems.append(f"info: no {name} {role} with both queues: {found}")
    vkms = [d for d in inventory["devices"] if d["name"] == "vkms" and d["kind"] == "DRM"]
    if not vkms or not any(p["type"] == "primary" for p in vkms[0]["planes"]):
        problems.append(f"info: vkms has no primary plane listed: {vkms}")

    result = run_json(plan, "--producer", "vivid-001", "--consumer", "vkms", "--format",
                      "XRGB8888", "--size", "1280x720", "--json")
    if result:
        check(result, PLAN, "plan vivid-001->vkms")
        chosen = result["plan"]
        if (chosen["allocator"] != "dma-buf heap" or not chosen["heap"]
                or not chosen["heap"]["contiguous"] or not result["zero-copy"]):
            problems.append(f"plan vivid-001->vkms does not choose the CMA heap: {chosen}")


def check_profile(info, plan):
    """info --profile writes the board as a profile that dmabridge-plan --board plans on as
    on the board itself: vivid-001 into vkms from the CMA heap."""
    done = subprocess.run([*RUNNER, info, "--profile", "vboard"], capture_output=True,
                          text=True, check=False)
    if done.returncode != 0 or "device vivid-001" not in done.stdout:
        problems.append(f"info --profile: rc {done.returncode}: {done.stderr[:300]}")
        return
    path = os.path.join(os.environ.get("TMPDIR", "/tmp"), f"vboard-{os.getpid()}.board")
    with open(path, "w") as out:
        out.write(done.stdout)
    try:
        result = run_json(plan, "--board", path, "--producer", "vivid-001", "--consumer",
                          "vkms", "--format", "XRGB8888", "--size", "1280x720", "--json")
    finally:
        os.unlink(path)
    if result and (result["plan"]["allocator"] != "dma-buf heap"
                   or not result["plan"]["heap"]["contiguous"]):
        problems.append(f"plan on info's profile does not choose the CMA heap: {result}")


def main():
    mode, info, plan = sys.argv[1:4]
    (host if mode == "host" else board)(info, plan)
    for problem in problems:
        print(problem)
    print(f"{mode}: {'OK' if not problems else f'{len(problems)} problems'}")
    return 1 if problems else 0


if __name__ == "__main__":
    sys.exit(main())
