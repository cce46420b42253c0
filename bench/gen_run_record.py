#!/usr/bin/env python3
"""Deterministic `gaitstore run record` inputs for the pack benchmarks.

A run record here is an agent run as gait records it: one intent per tool call (`args` holds the
call's arguments: file contents written, patches, code run, commands) and one result per intent
(`result` holds what came back: stdout, structured tool records, now and then a base64 screenshot).
Content comes from gen_corpus.py (Zipf prose, code-like lines, file paths, JSON agent records), so
it compresses like real evidence rather than like repeated or random bytes. `capture_mode` is
`raw`, otherwise `run record` drops args and results.

    gen_run_record.py --out big.json --size 100000000            # one ~100 MB run record
    gen_run_record.py --out-dir small/ --count 1000 \\
        --size-min 8000 --size-max 128000                        # 1,000 small run records

Each record's payload bytes (args plus results, as compact JSON) reach at least its target size;
with --count, targets are drawn log-uniformly from [--size-min, --size-max]. Everything is a pure
function of the arguments: rerunning gives byte-identical files.
"""
import argparse
import base64
import hashlib
import json
import math
import os
import random
import sys

# The shared corpus generator, used in place (../shared/bench beside the repository).
sys.path.insert(0, os.path.join(os.path.dirname(os.path.abspath(__file__)), "..", "..", "shared", "bench"))
import gen_corpus as corpus  # noqa: E402

CREATED_AT = "2026-02-14T00:00:00Z"
# One intent/result pair carries between these many payload bytes (log-uniform).
PAIR_MIN = 1_000
PAIR_MAX = 400_000
# Results usually outweigh their intents (tool output is longer than the call).
RESULT_SHARE = 0.65


def ts(r):
    return corpus.ts(r, 0).replace("2025-", "2026-")


def fill(r, target, piece):
    """Joins pieces from `piece(r)` until the text reaches `target` bytes."""
    parts, total = [], 0
    while total < target:
        p = piece(r)
        parts.append(p)
        total += len(p) + 1
    return "\n".join(parts)


def code(r):
    return corpus.code_block(r, r.randint(5, 40))


def prose(r):
    return corpus.words(r, r.randint(8, 40))


def shell_output(r):
    return code(r) if r.random() < 0.5 else prose(r)


