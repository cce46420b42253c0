#!/usr/bin/env bash
# The store against what a user would run instead (issue 3, performance), side by side in one run
# on the same files, warm cache:
#   - `gaitstore import` of the 200-pack Decision Gate corpus (one command, all paths) against
#     `git add -A && git commit` of the same files;
#   - store size after `gaitstore gc --grace-period 0` against `git gc`, `restic backup` and
#     `borg create` of the same files;
#   - one new (201st) pack into the 200-pack store against git add+commit of it in the 200-pack
#     repository, both after their gc;
#   - re-import of the unchanged corpus (must write nothing) against hashing every file with
#     `sha256sum` and with `openssl dgst -sha256` (SHA-NI), on one core and on two;
#   - `export` of the ~100 MB run pack of bench/packs.sh against Python's zipfile at level 5, from
#     the store as imported (loose objects) and again after `gaitstore gc` (packed);
#   - `ls`, `show` and `pack diff` with 10,000 packs in the catalog: in-process through
#     StoreBenchmarkTests (release build), then through the CLI on the store it leaves.
# Peak RSS of every measured command from /usr/bin/time. Prints a table; the figures and what
# they mean are in docs/performance.md.
#
#     bench/store.sh
#
# Environment knobs: CORPUS (a `gen_corpus.py --format dg-runpack` corpus; default
# bench/out/corpus, generated there if missing), RUNS (hyperfine runs of the full-corpus import
# and git add+commit, 3), SMALL_RUNS (runs of the one-pack import, re-import and export, 5),
# BACKUP_RUNS (restic and borg, 1), CLI_RUNS (ls/show/diff through the CLI, 10), CATALOG_PACKS
# (10000), LARGE_SIZE (payload bytes of the export run record, 100000000), QUIET_BUSY (wait until
# the CPUs are at most this % busy before each measurement, 10), QUIET_WAIT (give up waiting after
# this many seconds, 900), NOISE_MAX (repeat a measurement, up to ATTEMPTS times, while other
# processes took more than this % of the CPUs during it, 15: the kernel's write-back of what the
# measured command wrote and the preparation commands count as other processes, and take about
# 10% in the write-heavy groups on a quiet machine), ATTEMPTS (3), KEEP (1: leave the
# scratch stores under bench/out/store; default 0 removes them at the end), OUT (bench/out).
set -euo pipefail
cd "$(dirname "$0")/.."

OUT=${OUT:-bench/out}
RUNS=${RUNS:-3}
SMALL_RUNS=${SMALL_RUNS:-5}
BACKUP_RUNS=${BACKUP_RUNS:-1}
CLI_RUNS=${CLI_RUNS:-10}
CATALOG_PACKS=${CATALOG_PACKS:-10000}
LARGE_SIZE=${LARGE_SIZE:-100000000}
QUIET_BUSY=${QUIET_BUSY:-10}
QUIET_WAIT=${QUIET_WAIT:-900}
NOISE_MAX=${NOISE_MAX:-15}
ATTEMPTS=${ATTEMPTS:-3}
KEEP=${KEEP:-0}
mkdir -p "$OUT"
OUT=$(cd "$OUT" && pwd)
CORPUS=${CORPUS:-$OUT/corpus}
W=$OUT/store                   # everything this script makes
R=$W/results                   # hyperfine exports, RSS, sizes, conditions: what store_table.py reads
T=$W/tree                      # the corpus as a git work tree (hard links), imported by both tools
GS=$W/gaitstore                # the 200-pack store
RESTIC=$W/restic BORG=$W/borg E=$W/export C=$W/catalog

# log, ensure_package; hyperfine and GNU time installed when missing
. bench/lib.sh
ensure_package restic restic
ensure_package borg borgbackup
for tool in git unzip zipinfo sha256sum openssl python3; do ensure_package "$tool" "$tool"; done

# The interpreter itself: a version manager's shim (pyenv) would add its own start-up to every run.
PY=$(python3 -c 'import sys; print(sys.executable)')

