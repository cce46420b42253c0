#!/usr/bin/env bash
# gaitstore push and pull against git push and git clone/fetch of the same store repository, side
# by side over the same transports (issue 5, performance): a path, git:// (git daemon on
# 127.0.0.1) and ssh:// (sshd on 127.0.0.1 with throwaway keys). Full push to an empty bare
# remote and full pull into a fresh store, then the incremental push and pull of one new pack.
# Prints a table; the figures and what they mean are in docs/performance.md.
#
#     bench/sync.sh
#
# Environment knobs: BIN (binary under test; default: the release build of this tree),
# RUNS (hyperfine runs of each full push/pull, 3), INC_RUNS (incremental ones, 5),
# TRANSPORTS ("path git ssh"), CASES ("push-full pull-full push-inc pull-inc"),
# CORPUS (/work/corpus/dg-runpack: its packs/* make the store), GEN (the corpus generator, for the
# extra pack), QUIET_BUSY (wait until the CPUs are at most this % busy before each measurement,
# 25), QUIET_WAIT (give up waiting after this many seconds, 300), GIT_PORT (19418), SSH_PORT
# (19422), OUT (bench/out, git-ignored).
#
# The store is built once (init, import of every corpus pack, gc) and kept under OUT/sync until
# the corpus or the binary changes; delete OUT/sync/store-base to rebuild it anyway. Remotes keep every push as one pack
# (receive.unpackLimit=1) so that the bytes column compares packs with packs.
set -euo pipefail
cd "$(dirname "$0")/.."

RUNS=${RUNS:-3}
INC_RUNS=${INC_RUNS:-5}
TRANSPORTS=${TRANSPORTS:-"path git ssh"}
CASES=${CASES:-"push-full pull-full push-inc pull-inc"}
CORPUS=${CORPUS:-/work/corpus/dg-runpack}
GEN=${GEN:-../shared/bench/gen_corpus.py}
QUIET_BUSY=${QUIET_BUSY:-25}
QUIET_WAIT=${QUIET_WAIT:-300}
GIT_PORT=${GIT_PORT:-19418}
SSH_PORT=${SSH_PORT:-19422}
OUT=${OUT:-bench/out}
mkdir -p "$OUT/sync"
W=$(cd "$OUT/sync" && pwd)
R=$W/results SRV=$W/srv WORK=$W/work

# log, ensure_package; hyperfine and GNU time installed when missing
. bench/lib.sh
ensure_package /usr/sbin/sshd openssh-server
ensure_package python3 python3

if [ -z "${BIN:-}" ]; then release_build; fi
BIN=$(cd "$(dirname "$BIN")" && pwd)/$(basename "$BIN")

