#!/usr/bin/env python3
"""Prints jobs.sh's results as Markdown tables, then each goal of issue 4 as met or missed.

    jobs_table.py RESULTS_DIR
        hyperfine exports cli-*.json, the XCTest's inprocess-*.json, cli-lost-races.txt,
        perf-trace-cli-1w.txt (optional), events.txt (events per CLI run)
"""
import glob
import json
import os
import re
import sys

from bench_tables import hyperfine, print_kept, verdict

BASELINE = "flock+fsync"
RATIO_GOAL = 3.0
STATUS_FLAT = 1.5  # status at the longest history within this factor of status at 100 events


def load(directory, name):
    path = os.path.join(directory, name)
    return json.load(open(path)) if os.path.exists(path) else None


def syscall_totals(path):
    """Sums perf trace -s's per-process tables: syscall -> (calls, total ms)."""
    totals = {}
    wall = None
    for line in open(path):
        m = re.match(r"\s+(\w+)\s+(\d+)\s+(\d+)\s+([\d.]+)\s", line)
        if m and m.group(1) not in ("wait4", "waitid"):  # parents waiting for their children
            calls, ms = totals.get(m.group(1), (0, 0.0))
            totals[m.group(1)] = (calls + int(m.group(2)), ms + float(m.group(4)))
        m = re.match(r"wall ([\d.]+) s", line)
        if m:
            wall = float(m.group(1))
    return totals, wall