def intent_args(r, tool, target):
    """Arguments as an agent would send them to `tool`, about `target` bytes."""
    path = corpus.path(r)
    if tool in ("write_file", "apply_patch"):
        key = "content" if tool == "write_file" else "patch"
        return {"path": path, key: fill(r, target, code)}
    if tool == "str_replace":
        return {"path": path, "old_str": fill(r, target // 2, code), "new_str": fill(r, target // 2, code)}
    if tool == "python":
        return {"code": fill(r, target, code), "timeout": r.choice([30, 60, 300])}
    if tool == "bash":
        script = fill(r, target, lambda q: r.choice(["pytest -q ", "grep -rn ", "swift build ", "cat "])
                      + corpus.path(q))
        return {"command": script, "timeout": r.choice([30, 60, 120, 600]), "cwd": "/workspace"}
    if tool in ("read_file", "list_dir", "git_diff", "run_tests"):
        return {"path": path, "recursive": r.random() < 0.3}
    return {"query": corpus.words(r, r.randint(3, 12)), "context": fill(r, target, prose),
            "max_results": r.choice([5, 10, 20])}


def result_payload(r, run_id, target, binary_frac):
    """What came back: stdout and, for larger results, the tool's structured records."""
    out = {"exit_code": r.choice([0, 0, 0, 0, 1, 2]), "duration_ms": r.randint(3, 90000)}
    stdout_target = target if target < 4000 else target // 2
    out["stdout"] = fill(r, stdout_target, shell_output)
    out["stderr"] = "" if r.random() < 0.8 else corpus.words(r, 12)
    if target >= 4000:
        records, total, recent = [], 0, []
        while total < target - stdout_target:
            rec = corpus.record(r, run_id, len(records), 0.0, recent)
            records.append(rec)
            total += len(json.dumps(rec, separators=(",", ":")))
        out["records"] = records
    if r.random() < binary_frac:
        n = r.randint(2000, 20000)
        out["attachment"] = {"mime": "image/png", "data_b64": base64.b64encode(r.randbytes(n)).decode()}
    out["truncated"] = r.random() < 0.05
    return out


def run_record(seed, run_id, size, binary_frac):
    """One run record (a dict) whose args and results add up to at least `size` bytes."""
    intents, results, receipts = [], [], []
    total, i = 0, 0
    while total < size:
        r = random.Random(corpus.seed_for(seed, run_id, "pair", i))
        pair = int(math.exp(r.uniform(math.log(PAIR_MIN), math.log(PAIR_MAX))))
        pair = min(pair, max(PAIR_MIN, size - total))
        tool = r.choice(corpus.TOOLS)
        intent_id = "intent_%05d" % i
        args = intent_args(r, tool, int(pair * (1 - RESULT_SHARE)))
        args_bytes = len(json.dumps(args, separators=(",", ":")))
        result = result_payload(r, run_id, max(PAIR_MIN // 2, pair - args_bytes), binary_frac)
        intents.append({"intent_id": intent_id, "tool_name": tool, "created_at": ts(r), "args": args})
        results.append({"intent_id": intent_id, "status": "ok" if result["exit_code"] == 0 else "error",
                        "created_at": ts(r), "result": result})
        if tool == "web_fetch":
            receipts.append(receipt(r, len(receipts), args))
        total += args_bytes + len(json.dumps(result, separators=(",", ":")))
        i += 1
    return {
        "run": {
            "schema_id": "gait.runpack.run",
            "schema_version": "1.0.0",
            "created_at": CREATED_AT,
            "producer_version": "0.0.0-dev",
            "run_id": run_id,
            "env": {"os": "linux", "arch": "amd64", "runtime": "go"},
            "timeline": [{"event": "run_started", "ts": CREATED_AT},
                         {"event": "run_finished", "ts": "2026-02-14T01:00:00Z"}],
        },
        "intents": intents,
        "results": results,
        "refs": {"receipts": receipts},
        "capture_mode": "raw",
    }


def receipt(r, n, args):
    """A context receipt for a fetch, as gait records retrieved sources (metadata only)."""
    return {
        "ref_id": "ref_%04d" % n,
        "source_type": "http",
        "source_locator": "https://docs.example.com/" + corpus.path(r),
        "query_digest": hashlib.sha256(args["query"].encode()).hexdigest(),
        "content_digest": hashlib.sha256(args["context"].encode()).hexdigest(),
        "retrieved_at": CREATED_AT,
        "redaction_mode": "metadata",
    }


def write(record, path):
    with open(path, "w") as f:
        json.dump(record, f, separators=(",", ":"))
        f.write("\n")


def main():
    ap = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    ap.add_argument("--out", help="one run record, written to this file")
    ap.add_argument("--out-dir", help="with --count: run-NNNN.json files in this directory")
    ap.add_argument("--count", type=int, default=0)
    ap.add_argument("--size", type=int, default=100_000_000, help="payload bytes of the one record (--out)")
    ap.add_argument("--size-min", type=int, default=8_000, help="with --count")
    ap.add_argument("--size-max", type=int, default=128_000, help="with --count")
    ap.add_argument("--seed", type=int, default=42)
    ap.add_argument("--binary-frac", type=float, default=0.02,
                    help="probability a result carries a base64 (incompressible) attachment")
    a = ap.parse_args()
    if bool(a.out) == bool(a.out_dir and a.count):
        ap.error("give either --out, or --out-dir with --count")

    if a.out:
        write(run_record(a.seed, "run_bench_large", a.size, a.binary_frac), a.out)
        print("%s: %d bytes" % (a.out, os.path.getsize(a.out)), file=sys.stderr)
        return
    os.makedirs(a.out_dir, exist_ok=True)
    total = 0
    for n in range(a.count):
        r = random.Random(corpus.seed_for(a.seed, "small", n))
        size = int(math.exp(r.uniform(math.log(a.size_min), math.log(a.size_max))))
        path = os.path.join(a.out_dir, "run-%04d.json" % n)
        write(run_record(a.seed, "run_small_%04d" % n, size, a.binary_frac), path)
        total += os.path.getsize(path)
    print("%s: %d records, %d bytes" % (a.out_dir, a.count, total), file=sys.stderr)


if __name__ == "__main__":
    main()
