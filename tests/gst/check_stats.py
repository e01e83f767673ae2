#!/usr/bin/env python3
"""Runs a ready pipeline script (gst-launch-1.0 -m) and checks its dmabridge-stats.

  check_stats.py SCRIPT [ARG...] -- EXPECTATION...

An expectation is ELEMENT:FIELD OP VALUE, OP one of = <= >=, VALUE a number or another
ELEMENT:FIELD ("dmabridgekmssink0:imports=dmabridgev4l2src0:allocations"). The first
dmabridge-stats each element posts (at EOS) is the one checked. Exits 1 naming every
expectation not met, or when the script fails or an element posted no stats.
"""
import re
import subprocess
import sys

MESSAGE = re.compile(r'from element "([^"]+)" \(element\): dmabridge-stats, (.*)')
NUMBER = re.compile(r'([\w-]+)=\(guint64\)(\d+)')
EXPECTATION = re.compile(r'^([\w-]+):([\w-]+)(<=|>=|=)([\w:-]+)$')


def stats_of(output):
    stats = {}
    for line in output.splitlines():
        found = MESSAGE.search(line)
        if found and found.group(1) not in stats:
            stats[found.group(1)] = {k: int(v) for k, v in NUMBER.findall(found.group(2))}
    return stats


def value(stats, text):
    if ":" not in text:
        return int(text)
    element, field = text.split(":")
    return stats.get(element, {}).get(field)


def main():
    split = sys.argv.index("--")
    command, expectations = sys.argv[1:split], sys.argv[split + 1:]
    done = subprocess.run(command, capture_output=True, text=True, check=False)
    if done.returncode != 0:
        print(done.stdout[-3000:], done.stderr[-3000:])
        print(f"{command[0]} exited {done.returncode}")
        return 1
    stats = stats_of(done.stdout)
    problems = []
    for expectation in expectations:
        parsed = EXPECTATION.match(expectation)
        if not parsed:
            problems.append(f"can't read the expectation '{expectation}'")
            continue
        element, field, op, wanted = parsed.groups()
        got, want = stats.get(element, {}).get(field), value(stats, wanted)
        met = got is not None and want is not None and {
            "=": got == want, "<=": got <= want, ">=": got >= want}[op]
        if not met:
            problems.append(f"{expectation}: {element}:{field} is {got}, wanted {op} {want}")
    for element, numbers in sorted(stats.items()):
        print(element, " ".join(f"{k}={v}" for k, v in sorted(numbers.items())))
    for problem in problems:
        print(problem)
    return 1 if problems or not stats else 0


if __name__ == "__main__":
    sys.exit(main())
