#!/usr/bin/env bash
# What a user would script instead of `gaitstore pack build --type run`, with Info-ZIP:
#
#     zip_cli_build.sh RUNPACK.zip ENTRIES_DIR OUT.zip
#
# The same zip work as our build at the same level: unzip the runpack, `zip -X -5` its members
# (in central-directory order) into source/runpack.zip, sha256sum the pack's files (the manifest
# needs them), then `zip -X -5` the pack, with `-n :` so that zip deflates source/runpack.zip as
# our build does instead of storing it (its default for *.zip). -X drops extra fields (uid/gid,
# timestamps), as our deterministic writer does; file dates still come from the disk, so the
# bytes are not reproducible the way ours are.
set -euo pipefail
runpack=$(realpath "$1") entries=$(realpath "$2") out=$(realpath -m "$3")
work=$(mktemp -d "$(dirname "$out")/.zipcli.XXXXXX")
trap 'rm -rf "$work"' EXIT

mkdir -p "$work/runpack" "$work/pack/source"
unzip -q "$runpack" -d "$work/runpack"
members=$(zipinfo -1 "$runpack" | grep -v '/$')
(cd "$work/runpack" && sha256sum $members >/dev/null && zip -X -5 -q "$work/pack/source/runpack.zip" $members)
cp "$entries"/* "$work/pack/"
rm -f "$out"
(cd "$work/pack" && files=$(find . -type f -printf '%P\n' | LC_ALL=C sort) \
  && sha256sum $files >/dev/null && zip -X -5 -n : -q "$out" $files)
