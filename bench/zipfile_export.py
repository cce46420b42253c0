#!/usr/bin/env python3
"""What a user would script instead of `gaitstore export ID --out FILE`, with Python's zipfile.

    zipfile_export.py ENTRIES_DIR OUT.zip

Writes every file under ENTRIES_DIR (a pack unzipped) into a deterministic zip: entries in byte
order of path, fixed dates and modes, deflate at zlib level 5 as gaitstore's export. Streams in
1 MiB pieces, so memory stays bounded as in our export.
"""
import os
import sys
import zipfile

from zipfile_build import PIECE, info  # same level, dates and modes as the build baseline


def files(root):
    for directory, _, names in os.walk(root):
        for name in names:
            path = os.path.join(directory, name)
            yield os.path.relpath(path, root).replace(os.sep, "/"), path


def main():
    root, out = sys.argv[1:3]
    entries = sorted(files(root), key=lambda pair: pair[0].encode())
    with zipfile.ZipFile(out, "w") as z:
        for name, path in entries:
            with open(path, "rb") as src, z.open(info(name), "w") as dst:
                while piece := src.read(PIECE):
                    dst.write(piece)


if __name__ == "__main__":
    main()
