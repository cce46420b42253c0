#!/usr/bin/env bash
# `pack build` and `pack verify` against what a user would script instead, side by side in one
# run (issue 2, performance): Python's zipfile and `zip -X -5` for build, `sha256sum` plus
# `unzip -tq` for verify, on one ~100 MB run pack and on 1,000 small ones. Prints a table; the
# figures and what they mean are in docs/performance.md.
#
#     bench/packs.sh
#
# Environment knobs: LARGE_SIZE (payload bytes of the large run record, default 100000000),
# SMALL_COUNT (1000), RUNS (hyperfine runs per large command, 10), SMALL_RUNS (3),
# STATIC (1: also measure a build linked with --static-swift-stdlib, as gaitstore-static),
# QUIET_BUSY (wait until the CPUs are at most this % busy before each measurement, 10),
# QUIET_WAIT (give up waiting after this many seconds, 900), NOISE_MAX (repeat a measurement,
# up to 3 times, while other processes took more than this % of the CPUs during it, 5),
# OUT (bench/out, git-ignored).
set -euo pipefail
cd "$(dirname "$0")/.."

LARGE_SIZE=${LARGE_SIZE:-100000000}
SMALL_COUNT=${SMALL_COUNT:-1000}
RUNS=${RUNS:-10}
SMALL_RUNS=${SMALL_RUNS:-3}
STATIC=${STATIC:-1}
QUIET_BUSY=${QUIET_BUSY:-10}
QUIET_WAIT=${QUIET_WAIT:-900}
NOISE_MAX=${NOISE_MAX:-5}
OUT=${OUT:-bench/out}
L=$OUT/large S=$OUT/small R=$OUT/results

# log, ensure_package; hyperfine and GNU time installed when missing
. bench/lib.sh
for tool in zip unzip zipinfo sha256sum python3; do ensure_package "$tool" "$tool"; done

# The interpreter itself: a version manager's shim (pyenv) would add its own start-up to every run.
PY=$(python3 -c 'import sys; print(sys.executable)')

release_build
if [ "$STATIC" = 1 ]; then
  # The same code with the Swift runtime and Foundation linked in: start-up without most of the
  # dynamic loader's work, which dominates small packs.
  swift build -c release --product gaitstore --static-swift-stdlib --scratch-path .build-static >&2
  BIN_STATIC=$(swift build -c release --static-swift-stdlib --scratch-path .build-static --show-bin-path)/gaitstore
fi

# ---------------------------------------------------------------- corpus
# Generated JSON is kept while the parameters are unchanged; everything made by gaitstore is
# rebuilt with the binary under test.
mkdir -p "$L" "$S" "$R"
stamp="size=$LARGE_SIZE count=$SMALL_COUNT gen=$(cat bench/gen_run_record.py ../shared/bench/gen_corpus.py | sha256sum)"
if [ "$(cat "$OUT/corpus.stamp" 2>/dev/null)" != "$stamp" ]; then
  log "generating run records"
  rm -rf "$L/run_record.json" "$S/records"
  "$PY" bench/gen_run_record.py --out "$L/run_record.json" --size "$LARGE_SIZE"
  "$PY" bench/gen_run_record.py --out-dir "$S/records" --count "$SMALL_COUNT"
  echo "$stamp" >"$OUT/corpus.stamp"
fi

log "recording runpacks and building packs with gaitstore"
rm -rf "$L/runpack" "$L/entries" "$S/runpacks" "$S/packs" "$S/entries" "$S/build-"*
"$BIN" run record --input "$L/run_record.json" --out-dir "$L/runpack" >/dev/null
RUNPACK=$L/runpack/runpack_run_bench_large.zip
"$BIN" pack build --type run --from "$RUNPACK" --out "$L/pack.zip" >/dev/null
# The pack's entries other than source/runpack.zip, so that the scripted builds write the same entries.
unzip -q "$L/pack.zip" -x 'source/*' -d "$L/entries"

seq -f '%04g' 0 $((SMALL_COUNT - 1)) >"$S/ids"
mkdir -p "$S/runpacks" "$S/packs" "$S/entries" "$S/build-ours" "$S/build-py" "$S/build-zip"
while read -r n; do
  "$BIN" run record --input "$S/records/run-$n.json" --out-dir "$S/runpacks" >/dev/null
  "$BIN" pack build --type run --from "$S/runpacks/runpack_run_small_$n.zip" --out "$S/packs/$n.zip" >/dev/null
  unzip -q "$S/packs/$n.zip" -x 'source/*' -d "$S/entries/$n"
done <"$S/ids"

