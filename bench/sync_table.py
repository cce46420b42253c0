#!/usr/bin/env python3
"""Prints sync.sh's results as a Markdown table, then issue 5's goals as met or missed.

    sync_table.py RESULTS_DIR   # hyperfine exports <transport>-<case>-<tool>.json, conditions.txt

Goals: a full push or pull within 1.5x of git's time; an incremental one no slower than git's,
with bytes in proportion to the new content (reported as a ratio to git's bytes: on the wire for
git:// and ssh://, stored for a path).
"""
import json
import os
import re
import sys

from bench_tables import verdict

CASES = [("push-full", "push, full"), ("pull-full", "pull, full (git clone --mirror)"),
         ("push-inc", "push, one new pack"), ("pull-inc", "pull, one new pack (git fetch)")]
TRANSPORTS = ["path", "git", "ssh"]


def main():
    directory = sys.argv[1]
    conditions = {}
    path = os.path.join(directory, "conditions.txt")
    if os.path.exists(path):
        for line in open(path):
            name, rest = line.split(" ", 1)
            conditions[name] = dict(re.findall(r"(\w+)=(\S+)", rest))

    def load(name):
        path = os.path.join(directory, name + ".json")
        if not os.path.exists(path):
            return None
        result = json.load(open(path))["results"][0]
        result["bytes"] = int(conditions.get(name, {}).get("bytes", "0"))
        result["wire"] = int(conditions.get(name, {}).get("wire", "0"))
        result["load"] = conditions.get(name, {}).get("load", "?")
        return result

    rows, goals = [], []
    for transport in TRANSPORTS:
        for case, title in CASES:
            ours, git = load("%s-%s-gaitstore" % (transport, case)), load("%s-%s-git" % (transport, case))
            if not ours or not git:
                continue
            ratio = ours["mean"] / git["mean"]
            rows.append("| %s | %s | %.2f ± %.2f | %.2f ± %.2f | %.2fx | %s | %s | %s / %s |" % (
                transport, title, ours["mean"], ours["stddev"] or 0, git["mean"], git["stddev"] or 0, ratio,
                megabytes(ours, transport), megabytes(git, transport), ours["load"], git["load"]))
            if case.endswith("full"):
                goals.append("| %s %s within 1.5x of git | %.2fx | %s |" % (transport, case, ratio, verdict(ratio <= 1.5)))
            else:
                key = "bytes" if transport == "path" else "wire"
                byte_ratio = ours[key] / git[key] if git[key] else float("nan")
                goals.append("| %s %s no slower than git | %.2fx time, %.2fx bytes | %s |" % (
                    transport, case, ratio, byte_ratio, verdict(ratio <= 1.0)))

    print("| transport | case | gaitstore s | git s | time / git | gaitstore MB stored (sent) | git MB stored (sent) | load avg (ours / git) |")
    print("|---|---|---:|---:|---:|---:|---:|---|")
    print("\n".join(rows))
    print()
    print("| goal | measured | verdict |")
    print("|---|---|---|")
    print("\n".join(goals))


def megabytes(result, transport):
    """Stored bytes, and for network transports the bytes on the loopback wire."""
    stored = "%.1f" % (result["bytes"] / 1e6)
    return stored if transport == "path" else "%s (%.1f)" % (stored, result["wire"] / 1e6)


if __name__ == "__main__":
    main()
