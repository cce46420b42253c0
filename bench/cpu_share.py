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
    values = [int(v) for v in line.split()[1:]]
    idle = values[3] + values[4]  # idle, iowait
    return sum(values), sum(values) - idle


def main():
    mode, before, after = sys.argv[1:4]
    total0, busy0 = jiffies(before)
    total1, busy1 = jiffies(after)
    total, busy = max(1, total1 - total0), busy1 - busy0
    hz = os.sysconf("SC_CLK_TCK")
    if mode == "busy":
        print(round(100 * busy / total))
        return
    if mode == "foreign-cpu":
        ours = float(sys.argv[4])
        print(max(0, round(100 * (busy / hz - ours) / (total / hz))))
        return
    warmup = int(sys.argv[5])
    ours = sum((r["user"] + r["system"]) * (len(r["times"]) + warmup)
               for r in json.load(open(sys.argv[4]))["results"])
    print(max(0, round(100 * (busy / hz - ours) / (total / hz))))


if __name__ == "__main__":
    main()
