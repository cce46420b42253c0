#!/usr/bin/env python3
"""Prints store.sh's results as Markdown tables, then each goal of issue 3 as met or missed.

    store_table.py RESULTS_DIR

Reads hyperfine exports <group>.json, peak RSS files rss-<group>-<tool>.txt (one /usr/bin/time %M
line in KiB per run), sizes.txt (name=bytes lines), catalog-inprocess.txt (StoreBenchmarkTests'
`bench:` lines) and conditions.txt.
"""
import os
import re
import sys

from bench_tables import OURS, group_table, print_kept, verdict

GROUPS = [
    ("import", "import the corpus, empty store / repository"),
    ("gc", "gc after the import (one run)"),
    ("backup", "backup the corpus, fresh repository"),
    ("incremental", "import one new pack into the 200-pack store / repository"),
    ("reimport", "re-import the unchanged corpus / hash every file"),
    ("export", "export the ~100 MB run pack"),
    ("export-after-gc", "export the ~100 MB run pack, store after gc"),
    ("cli-catalog", "CLI, the 10,000-pack catalog"),
]


def peak_rss_mb(directory, group, tool):
    try:
        values = [int(v) for v in open(os.path.join(directory, "rss-%s-%s.txt" % (group, tool))).read().split()
                  if v.isdigit()]
    except FileNotFoundError:
        return None
    return max(values) * 1024 / 1e6 if values else None


def read_sizes(directory):
    sizes = {}
    for line in open(os.path.join(directory, "sizes.txt")):
        key, _, value = line.strip().partition("=")
        sizes[key] = int(value)
    return sizes


def inprocess(directory):
    """{operation: {median, p95, min}} in ms, from the test's bench: lines; an operation is named
    with its store state, as "diff of two stored packs (open store), after gc"."""
    out = {}
    path = os.path.join(directory, "catalog-inprocess.txt")
    if not os.path.exists(path):
        return out, []
    lines = [line.strip() for line in open(path)]
    for line in lines:
        m = re.match(r"bench: (.*?): median ([\d.]+) ms, p95 ([\d.]+) ms, min ([\d.]+) ms", line)
        if m:
            out[m.group(1)] = {"median": float(m.group(2)), "p95": float(m.group(3)), "min": float(m.group(4))}
    return out, lines


def seconds(value):
    return "%.3f" % value if value < 10 else "%.1f" % value