def main():
    directory = sys.argv[1]
    events = int(open(os.path.join(directory, "events.txt")).read())
    lost = {}
    path = os.path.join(directory, "cli-lost-races.txt")
    if os.path.exists(path):
        for line in open(path):
            name, _, count = line.split()
            lost[name] = int(count)

    rows = []  # level, writers, tool, events/s, ms/event, p50, p99, CPU ms/event, lost
    for group, writers in [("cli-1w", 1), ("cli-4w", 4)]:
        for tool, r in hyperfine(directory, group).items():
            key = {"gaitstore": "gaitstore-%dw" % writers, "gaitstore-4-jobs": "gaitstore-4w4j"}.get(tool)
            rows.append(("cli", writers, tool, events / r["mean"], 1e3 * r["mean"] / events,
                         None, None, 1e3 * (r["user"] + r["system"]) / events, lost.get(key) if key else None))
    appends = load(directory, "inprocess-appends.json")
    for r in appends["rows"] if appends else []:
        tool = r["tool"] + ("-4-jobs" if r["jobs"] > 1 else "")
        rows.append(("in-process", r["writers"], tool, r["eventsPerSecond"], 1e3 / r["eventsPerSecond"],
                     r["p50Ms"], r["p99Ms"], r["cpuMsPerEvent"], r.get("lostRaces")))

    def rate(level, writers, tool):
        return next((row[3] for row in rows if row[:3] == (level, writers, tool)), None)

    print("| level | writers | tool | events/s | ms per event | p50 / p99 ms | CPU ms per event | flock+fsync / tool | lost races |")
    print("|---|---:|---|---:|---:|---:|---:|---:|---:|")
    for level, writers, tool, per_s, ms, p50, p99, cpu, races in rows:
        base = rate(level, writers, BASELINE)
        print("| %s | %d | %s | %.1f | %.2f | %s | %.2f | %s | %s |" % (
            level, writers, tool, per_s, ms, "%.2f / %.2f" % (p50, p99) if p50 is not None else "-", cpu,
            "%.2fx" % (base / per_s) if base else "-", races if races is not None else "-"))

    history = load(directory, "inprocess-history.json")
    print()
    print("| job | events | state B | status in-process ms | status CLI ms | inspect in-process ms"
          " | inspect CLI ms | inspect --verify in-process ms | append ms at this length |")
    print("|---|---:|---:|---:|---:|---:|---:|---:|---:|")
    for h in history["rows"] if history else []:
        cli = hyperfine(directory, "cli-read-%s-%d" % (h["shape"], h["events"]))
        print("| %s | %d | %d | %.2f | %s | %.1f | %s | %.1f | %.2f |" % (
            h["shape"], h["events"], h["stateBytes"], h["statusMs"],
            "%.1f" % (1e3 * cli["status"]["mean"]) if "status" in cli else "-", h["inspectMs"],
            "%.1f" % (1e3 * cli["inspect"]["mean"]) if "inspect" in cli else "-", h["verifyMs"], h["lastAppendsMs"]))

    print()
    print("| goal | measured | verdict |")
    print("|---|---|---|")

    for level in ["in-process", "cli"]:
        ours, base = rate(level, 1, "gaitstore"), rate(level, 1, BASELINE)
        if ours and base:
            print("| %s, 1 writer: appends within %.0fx of flock+fsync (%.1f events/s) | %.1f events/s, %.2fx slower | %s |"
                  % (level, RATIO_GOAL, base, ours, base / ours, verdict(base / ours <= RATIO_GOAL)))
    floor, base, ours = (rate("in-process", 1, tool) for tool in ["git-files", BASELINE, "gaitstore"])
    if floor and base and ours:
        print("| (not a goal) in-process, 1 writer, the floor: git's layout alone (each append's files and syncs,"
              " no CPU work) against flock+fsync | %.1f events/s, %.2fx slower; gaitstore takes %.2fx its time | reported |"
              % (floor, base / floor, floor / ours))
    for h_shape in ["pause-resume", "checkpoints"]:
        shape_rows = [h for h in (history["rows"] if history else []) if h["shape"] == h_shape]
        if len(shape_rows) >= 2:
            first, last = shape_rows[0], shape_rows[-1]
            ratio = last["statusMs"] / first["statusMs"]
            label = h_shape + (" job (gait's state holds every checkpoint)" if h_shape == "checkpoints" else " job")
            print("| %s: status at %d events within %.1fx of status at %d | %.2f ms vs %.2f ms (%.2fx; state %d B vs %d B) | %s |"
                  % (label, last["events"], STATUS_FLAT, first["events"], last["statusMs"], first["statusMs"], ratio,
                     last["stateBytes"], first["stateBytes"], verdict(ratio <= STATUS_FLAT)))

    print()
    startup = hyperfine(directory, "cli-startup")
    if startup:
        print("- fixed cost of a process: " + ", ".join(
            "%s %.1f ms" % ({"help": "`gaitstore --help`", "status": "`gaitstore job status` (2-event job)"}.get(name, name),
                            1e3 * r["mean"]) for name, r in startup.items()))
    if appends:
        print("- sync cost during the in-process appends (nothing of ours to write): syncfs %.2f ms before, %.2f ms after;"
              " fsync of a one-line append %.2f ms before, %.2f ms after"
              % (appends["floorBefore"]["syncfsMs"], appends["floorAfter"]["syncfsMs"],
                 appends["floorBefore"]["fsyncMs"], appends["floorAfter"]["fsyncMs"]))
    attempts = sorted(glob.glob(os.path.join(directory, "inprocess-appends.json.try*")))
    if len(attempts) > 1:
        print("- every in-process append attempt (1 writer, gaitstore against flock+fsync, and the sync cost):")
        for path in attempts:
            data = json.load(open(path))
            by_tool = {(r["tool"], r["writers"], r["jobs"]): r for r in data["rows"]}
            ours, base = by_tool[("gaitstore", 1, 1)], by_tool[(BASELINE, 1, 1)]
            floor = by_tool.get(("git-files", 1, 1))
            print("  - %s: %.1f vs %.1f events/s (%.2fx)%s; fsync %.2f / %.2f ms, syncfs %.2f / %.2f ms before / after"
                  % (path.rsplit(".", 1)[-1], ours["eventsPerSecond"], base["eventsPerSecond"],
                     base["eventsPerSecond"] / ours["eventsPerSecond"],
                     ", git-files %.1f" % floor["eventsPerSecond"] if floor else "", data["floorBefore"]["fsyncMs"],
                     data["floorAfter"]["fsyncMs"], data["floorBefore"]["syncfsMs"], data["floorAfter"]["syncfsMs"]))
    for group in ["cli-1w", "cli-4w"]:
        path = os.path.join(directory, group + ".sync")
        if os.path.exists(path):
            print("- sync cost around %s: %s" % (group, open(path).read().strip()))
    trace = os.path.join(directory, "perf-trace-cli-1w.txt")
    if os.path.exists(trace):
        totals, wall = syscall_totals(trace)
        if wall:
            per_event = 1e3 * wall / events
            print("- CLI append, 1 writer, under perf trace: %.1f ms per event, of which (syscall wall time per event):" % per_event)
            top = sorted(totals.items(), key=lambda kv: -kv[1][1])[:6]
            for name, (calls, ms) in top:
                print("  - %s: %.2f ms (%.0f%%, %.1f calls)" % (name, ms / events, 100 * ms / events / per_event, calls / events))
    print_kept(directory, blank_line=False)
    for label, data in [("in-process appends", appends), ("in-process history", history)]:
        if data:
            print("- %s: load average %s at the end" % (label, data["load"]))


if __name__ == "__main__":
    main()
