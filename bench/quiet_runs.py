#!/usr/bin/env python3
"""Times commands in alternation, one run at a time, and keeps only the runs during which other
processes took at most a given share of the CPUs. On a machine shared with other work, a group
of hyperfine runs is rarely quiet from start to end; single runs often are.

    quiet_runs.py [--keep N] [--max-foreign PCT] [--max-tries N] NAME=COMMAND...

Prints, per command, the mean, standard deviation and minimum wall time of the kept runs, their
mean user+system time, and how many runs were kept and thrown away.
"""
import argparse
import resource
import statistics
import subprocess
import time

from cpu_share import foreign_percent, stat_line  # the same share as the shell scripts' groups


def run_once(command):
    """Wall seconds, our CPU seconds, and the percent of all CPU time other processes took."""
    stat0 = stat_line()
    before = resource.getrusage(resource.RUSAGE_CHILDREN)
    start = time.monotonic()
    subprocess.run(command, shell=True, check=True, stdout=subprocess.DEVNULL)
    wall = time.monotonic() - start
    after = resource.getrusage(resource.RUSAGE_CHILDREN)
    stat1 = stat_line()
    ours = (after.ru_utime - before.ru_utime) + (after.ru_stime - before.ru_stime)
    return wall, ours, foreign_percent(stat0, stat1, ours)


def main():
    parser = argparse.ArgumentParser()
    parser.add_argument("--keep", type=int, default=10, help="quiet runs to keep per command")
    parser.add_argument("--max-foreign", type=float, default=5, help="percent of the CPUs others may take")
    parser.add_argument("--max-tries", type=int, default=60, help="give up after this many runs per command")
    parser.add_argument("commands", nargs="+", metavar="NAME=COMMAND")
    args = parser.parse_args()
    commands = [c.split("=", 1) for c in args.commands]
    kept = {name: [] for name, _ in commands}
    thrown = {name: 0 for name, _ in commands}
    for name, command in commands:  # warm-up: caches, page cache
        run_once(command)
    while any(len(kept[n]) < args.keep and len(kept[n]) + thrown[n] < args.max_tries for n, _ in commands):
        for name, command in commands:
            if len(kept[name]) >= args.keep or len(kept[name]) + thrown[name] >= args.max_tries:
                continue
            wall, ours, foreign = run_once(command)
            if foreign <= args.max_foreign:
                kept[name].append((wall, ours))
            else:
                thrown[name] += 1
    print("| command | mean s | ± s | min s | user+sys s | runs kept | runs thrown away |")
    print("|---|---:|---:|---:|---:|---:|---:|")
    for name, _ in commands:
        walls = [w for w, _ in kept[name]]
        if not walls:
            print("| %s | - | - | - | - | 0 | %d |" % (name, thrown[name]))
            continue
        print("| %s | %.3f | %.3f | %.3f | %.2f | %d | %d |" % (
            name, statistics.mean(walls), statistics.stdev(walls) if len(walls) > 1 else 0, min(walls),
            statistics.mean(o for _, o in kept[name]), len(walls), thrown[name]))


if __name__ == "__main__":
    main()
