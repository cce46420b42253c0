#!/usr/bin/env python3
"""Derives the PackSpec TCK's broken packs from a valid one, deterministically.

Test tooling only (never part of the product). Every output zip uses fixed timestamps and
sorted entries, so the TCK regenerates byte-identically.
"""
import hashlib
import json
import sys
import warnings
import zipfile

# A duplicate entry is the point of one vector; zipfile's warning about it is noise.
warnings.filterwarnings("ignore", message="Duplicate name")

FIXED = (1980, 1, 1, 0, 0, 0)


def read(path):
    with zipfile.ZipFile(path) as z:
        return [(i.filename, z.read(i.filename)) for i in z.infolist()]


def write(path, entries):
    with zipfile.ZipFile(path, "w", compression=zipfile.ZIP_DEFLATED, compresslevel=5) as z:
        for name, data in entries:
            info = zipfile.ZipInfo(name, date_time=FIXED)
            info.compress_type = zipfile.ZIP_DEFLATED
            info.external_attr = 0o100644 << 16
            z.writestr(info, data)


def canonical(value):
    # JCS for the ASCII-only manifests the TCK uses: sorted keys, no spaces, ints as ints.
    return json.dumps(value, sort_keys=True, separators=(",", ":"), ensure_ascii=False).encode()


def reseal(manifest):
    """Recomputes pack_id the way PackSpec does, so only the intended defect remains."""
    manifest = dict(manifest)
    manifest.pop("signatures", None)
    manifest["pack_id"] = ""
    manifest["pack_id"] = hashlib.sha256(canonical(manifest)).hexdigest()
    return manifest


def main():
    kind, src, dst = sys.argv[1], sys.argv[2], sys.argv[3]
    entries = read(src)
    names = [n for n, _ in entries]
    manifest = json.loads(dict(entries)["pack_manifest.json"])
    if kind == "tampered-hash":
        entries = [(n, d + b"\n" if n == "run_payload.json" else d) for n, d in entries]
    elif kind == "undeclared-file":
        entries = sorted(entries + [("extra.txt", b"not declared\n")])
    elif kind == "missing-file":
        entries = [(n, d) for n, d in entries if n != "run_payload.json"]
    elif kind == "schema-invalid":
        manifest["schema_id"] = "gait.pack.invalid"
        entries = [(n, canonical(manifest) if n == "pack_manifest.json" else d) for n, d in entries]
    elif kind == "unknown-field":
        manifest["extra_field"] = "surprise"
        entries = [(n, canonical(manifest) if n == "pack_manifest.json" else d) for n, d in entries]
    elif kind == "duplicate-entry":
        payload = dict(entries)["run_payload.json"]
        entries = entries + [("run_payload.json", payload)]
    elif kind == "traversal-entry":
        evil = b"escaped\n"
        manifest["contents"] = sorted(
            manifest["contents"] + [{"path": "../evil.txt", "sha256": hashlib.sha256(evil).hexdigest(), "type": "blob"}],
            key=lambda e: e["path"].encode())
        manifest = reseal(manifest)
        entries = sorted([(n, canonical(manifest) if n == "pack_manifest.json" else d) for n, d in entries]
                         + [("../evil.txt", evil)])
    else:
        sys.exit("unknown mutation: " + kind)
    assert names, "empty source"
    write(dst, entries)


if __name__ == "__main__":
    main()