# ---------------------------------------------------------------- sanity
log "checking outputs"
"$BIN" pack build --type run --from "$RUNPACK" --out "$L/pack-again.zip" >/dev/null
cmp -s "$L/pack.zip" "$L/pack-again.zip" || { echo "pack build is not deterministic" >&2; exit 1; }
rm -f "$L/pack-again.zip"
"$BIN" pack verify "$L/pack.zip" >/dev/null
"$BIN" pack verify "$S"/packs/*.zip >/dev/null || { echo "the small packs do not all verify" >&2; exit 1; }
if [ "$STATIC" = 1 ]; then
  "$BIN_STATIC" pack build --type run --from "$RUNPACK" --out "$L/pack-static.zip" >/dev/null
  cmp -s "$L/pack.zip" "$L/pack-static.zip" || { echo "the static build writes other bytes" >&2; exit 1; }
  rm -f "$L/pack-static.zip"
fi
"$PY" bench/zipfile_build.py "$RUNPACK" "$L/entries" "$L/build-py.zip"
bench/zip_cli_build.sh "$RUNPACK" "$L/entries" "$L/build-zip.zip"
for z in "$L/pack.zip" "$L/build-py.zip" "$L/build-zip.zip"; do
  unzip -tq "$z" >/dev/null
  [ "$(zipinfo -1 "$z" | LC_ALL=C sort)" = "$(zipinfo -1 "$L/pack.zip" | LC_ALL=C sort)" ] \
    || { echo "$z does not hold the same entries as our pack" >&2; exit 1; }
done

# ---------------------------------------------------------------- measuring

# Peak RSS: /usr/bin/time -v of the whole command; for loops and pipelines that is the largest
# single process, since the kernel keeps the maximum over waited-for children.
peak_rss() {  # name, command
  /usr/bin/time -v -o "$R/rss-$1.txt" sh -c "$2" >/dev/null
}

# Measures a group of commands with hyperfine. The CPU time other processes took meanwhile (all
# busy time minus what hyperfine counted for our commands) says whether the run was disturbed;
# a disturbed group is measured again, up to three times, and the least disturbed run is kept.
bench() {  # group, runs, then name/command pairs
  local group=$1 runs=$2 args=()
  shift 2
  while [ $# -gt 0 ]; do
    args+=(-n "$1" "$2")
    peak_rss "$group-$1" "$2"
    shift 2
  done
  local attempt best=""
  for attempt in 1 2 3; do
    quiet
    local a b foreign
    a=$(cpu_jiffies)
    hyperfine --style basic --warmup 1 --runs "$runs" --export-json "$R/$group.try$attempt.json" "${args[@]}" >&2
    b=$(cpu_jiffies)
    foreign=$("$PY" bench/cpu_share.py foreign "$a" "$b" "$R/$group.try$attempt.json" 1)
    echo "$group attempt $attempt: other processes took ${foreign}% of the CPUs" >>"$R/conditions.txt"
    log "$group attempt $attempt: other processes took ${foreign}% of the CPUs"
    if [ -z "$best" ] || [ "$foreign" -lt "${best%% *}" ]; then best="$foreign $attempt"; fi
    [ "$foreign" -le "$NOISE_MAX" ] && break
  done
  cp "$R/$group.try${best##* }.json" "$R/$group.json"
  echo "$group kept attempt ${best##* } (${best%% *}% foreign)" >>"$R/conditions.txt"
}

loop() {  # a command using $n, run once per small pack in one shell
  echo "for n in \$(cat $S/ids); do $1 >/dev/null || exit 1; done"
}

rm -f "$R"/*
machine_info "$R/machine.txt" \
  "swift $(swift_version), python $("$PY" -c 'import platform, zlib; print(platform.python_version(), "zlib", zlib.ZLIB_RUNTIME_VERSION)'), $(zip -v | sed -n 2p | cut -d, -f1), $(unzip -v | head -1 | cut -d' ' -f1-2), $(hyperfine --version)" \
  "large run record $(stat -c %s "$L/run_record.json") B, runpack $(stat -c %s "$RUNPACK") B, pack $(stat -c %s "$L/pack.zip") B" \
  "small run records $(cat "$S"/records/*.json | wc -c) B, runpacks $(cat "$S"/runpacks/*.zip | wc -c) B, packs $(cat "$S"/packs/*.zip | wc -c) B, $SMALL_COUNT each"

# name/command pairs per group; gaitstore-static only with STATIC=1
ours() {  # gaitstore subcommand and arguments, $n allowed; prints name/command pairs
  echo gaitstore; echo "$BIN $1"
  if [ "$STATIC" = 1 ]; then echo gaitstore-static; echo "$BIN_STATIC $1"; fi
}
small() {  # as ours, looped over the small packs
  echo gaitstore; loop "$BIN $1"
  if [ "$STATIC" = 1 ]; then echo gaitstore-static; loop "$BIN_STATIC $1"; fi
}
mapfile -t PAIRS < <(ours "pack build --type run --from $RUNPACK --out $L/build-ours.zip")
bench large-build "$RUNS" "${PAIRS[@]}" \
  python-zipfile "$PY bench/zipfile_build.py $RUNPACK $L/entries $L/build-py.zip" \
  zip-cli "bench/zip_cli_build.sh $RUNPACK $L/entries $L/build-zip.zip"

mapfile -t PAIRS < <(ours "pack verify $L/pack.zip")
bench large-verify "$RUNS" "${PAIRS[@]}" \
  sha256sum+unzip "sha256sum $L/pack.zip >/dev/null && unzip -tq $L/pack.zip"

mapfile -t PAIRS < <(small "pack build --type run --from $S/runpacks/runpack_run_small_\$n.zip --out $S/build-ours/\$n.zip")
bench small-build "$SMALL_RUNS" "${PAIRS[@]}" \
  python-zipfile "$(loop "$PY bench/zipfile_build.py $S/runpacks/runpack_run_small_\$n.zip $S/entries/\$n $S/build-py/\$n.zip")" \
  zip-cli "$(loop "bench/zip_cli_build.sh $S/runpacks/runpack_run_small_\$n.zip $S/entries/\$n $S/build-zip/\$n.zip")"

# Also every pack in one process (`pack verify FILE...`), against the tools batched the same way
# (one sha256sum, one unzip over a wildcard).
mapfile -t PAIRS < <(small "pack verify $S/packs/\$n.zip")
bench small-verify "$SMALL_RUNS" "${PAIRS[@]}" \
  gaitstore-many "$BIN pack verify $S/packs/*.zip" \
  sha256sum+unzip "$(loop "sha256sum $S/packs/\$n.zip >/dev/null && unzip -tq $S/packs/\$n.zip")" \
  sha256sum+unzip-many "sha256sum $S/packs/*.zip >/dev/null && unzip -tq '$S/packs/*.zip'"

"$PY" bench/table.py "$R" | tee "$R/table.md"
