#!/usr/bin/env python3
"""Prints packs.sh's results as a Markdown table, then each goal of issue 2 as met or missed.

    table.py RESULTS_DIR      # hyperfine exports <group>.json, /usr/bin/time -v rss-<group>-<tool>.txt
"""
import os
import re
import sys

from bench_tables import OURS, group_table, print_kept, verdict

GROUPS = [("large-build", "build, large run pack"), ("large-verify", "verify, large run pack"),
          ("small-build", "build, small packs (loop)"), ("small-verify", "verify, small packs (loop)")]
STATIC = "gaitstore-static"
RSS_LIMIT_MB = 64


def peak_rss_mb(directory, group, tool):
    try:
        text = open(os.path.join(directory, "rss-%s-%s.txt" % (group, tool))).read()
    except FileNotFoundError:
        return None
    kib = int(re.search(r"Maximum resident set size \(kbytes\): (\d+)", text).group(1))
    return kib * 1024 / 1e6


def main():
    directory = sys.argv[1]
    results = group_table(directory, GROUPS, peak_rss_mb)

    print()
    print("| goal | gaitstore | verdict | gaitstore-static |")
    print("|---|---|---|---|")

    def static(group, measure):
        runs = results.get(group, {})
        return measure(runs[STATIC]) if STATIC in runs else "-"

    for group, floor in [("large-verify", "sha256sum+unzip"), ("small-verify", "sha256sum+unzip")]:
        if group in results:
            other = results[group][floor]["mean"]
            ours = results[group][OURS]["mean"]
            print("| %s: verify at least as fast as %s (%.3f s) | %.3f s (%.2fx) | %s | %s |"
                  % (group, floor, other, ours, other / ours, verdict(ours <= other),
                     static(group, lambda r: "%.3f s (%.2fx)" % (r["mean"], other / r["mean"]))))
    if "gaitstore-many" in results.get("small-verify", {}):
        ours = results["small-verify"]["gaitstore-many"]["mean"]
        for floor in ["sha256sum+unzip", "sha256sum+unzip-many"]:
            other = results["small-verify"][floor]["mean"]
            print("| small-verify, one process (pack verify FILE...): at least as fast as %s (%.3f s) | %.3f s (%.2fx) | %s | - |"
                  % (floor, other, ours, other / ours, verdict(ours <= other)))
    for group in ["large-build", "small-build"]:
        if group in results:
            py = results[group]["python-zipfile"]["mean"]
            ours = results[group][OURS]["mean"]
            print("| %s: build at least 1.5x faster than Python zipfile at level 5 (%.3f s) | %.3f s (%.2fx) | %s | %s |"
                  % (group, py, ours, py / ours, verdict(py / ours >= 1.5),
                     static(group, lambda r: "%.3f s (%.2fx)" % (r["mean"], py / r["mean"]))))
    for group in ["large-build", "large-verify"]:
        if group in results and results[group][OURS]["peak_rss_mb"] is not None:
            rss = results[group][OURS]["peak_rss_mb"]
            print("| %s: peak RSS under %d MB | %.1f MB | %s | %s |"
                  % (group, RSS_LIMIT_MB, rss, verdict(rss < RSS_LIMIT_MB),
                     static(group, lambda r: "%.1f MB" % r["peak_rss_mb"] if r["peak_rss_mb"] else "-")))

    print_kept(directory)

if __name__ == "__main__":
    main()