def main():
    directory = sys.argv[1]
    results = group_table(directory, GROUPS, peak_rss_mb, seconds)

    sizes = read_sizes(directory)
    mb = lambda key: sizes[key] / 1e6
    print()
    print("| storage (du -sb) | MB |")
    print("|---|---:|")
    for key, title in [("corpus_bytes", "corpus (%d files)" % sizes.get("corpus_files", 0)),
                       ("gaitstore_after_import", "gaitstore store after import"),
                       ("git_after_commit", "git repository after add+commit"),
                       ("gaitstore_after_gc", "gaitstore store after gc"),
                       ("git_after_gc", "git repository after gc"),
                       ("restic", "restic repository"), ("borg", "borg repository"),
                       ("catalog_store", "10,000-pack catalog store after gc")]:
        if key in sizes:
            print("| %s | %.1f |" % (title, mb(key)))

    timings, lines = inprocess(directory)
    if lines:
        print()
        print("In-process (StoreBenchmarkTests, release build):")
        print()
        for line in lines:
            print("- " + line[len("bench: "):])

    print()
    print("| goal | measured | verdict |")
    print("|---|---|---|")

    def ratio(group, other):
        r = results[group]
        return r[other]["mean"] / r[OURS]["mean"], r[OURS]["mean"], r[other]["mean"]

    if "import" in results:
        x, ours, git = ratio("import", "git-add-commit")
        print("| import the corpus at least 2x faster than git add+commit | %.2f s vs %.2f s: %.2fx | %s |"
              % (ours, git, x, verdict(x >= 2)))
    if "incremental" in results:
        x, ours, git = ratio("incremental", "git-add-commit")
        print("| one new pack within 1.3x of git add+commit of it | %.3f s vs %.3f s: %.2fx git's time | %s |"
              % (ours, git, 1 / x, verdict(ours <= 1.3 * git)))
    if "reimport" in results:
        r = results["reimport"]
        unchanged = sizes.get("reimport_unchanged") == 1
        print("| re-import of the unchanged corpus writes nothing | store tip, objects and bytes %s | %s |"
              % ("unchanged" if unchanged else "CHANGED", verdict(unchanged)))
        floor = "openssl-sha256" if "openssl-sha256" in r else "sha256sum"
        print("| ... and is bound by hashing (reported) | %.2f s; %s %.2f s (1 core), %.2f s (2 cores) | %.2fx the 1-core floor |"
              % (r[OURS]["mean"], floor, r[floor]["mean"], r[floor + "-2-cores"]["mean"],
                 r[OURS]["mean"] / r[floor]["mean"]))
    if "gaitstore_after_gc" in sizes and "git_after_gc" in sizes:
        ours, git = mb("gaitstore_after_gc"), mb("git_after_gc")
        print("| store after gc within 5%% of git gc's | %.1f MB vs %.1f MB: %+.1f%% | %s |"
              % (ours, git, 100 * (ours / git - 1), verdict(ours <= 1.05 * git)))
        if "restic" in sizes:
            print("| store after gc below restic's | %.1f MB vs %.1f MB | %s |"
                  % (ours, mb("restic"), verdict(ours < mb("restic"))))
    if "export" in results:
        x, ours, py = ratio("export", "python-zipfile")
        print("| export at least 1.5x faster than Python zipfile at level 5 | %.3f s vs %.3f s: %.2fx | %s |"
              % (ours, py, x, verdict(x >= 1.5)))
    states = [state for state in ("loose objects", "after gc") if any(k.endswith(", " + state) for k in timings)]

    def inproc(label, state):
        """The timing named `label, state` exactly; label is a regular expression (ls names its count)."""
        return next((v for k, v in timings.items() if re.fullmatch(label + ", " + re.escape(state), k)), None)

    # The open-store diff, not the "(fresh Store.open each)" line the test also prints.
    open_diff = re.escape("diff of two stored packs (open store)")
    diffs = [(state, inproc(open_diff, state)) for state in states]
    diffs = [(state, d) for state, d in diffs if d]
    if diffs:
        print("| diff of two stored packs under 1 ms in-process | %s | %s |"
              % ("; ".join("%s: median %.3f ms, p95 %.3f ms" % (state, d["median"], d["p95"]) for state, d in diffs),
                 verdict(all(d["median"] < 1 for _, d in diffs))))
    cli = results.get("cli-catalog", {})
    for name, label, command in [("ls", r"ls of \d+ packs", "ls"), ("show", re.escape("show by full id"), "show"),
                                 ("show by 12-character prefix", re.escape("show by 12-char prefix"), "show-prefix"),
                                 ("pack diff", open_diff, "pack-diff")]:
        measured = ["in-process %s %.2f ms" % (state, t["median"]) for state in states
                    for t in [inproc(label, state)] if t]
        if command in cli:
            measured.append("CLI (after gc) %.1f ms" % (1e3 * cli[command]["mean"]))
        if measured:
            print("| %s latency, 10,000 packs (reported) | %s | reported |" % (name, "; ".join(measured)))
    rss = [(g, t, peak_rss_mb(directory, g, t)) for g, t in [("import", OURS), ("gc", OURS), ("export", OURS),
                                                              ("export-after-gc", OURS), ("incremental", OURS),
                                                              ("reimport", OURS)]]
    print("| peak memory bounded (reported) | %s | reported |"
          % ", ".join("%s %.0f MB" % (g, v) for g, _, v in rss if v is not None))

    print_kept(directory, prefixes=("catalog",))


if __name__ == "__main__":
    main()
