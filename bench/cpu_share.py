#!/usr/bin/env python3
"""How busy the machine's CPUs were between two samples of the first line of /proc/stat.

    cpu_share.py busy "$(head -1 /proc/stat)" "$(head -1 /proc/stat)"
        percent of all CPU time that was busy
    cpu_share.py foreign BEFORE AFTER HYPERFINE.json WARMUP_RUNS
        percent of all CPU time that was busy but not spent in the benchmarked commands (their
        user + system time as hyperfine measured it): other processes disturbing the measurement
    cpu_share.py foreign-cpu BEFORE AFTER CPU_SECONDS
        the same for a measurement that took CPU_SECONDS of CPU itself (e.g. from /usr/bin/time)
"""
import json
import os
import sys


def jiffies(line):
    """(all, busy) jiffies of a /proc/stat cpu line."""
    values = [int(v) for v in line.split()[1:]]
    idle = values[3] + values[4]  # idle, iowait
    return sum(values), sum(values) - idle


def stat_line():
    """The first line of /proc/stat now: all CPUs together."""
    with open("/proc/stat") as f:
        return f.readline()


def elapsed(before, after):
    """(all, busy) jiffies between two /proc/stat cpu lines; all is at least 1."""
    total0, busy0 = jiffies(before)
    total1, busy1 = jiffies(after)
    return max(1, total1 - total0), busy1 - busy0


def foreign_percent(before, after, ours):
    """Percent of all CPU time between the two lines that was busy but not in the OURS CPU-seconds
    of the measured commands: other processes disturbing the measurement (not rounded)."""
    total, busy = elapsed(before, after)
    hz = os.sysconf("SC_CLK_TCK")
    return 100 * max(0.0, busy / hz - ours) / (total / hz)


def main():
    mode, before, after = sys.argv[1:4]
    if mode == "busy":
        total, busy = elapsed(before, after)
        print(round(100 * busy / total))
        return
    if mode == "foreign-cpu":
        print(round(foreign_percent(before, after, float(sys.argv[4]))))
        return
    warmup = int(sys.argv[5])
    ours = sum((r["user"] + r["system"]) * (len(r["times"]) + warmup)
               for r in json.load(open(sys.argv[4]))["results"])
    print(round(foreign_percent(before, after, ours)))


if __name__ == "__main__":
    main()
