"""What the bench/*_table.py scripts share: hyperfine exports, the per-group timing table, the
verdict column and the kept-attempt lines of conditions.txt.

    from bench_tables import hyperfine, group_table, verdict, print_kept
"""
import json
import os

OURS = "gaitstore"


def verdict(ok):
    return "met" if ok else "**missed**"


def hyperfine(directory, group):
    """{command name: hyperfine result} of <group>.json, or {} when it was not measured."""
    path = os.path.join(directory, group + ".json")
    if not os.path.exists(path):
        return {}
    return {r["command"]: r for r in json.load(open(path))["results"]}


def group_table(directory, groups, peak_rss_mb, seconds=lambda value: "%.3f" % value):
    """Prints one row per tool of every measured group (title, times, time against gaitstore's,
    peak RSS from peak_rss_mb(directory, group, tool), also kept in the result as "peak_rss_mb");
    returns {group: {tool: result}}."""
    results = {}
    print("| workload | tool | mean s | ± s | min s | user+sys s | time / gaitstore | peak RSS MB |")
    print("|---|---|---:|---:|---:|---:|---:|---:|")
    for group, title in groups:
        runs = hyperfine(directory, group)
        if not runs:
            continue
        results[group] = runs
        ours = runs[OURS]["mean"] if OURS in runs else None
        for tool, r in runs.items():
            rss = peak_rss_mb(directory, group, tool)
            r["peak_rss_mb"] = rss
            print("| %s | %s | %s | %s | %s | %.2f | %s | %s |" % (
                title, tool, seconds(r["mean"]), seconds(r["stddev"] or 0), seconds(r["min"]),
                r["user"] + r["system"], "%.2fx" % (r["mean"] / ours) if ours else "-",
                "%.1f" % rss if rss is not None else "-"))
    return results


def print_kept(directory, prefixes=(), blank_line=True):
    """Prints, as list items, the lines of conditions.txt saying which attempt of each group was
    kept, and those starting with one of prefixes; a blank line first unless blank_line is False.
    Nothing without the file."""
    path = os.path.join(directory, "conditions.txt")
    if not os.path.exists(path):
        return
    if blank_line:
        print()
    for line in open(path):
        if " kept " in line or any(line.startswith(p) for p in prefixes):
            print("- " + line.strip())