# ---------------------------------------------------------------- data
# The store: every corpus pack imported, then packed by gc, as a user's store looks after gc.
# Keyed on the binary too: what gc writes depends on the code (c2d0b78 shrank this store's pack
# from 370 MB to 220 MB), so a store made by another build is not the store under test.
stamp="corpus=$(sha256sum "$CORPUS/corpus.json" | cut -c1-16) packs=$(ls "$CORPUS/packs" | wc -l) bin=$(sha256sum "$BIN" | cut -c1-16)"
if [ "$(cat "$W/store-base.stamp" 2>/dev/null)" != "$stamp" ] || [ ! -d "$W/store-base" ]; then
  log "building the store from $CORPUS (import, then gc: minutes)"
  rm -rf "$W/store-base"
  "$BIN" --store "$W/store-base" init --principal bench-source@example >/dev/null
  "$BIN" --store "$W/store-base" import "$CORPUS"/packs/* | tail -1 >&2
  "$BIN" --store "$W/store-base" gc --grace-period 0 >/dev/null
  echo "$stamp" >"$W/store-base.stamp"
fi

# One more pack, as the corpus generator would make it next: pack 200 of a 201-pack corpus.
if [ ! -d "$W/extra/pack-0200" ]; then
  log "generating the extra pack"
  rm -rf "$W/gen" "$W/extra"
  python3 "$GEN" --format dg-runpack --packs 201 --out "$W/gen" >/dev/null
  mkdir -p "$W/extra"
  mv "$W/gen/packs/pack-0200" "$W/extra/"
  rm -rf "$W/gen"
fi

# The store after one more import: the new pack's objects are loose, as after any import.
rm -rf "$WORK" "$SRV" "$W/store-inc"
mkdir -p "$WORK" "$SRV" "$R"
cp -a "$W/store-base" "$W/store-inc"
"$BIN" --store "$W/store-inc" import "$W/extra/pack-0200" >/dev/null

empty_remote() {  # path: the command that makes it an empty bare repository keeping pushes as one pack
  echo "rm -rf $1 && git init -q --bare $1 && git -C $1 config receive.unpackLimit 1"
}
REFS='refs/gaitstore/*:refs/gaitstore/*'
# Remotes written by git itself: base.git holds the store, inc.git the store plus the new pack.
sh -c "$(empty_remote "$SRV/base.git")"
git -C "$W/store-base" push -q "$SRV/base.git" "$REFS"
cp -a "$SRV/base.git" "$SRV/inc.git"
git -C "$W/store-inc" push -q "$SRV/inc.git" "$REFS"

# ---------------------------------------------------------------- servers
PIDS=()
stop_servers() {
  local pid
  for pid in "${PIDS[@]}"; do kill "$pid" 2>/dev/null || true; done
}
trap stop_servers EXIT

git daemon --export-all --enable=receive-pack --base-path="$SRV" --reuseaddr --listen=127.0.0.1 \
  --port="$GIT_PORT" --detach --pid-file="$W/git-daemon.pid" "$SRV"
PIDS+=("$(cat "$W/git-daemon.pid")")

K=$W/ssh
mkdir -p "$K" /run/sshd
rm -f "$K"/host_key* "$K"/user_key* "$K/known_hosts" "$K/sshd.pid"
ssh-keygen -q -t ed25519 -N "" -f "$K/host_key"
ssh-keygen -q -t ed25519 -N "" -f "$K/user_key"
cp "$K/user_key.pub" "$K/authorized_keys"
cat >"$K/sshd_config" <<EOF
Port $SSH_PORT
ListenAddress 127.0.0.1
HostKey $K/host_key
AuthorizedKeysFile $K/authorized_keys
PasswordAuthentication no
KbdInteractiveAuthentication no
PermitRootLogin prohibit-password
StrictModes no
UsePAM no
PidFile $K/sshd.pid
EOF
/usr/sbin/sshd -f "$K/sshd_config" -E "$K/sshd.log"
for _ in $(seq 100); do [ -s "$K/sshd.pid" ] && break; sleep 0.05; done
PIDS+=("$(cat "$K/sshd.pid")")
for _ in $(seq 100); do
  ssh-keyscan -H -p "$SSH_PORT" 127.0.0.1 >"$K/known_hosts" 2>/dev/null </dev/null || true
  [ -s "$K/known_hosts" ] && break
  sleep 0.1
done
export GIT_SSH_COMMAND="ssh -i $K/user_key -o IdentitiesOnly=yes -o UserKnownHostsFile=$K/known_hosts -p $SSH_PORT"
export GAITSTORE_SSH_KEY=$K/user_key GAITSTORE_SSH_KNOWN_HOSTS=$K/known_hosts SSH_AUTH_SOCK=
for _ in $(seq 100); do git ls-remote "git://127.0.0.1:$GIT_PORT/base.git" >/dev/null 2>&1 && break; sleep 0.1; done

url() {  # transport, repository name under SRV
  case $1 in
    path) echo "$SRV/$2" ;;
    git) echo "git://127.0.0.1:$GIT_PORT/$2" ;;
    ssh) echo "ssh://$(id -un)@127.0.0.1:$SSH_PORT$SRV/$2" ;;
  esac
}
for t in $TRANSPORTS; do git ls-remote "$(url "$t" base.git)" >/dev/null; done

# ---------------------------------------------------------------- measuring

# One command, timed by hyperfine after PREPARE before every run. TARGET's growth in bytes
# (du -sb, apparent size) over the prepared state is what the command stored: for a push the
# remote's new pack, for a pull the local one (git's receiver completes a thin pack with the
# bases it lacks, so git's stored bytes exceed what it sent). The wire bytes per run, the CPU
# share other processes used just before, and the load average around the run go with them.
measure() {  # name, runs, prepare, command, target
  local name=$1 runs=$2 prepare=$3 command=$4 target=$5
  local busy load0 before after
  quiet
  busy=$QUIET_SHARE
  load0=$(cut -d' ' -f1 /proc/loadavg)
  sh -c "$prepare"
  before=$(du -sb "$target" 2>/dev/null | cut -f1 || echo 0)
  lo0=$(loopback_bytes)
  hyperfine --style basic --runs "$runs" --prepare "$prepare" --export-json "$R/$name.json" -n "$name" "$command" >&2
  lo1=$(loopback_bytes)
  after=$(du -sb "$target" | cut -f1)
  echo "$name bytes=$((after - before)) wire=$(((lo1 - lo0) / runs)) busy_before=$busy load=$load0..$(cut -d' ' -f1 /proc/loadavg)" >>"$R/conditions.txt"
}

# Bytes sent over the loopback interface so far: what git:// and ssh:// moved (ssh's framing and
# both directions included; anything else using 127.0.0.1 meanwhile too).
loopback_bytes() { awk -F'[: ]+' '$2 == "lo" { print $3 }' /proc/net/dev; }

rm -f "$R"/*
machine_info "$R/machine.txt" \
  "binary $BIN" \
  "$(git --version), libgit2 $(dpkg-query -W -f '${Version}' libgit2-1.5 2>/dev/null || echo '?'), $(ssh -V 2>&1), $(hyperfine --version)" \
  "store $(du -sb "$W/store-base" | cut -f1) B ($(git -C "$W/store-base" count-objects -v | tr '\n' ' '))" \
  "extra pack $(du -sb "$W/extra/pack-0200" | cut -f1) B raw; store-inc loose: $(git -C "$W/store-inc" count-objects -v | head -2 | tr '\n' ' ')"

G="$BIN --store"
for t in $TRANSPORTS; do
  clone_local=""
  [ "$t" = path ] && clone_local="--no-local"  # else git hard-links the objects instead of transferring them
  for c in $CASES; do
    log "$t: $c"
    case $c in
      push-full)
        measure "$t-push-full-gaitstore" "$RUNS" "$(empty_remote "$SRV/gs-$t.git")" \
          "$G $W/store-base push $(url "$t" "gs-$t.git") >/dev/null" "$SRV/gs-$t.git"
        measure "$t-push-full-git" "$RUNS" "$(empty_remote "$SRV/git-$t.git")" \
          "git -C $W/store-base push -q $(url "$t" "git-$t.git") '$REFS'" "$SRV/git-$t.git"
        ;;
      pull-full)
        measure "$t-pull-full-gaitstore" "$RUNS" \
          "rm -rf $WORK/dest-$t && $G $WORK/dest-$t init --principal dest@example >/dev/null && $G $WORK/dest-$t trust add bench-source@example $W/store-base/gaitstore_ed25519.pub >/dev/null" \
          "$G $WORK/dest-$t pull $(url "$t" base.git) >/dev/null" "$WORK/dest-$t"
        measure "$t-pull-full-git" "$RUNS" "rm -rf $WORK/clone-$t" \
          "git clone -q --mirror $clone_local $(url "$t" base.git) $WORK/clone-$t" "$WORK/clone-$t"
        ;;
      push-inc)
        measure "$t-push-inc-gaitstore" "$INC_RUNS" "rm -rf $SRV/gs-inc-$t.git && cp -a $SRV/base.git $SRV/gs-inc-$t.git" \
          "$G $W/store-inc push $(url "$t" "gs-inc-$t.git") >/dev/null" "$SRV/gs-inc-$t.git"
        measure "$t-push-inc-git" "$INC_RUNS" "rm -rf $SRV/git-inc-$t.git && cp -a $SRV/base.git $SRV/git-inc-$t.git" \
          "git -C $W/store-inc push -q $(url "$t" "git-inc-$t.git") '$REFS'" "$SRV/git-inc-$t.git"
        ;;
      pull-inc)
        # A store and a mirror that already hold the base, made once by the full commands.
        if [ ! -d "$WORK/dest-base" ]; then
          $G "$WORK/dest-base" init --principal dest@example >/dev/null
          $G "$WORK/dest-base" trust add bench-source@example "$W/store-base/gaitstore_ed25519.pub" >/dev/null
          $G "$WORK/dest-base" pull "$SRV/base.git" >/dev/null
          git clone -q --mirror --no-local "$SRV/base.git" "$WORK/clone-base"
          git -C "$WORK/clone-base" config fetch.unpackLimit 1
        fi
        measure "$t-pull-inc-gaitstore" "$INC_RUNS" "rm -rf $WORK/dest-inc && cp -a $WORK/dest-base $WORK/dest-inc" \
          "$G $WORK/dest-inc pull $(url "$t" inc.git) >/dev/null" "$WORK/dest-inc"
        measure "$t-pull-inc-git" "$INC_RUNS" "rm -rf $WORK/clone-inc && cp -a $WORK/clone-base $WORK/clone-inc" \
          "git -C $WORK/clone-inc fetch -q $(url "$t" inc.git) '+refs/*:refs/*'" "$WORK/clone-inc"
        ;;
    esac
  done
done

# ---------------------------------------------------------------- sanity
# What gaitstore moved is what git moved: same refs, and the remote and the pulled store pass fsck.
for t in $TRANSPORTS; do
  for c in $CASES; do
    case $c in
      push-full) a=$SRV/gs-$t.git b=$SRV/git-$t.git ;;
      push-inc) a=$SRV/gs-inc-$t.git b=$SRV/git-inc-$t.git ;;
      *) continue ;;
    esac
    [ "$(git -C "$a" for-each-ref)" = "$(git -C "$b" for-each-ref)" ] || { echo "$t $c: gaitstore and git pushed different refs" >&2; exit 1; }
    git -C "$a" fsck --strict --no-progress >/dev/null 2>&1 || { echo "$t $c: git fsck fails on the remote gaitstore pushed to" >&2; exit 1; }
  done
  if [ -d "$WORK/dest-$t" ]; then "$BIN" --store "$WORK/dest-$t" fsck >/dev/null; fi
done

python3 bench/sync_table.py "$R"
