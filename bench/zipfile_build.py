#!/usr/bin/env python3
"""What a user would script instead of `gaitstore pack build --type run`, with Python's zipfile.

    zipfile_build.py RUNPACK.zip ENTRIES_DIR OUT.zip

Does the same zip work as our build, at the same zlib level (5): inflates every runpack member
(checking it against the runpack manifest's SHA-256), deflates it into a deterministic
`source/runpack.zip` (fixed dates and modes, central-directory order), hashes that zip, then
deflates it with the pack's other entries (ENTRIES_DIR: run_payload.json, pack_manifest.json, ...,
taken from our own build so both tools write the same entries) into OUT.zip. It does not compute
gait's manifest or proof records; those are a few KiB of JSON and cost nothing next to the zip work.
Everything streams in 1 MiB pieces, so memory stays bounded as in our build.
"""
import hashlib
import json
import os
import sys
import tempfile
import zipfile

LEVEL = 5
PIECE = 1 << 20
DATE = (1980, 1, 1, 0, 0, 0)


def info(name):
    zi = zipfile.ZipInfo(name, DATE)
    zi.compress_type = zipfile.ZIP_DEFLATED
    zi.create_system = 3
    zi.external_attr = 0o100644 << 16
    # Python 3.13 made the level public; before, ZipFile.open(zinfo, "w") reads the private field.
    if hasattr(zi, "compress_level"):
        zi.compress_level = LEVEL
    else:
        zi._compresslevel = LEVEL
    return zi


def copy(src, dst, hasher=None):
    while True:
        piece = src.read(PIECE)
        if not piece:
            return
        if hasher:
            hasher.update(piece)
        dst.write(piece)


def rezip_runpack(runpack, out):
    with zipfile.ZipFile(runpack) as src, zipfile.ZipFile(out, "w") as dst:
        declared = {f["path"]: f["sha256"] for f in json.loads(src.read("manifest.json"))["files"]}
        for member in src.infolist():
            if member.is_dir():
                continue
            h = hashlib.sha256()
            with src.open(member) as i, dst.open(info(member.filename), "w") as o:
                copy(i, o, h)
            if member.filename in declared and h.hexdigest() != declared[member.filename]:
                sys.exit("runpack hash mismatch: " + member.filename)


def sha256_file(path):
    h = hashlib.sha256()
    with open(path, "rb") as f:
        while piece := f.read(PIECE):
            h.update(piece)
    return h.hexdigest()


def main():
    runpack, entries_dir, out = sys.argv[1:4]
    with tempfile.NamedTemporaryFile(dir=os.path.dirname(os.path.abspath(out)), suffix=".zip") as inner:
        rezip_runpack(runpack, inner.name)
        sha256_file(inner.name)
        names = sorted(os.listdir(entries_dir))
        with zipfile.ZipFile(out, "w") as pack:
            entries = [("source/runpack.zip", inner.name)] + [(n, os.path.join(entries_dir, n)) for n in names]
            for name, path in sorted(entries):
                h = hashlib.sha256()
                with open(path, "rb") as i, pack.open(info(name), "w") as o:
                    copy(i, o, h)


if __name__ == "__main__":
    main()
