#!/usr/bin/env python3
"""Makes variants of a valid pack that each change one JSON document, for schema-vs-verifier tests.

Usage: scripts/schema_mutate.py SRC_PACK CASES_JSON OUT_DIR

CASES_JSON is a list of {"name", "file", "line"?, "set"?: [[path, value]...], "delete"?: [path...],
"upper"?: [path...], "after_reseal"?: bool}; a path is a list of object keys and array indices.
For each case the named file of SRC_PACK (line `line` of a .jsonl file) is changed and re-encoded
canonically, its sha256 in the manifest updated and pack_id recomputed, so the only defect left is
the one the case introduces.
`after_reseal` changes the manifest after pack_id was recomputed (to test pack_id itself).
Writes OUT_DIR/<name>.zip and the changed document as OUT_DIR/<name>.json.

Test tooling only (never part of the product).
"""
import hashlib
import json
import os
import sys

sys.path.insert(0, os.path.dirname(os.path.abspath(__file__)))
from tck_mutate import canonical, read, write  # noqa: E402

MANIFEST = "pack_manifest.json"


def reseal(manifest):
    """pack_id over the manifest with pack_id blanked and signatures left out (packspec §5.2)."""
    hashed = {k: v for k, v in manifest.items() if k != "signatures"}
    hashed["pack_id"] = ""
    manifest["pack_id"] = hashlib.sha256(canonical(hashed)).hexdigest()


def parent(document, path):
    for key in path[:-1]:
        document = document[key]
    return document


def apply(document, case):
    for path, value in case.get("set", []):
        parent(document, path)[path[-1]] = value
    for path in case.get("delete", []):
        del parent(document, path)[path[-1]]
    for path in case.get("upper", []):
        parent(document, path)[path[-1]] = parent(document, path)[path[-1]].upper()


def mutate(entries, case):
    files = dict(entries)
    manifest = json.loads(files[MANIFEST])
    name = case["file"]
    if name == MANIFEST:
        if not case.get("after_reseal"):
            apply(manifest, case)
        reseal(manifest)
        if case.get("after_reseal"):
            apply(manifest, case)
        document = manifest
    else:
        if "line" in case:
            lines = files[name].split(b"\n")
            document = json.loads(lines[case["line"] - 1])
            apply(document, case)
            lines[case["line"] - 1] = canonical(document)
            files[name] = b"\n".join(lines)
        else:
            document = json.loads(files[name])
            apply(document, case)
            files[name] = canonical(document)
        for entry in manifest["contents"]:
            if entry["path"] == name:
                entry["sha256"] = hashlib.sha256(files[name]).hexdigest()
        reseal(manifest)
    files[MANIFEST] = canonical(manifest)
    return [(n, files[n]) for n, _ in entries], document


def main():
    src, cases_path, out = sys.argv[1], sys.argv[2], sys.argv[3]
    with open(cases_path) as f:
        cases = json.load(f)
    entries = read(src)
    os.makedirs(out, exist_ok=True)
    for case in cases:
        changed, document = mutate(entries, case)
        write(os.path.join(out, case["name"] + ".zip"), changed)
        with open(os.path.join(out, case["name"] + ".json"), "wb") as f:
            f.write(canonical(document))


if __name__ == "__main__":
    main()