release_build

# ---------------------------------------------------------------- corpus
mkdir -p "$W" "$R"
if [ ! -d "$CORPUS/packs" ]; then
  log "generating the corpus into $CORPUS"
  "$PY" ../shared/bench/gen_corpus.py --format dg-runpack --out "$CORPUS"
fi
mapfile -t PACK_DIRS < <(find "$CORPUS/packs" -mindepth 1 -maxdepth 1 -type d -name 'pack-*' | sort)
COUNT=${#PACK_DIRS[@]}
NEW_NAME=$(printf 'pack-%04d' "$COUNT")
# The pack that comes next: the same generator asked for one pack more (same seed and bases),
# of which only the last is kept.
NEW_STAMP="$(sha256sum <"$CORPUS/corpus.json") $(sha256sum <../shared/bench/gen_corpus.py)"
if [ "$(cat "$W/newpack.stamp" 2>/dev/null)" != "$NEW_STAMP" ]; then
  log "generating $NEW_NAME, the pack after the corpus"
  rm -rf "$W/newpack" "$W/corpus-next"
  args=$("$PY" -c 'import json, sys
p = json.load(open(sys.argv[1]))["params"]
skip = {"out", "packs", "zip", "no_dirs"}
flags = []
for k, v in p.items():
    if k in skip: continue
    flags += ["--" + k.replace("_", "-"), str(v)]
print(" ".join(flags))' "$CORPUS/corpus.json")
  # shellcheck disable=SC2086
  "$PY" ../shared/bench/gen_corpus.py $args --packs $((COUNT + 1)) --out "$W/corpus-next" >/dev/null
  mkdir -p "$W/newpack"
  mv "$W/corpus-next/packs/$NEW_NAME" "$W/newpack/"
  rm -rf "$W/corpus-next"
  echo "$NEW_STAMP" >"$W/newpack.stamp"
fi

# Both tools read the same inodes: a tree of hard links (a copy if the corpus is on another
# filesystem), so git's work tree can take the new pack without touching the corpus.
log "linking the corpus into $T"
rm -rf "$T"
mkdir -p "$T/packs"
cp -al "${PACK_DIRS[@]}" "$T/packs/" 2>/dev/null || cp -a "${PACK_DIRS[@]}" "$T/packs/"
TREE_PACKS=$(for d in "${PACK_DIRS[@]}"; do printf '%s ' "$T/packs/$(basename "$d")"; done)
find "$T/packs" -type f | sort >"$W/files.txt"

# ---------------------------------------------------------------- export input
# The ~100 MB run pack of bench/packs.sh: the same generator and size, recorded and built with
# the binary under test.
mkdir -p "$E"
stamp="size=$LARGE_SIZE gen=$(cat bench/gen_run_record.py ../shared/bench/gen_corpus.py | sha256sum)"
if [ "$(cat "$E/record.stamp" 2>/dev/null)" != "$stamp" ]; then
  log "generating the large run record"
  "$PY" bench/gen_run_record.py --out "$E/run_record.json" --size "$LARGE_SIZE"
  echo "$stamp" >"$E/record.stamp"
fi
rm -rf "$E/runpack" "$E/entries" "$E/store" "$E"/*.zip
"$BIN" run record --input "$E/run_record.json" --out-dir "$E/runpack" >/dev/null
"$BIN" pack build --type run --from "$(ls "$E"/runpack/*.zip)" --out "$E/pack.zip" >/dev/null
unzip -q "$E/pack.zip" -d "$E/entries"
"$BIN" init --store "$E/store" >/dev/null
EXPORT_ID=$("$BIN" import --store "$E/store" --json "$E/pack.zip" | "$PY" -c 'import json, sys; print(json.load(sys.stdin)["packs"][0]["id"])')
"$BIN" export --store "$E/store" "$EXPORT_ID" --out "$E/export.zip" >/dev/null
cmp -s "$E/pack.zip" "$E/export.zip" || { echo "export is not byte-identical to the pack gaitstore built" >&2; exit 1; }
"$PY" bench/zipfile_export.py "$E/entries" "$E/python.zip"
unzip -tq "$E/python.zip" >/dev/null
[ "$(zipinfo -1 "$E/python.zip")" = "$(zipinfo -1 "$E/export.zip")" ] \
  || { echo "Python's zip does not hold the same entries in the same order as the export" >&2; exit 1; }

# ---------------------------------------------------------------- measuring

# Measures a group of commands with hyperfine, each run under /usr/bin/time (peak RSS, appended
# to rss-<group>-<name>.txt; with RSS=0 the command runs bare, for millisecond latencies). The CPU
# time other processes took meanwhile (all busy time minus what hyperfine counted for our
# commands; preparation commands count as other) says whether the run was disturbed; a disturbed
# group is measured again, up to ATTEMPTS times, and the least disturbed run is kept.
#   bench GROUP RUNS WARMUP then NAME PREPARE COMMAND triples (PREPARE ':' for none;
#   COMMAND without double quotes, it runs under sh -c "...")
RSS=1
bench() {
  local group=$1 runs=$2 warmup=$3 args=()
  shift 3
  while [ $# -gt 0 ]; do
    local command=$3
    [ "$RSS" = 1 ] && command="/usr/bin/time -f %M -a -o $R/rss-$group-$1.txt sh -c \"$3\""
    args+=(-n "$1" --prepare "$2" "$command")
    shift 3
  done
  local attempt best=""
  for attempt in $(seq 1 "$ATTEMPTS"); do
    quiet
    local a b foreign
    a=$(cpu_jiffies)
    hyperfine --style basic --warmup "$warmup" --runs "$runs" --export-json "$R/$group.try$attempt.json" "${args[@]}" >&2
    b=$(cpu_jiffies)
    foreign=$("$PY" bench/cpu_share.py foreign "$a" "$b" "$R/$group.try$attempt.json" "$warmup")
    log "$group attempt $attempt: other processes took ${foreign}% of the CPUs (load $(cut -d' ' -f1-3 /proc/loadavg))"
    echo "$group attempt $attempt: other processes took ${foreign}% of the CPUs, load $(cut -d' ' -f1-3 /proc/loadavg)" >>"$R/conditions.txt"
    if [ -z "$best" ] || [ "$foreign" -lt "${best%% *}" ]; then best="$foreign $attempt"; fi
    [ "$foreign" -le "$NOISE_MAX" ] && break
  done
  cp "$R/$group.try${best##* }.json" "$R/$group.json"
  echo "$group kept attempt ${best##* } (${best%% *}% foreign)" >>"$R/conditions.txt"
}

size() { du -sb "$1" | cut -f1; }
objects() { git -C "$1" count-objects -v | tr '\n' ' '; }
record() { echo "$1=$2" >>"$R/sizes.txt"; }

rm -f "$R"/*
machine_info "$R/machine.txt" \
  "disk $(df -h "$W" | awk 'NR == 2 {print $1}')" \
  "swift $(swift_version), $(git --version), $(restic version | cut -d' ' -f1-2), $(borg --version), python $("$PY" -c 'import platform, zlib; print(platform.python_version(), "zlib", zlib.ZLIB_RUNTIME_VERSION)'), $(hyperfine --version)" \
  "corpus $CORPUS: $COUNT packs, $(wc -l <"$W/files.txt") files, $(size "$T/packs") bytes; new pack $NEW_NAME $(size "$W/newpack") bytes" \
  "export pack $(stat -c %s "$E/pack.zip") B zip, $(du -sb "$E/entries" | cut -f1) B unzipped" \
  "load at start $(cut -d' ' -f1-3 /proc/loadavg)"
record corpus_bytes "$(size "$T/packs")"
record corpus_files "$(wc -l <"$W/files.txt")"

log "warming the page cache"
xargs -d '\n' cat <"$W/files.txt" >/dev/null

# 1. The whole corpus into an empty store / an empty repository.
GIT_INIT="rm -rf $T/.git && git init -q $T && git -C $T config gc.auto 0 && git -C $T config maintenance.auto false && git -C $T config user.name bench && git -C $T config user.email bench@example"
bench import "$RUNS" 0 \
  gaitstore "rm -rf $GS && $BIN init --store $GS >/dev/null" "env GAITSTORE_DIR=$GS $BIN import $TREE_PACKS >/dev/null" \
  git-add-commit "$GIT_INIT" "git -C $T add -A && git -C $T commit -q -m corpus"
record gaitstore_after_import "$(size "$GS")"
record git_after_commit "$(size "$T/.git")"
echo "gaitstore $(objects "$GS")" >"$R/objects-after-import.txt"
echo "git $(objects "$T/.git")" >>"$R/objects-after-import.txt"

# 2. gc, once each and never repeated: a second run would start from a packed repository.
ATTEMPTS=1 bench gc 1 0 \
  gaitstore : "env GAITSTORE_DIR=$GS $BIN gc --grace-period 0 >/dev/null" \
  git-gc : "git -C $T gc -q"
record gaitstore_after_gc "$(size "$GS")"
record gaitstore_pack_after_gc "$(size "$GS/objects")"
record git_after_gc "$(size "$T/.git")"
record git_pack_after_gc "$(size "$T/.git/objects")"

# 3. The backup tools on the same files, each into a fresh repository.
export RESTIC_PASSWORD=gaitstore-bench BORG_BASE_DIR=$W/borg-home BORG_UNKNOWN_UNENCRYPTED_REPO_ACCESS_IS_OK=yes
bench backup "$BACKUP_RUNS" 0 \
  restic "rm -rf $RESTIC && restic init -q --repo $RESTIC" "restic -r $RESTIC backup -q --no-cache $T/packs" \
  borg "rm -rf $BORG $BORG_BASE_DIR && borg init -e none $BORG" "borg create $BORG::corpus $T/packs"
record restic "$(size "$RESTIC")"
record borg "$(size "$BORG")"

# 4. One new pack into the gc'd 200-pack store / repository. Before each run both are put back:
# the ref to its old commit, then whatever the last run wrote pruned.
cp -al "$W/newpack/$NEW_NAME" "$T/packs/" 2>/dev/null || cp -a "$W/newpack/$NEW_NAME" "$T/packs/"
GS_BASE=$(git -C "$GS" rev-parse refs/gaitstore/catalog)
GIT_BASE=$(git -C "$T" rev-parse HEAD)
GS_RESET="git -C $GS update-ref refs/gaitstore/catalog $GS_BASE && git -C $GS reflog expire --expire=now --all && git -C $GS prune --expire=now"
GIT_RESET="git -C $T reset -q $GIT_BASE && git -C $T reflog expire --expire=now --all && git -C $T prune --expire=now"
bench incremental "$SMALL_RUNS" 1 \
  gaitstore "$GS_RESET" "env GAITSTORE_DIR=$GS $BIN import $T/packs/$NEW_NAME >/dev/null" \
  git-add-commit "$GIT_RESET" "git -C $T add -A && git -C $T commit -q -m $NEW_NAME"
sh -c "$GS_RESET"
GAITSTORE_DIR=$GS "$BIN" import --json "$T/packs/$NEW_NAME" >"$R/incremental-import.json"

# 5. The unchanged corpus again: nothing may be written. The floor is hashing every file:
# coreutils' sha256sum has no SHA-NI code, openssl's has (as gaitstore's BoringSSL).
before="tip $(git -C "$GS" rev-parse refs/gaitstore/catalog) $(objects "$GS") bytes $(size "$GS")"
bench reimport "$SMALL_RUNS" 1 \
  gaitstore : "env GAITSTORE_DIR=$GS $BIN import $TREE_PACKS >/dev/null" \
  sha256sum : "xargs -d '\n' sha256sum <$W/files.txt >/dev/null" \
  sha256sum-2-cores : "xargs -d '\n' -P 2 -n 100 sha256sum <$W/files.txt >/dev/null" \
  openssl-sha256 : "xargs -d '\n' openssl dgst -sha256 <$W/files.txt >/dev/null" \
  openssl-sha256-2-cores : "xargs -d '\n' -P 2 -n 100 openssl dgst -sha256 <$W/files.txt >/dev/null"
after="tip $(git -C "$GS" rev-parse refs/gaitstore/catalog) $(objects "$GS") bytes $(size "$GS")"
{ echo "before $before"; echo "after  $after"; } >"$R/reimport-store.txt"
[ "$before" = "$after" ] && record reimport_unchanged 1 || record reimport_unchanged 0

# 6. Export of the large run pack against Python's zipfile at the same level.
bench export "$SMALL_RUNS" 1 \
  gaitstore "rm -f $E/export.zip" "$BIN export --store $E/store $EXPORT_ID --out $E/export.zip >/dev/null" \
  python-zipfile "rm -f $E/python.zip" "$PY bench/zipfile_export.py $E/entries $E/python.zip"
cmp -s "$E/pack.zip" "$E/export.zip" || { echo "the measured export differs from the pack" >&2; exit 1; }
# The same export once the store is packed: a blob stored whole in a pack streams from the pack
# file (82c3559), but a delta is still rebuilt whole by libgit2, so this shows whether memory
# follows the largest file.
"$BIN" gc --store "$E/store" --grace-period 0 >/dev/null
bench export-after-gc "$SMALL_RUNS" 1 \
  gaitstore "rm -f $E/export.zip" "$BIN export --store $E/store $EXPORT_ID --out $E/export.zip >/dev/null"
cmp -s "$E/pack.zip" "$E/export.zip" || { echo "the export after gc differs from the pack" >&2; exit 1; }

# 7. 10,000 packs in the catalog: in-process through the library (release build of the test; it
# times the store as imported, then after gc), then the same store, gc'd, through the CLI.
log "catalog of $CATALOG_PACKS packs (StoreBenchmarkTests, release build)"
rm -rf "$C"
quiet
echo "catalog test: load $(cut -d' ' -f1-3 /proc/loadavg) before" >>"$R/conditions.txt"
GAITSTORE_STORE_BENCH=1 GAITSTORE_STORE_BENCH_KEEP="$C" GAITSTORE_STORE_BENCH_PACKS="$CATALOG_PACKS" \
  swift test -c release -Xswiftc -enable-testing --scratch-path .build-reltest --filter StoreBenchmarkTests \
  >"$R/catalog-test.log" 2>&1 || { tail -30 "$R/catalog-test.log" >&2; exit 1; }
grep -q "Executed 1 test, with 0 failures" "$R/catalog-test.log" || { tail -30 "$R/catalog-test.log" >&2; exit 1; }
grep '^bench:' "$R/catalog-test.log" >"$R/catalog-inprocess.txt"
cat "$R/catalog-inprocess.txt" >&2
record catalog_store "$(size "$C/store")"
FIRST=$(sed -n 1p "$C/ids.txt") SECOND=$(sed -n 2p "$C/ids.txt")
RSS=0
bench cli-catalog "$CLI_RUNS" 2 \
  ls : "$BIN ls --store $C/store >/dev/null" \
  show : "$BIN show --store $C/store $FIRST >/dev/null" \
  show-prefix : "$BIN show --store $C/store ${FIRST:0:12} >/dev/null" \
  pack-diff : "$BIN pack diff --store $C/store $FIRST $SECOND >/dev/null; [ \$? = 2 ]"
RSS=1

"$PY" bench/store_table.py "$R" | tee "$R/table.md"
if [ "$KEEP" != 1 ]; then
  rm -rf "$GS" "$T" "$RESTIC" "$BORG" "$BORG_BASE_DIR" "$E/store" "$E/entries" "$E"/*.zip "$C"
fi
