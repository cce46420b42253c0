# Shared by the bench/*.sh scripts, sourced from the repository root.

log() { printf '== %s\n' "$*" >&2; }

# Installs a Debian package when its command is missing: ensure_package COMMAND PACKAGE.
ensure_package() {
  command -v "$1" >/dev/null 2>&1 && return
  log "installing $2"
  local sudo=""
  [ "$(id -u)" -ne 0 ] && sudo=sudo
  $sudo apt-get update -qq
  DEBIAN_FRONTEND=noninteractive $sudo apt-get install -y -qq "$2" >/dev/null
}
ensure_package hyperfine hyperfine
ensure_package /usr/bin/time time

cpu_jiffies() { head -1 /proc/stat; }

# Waits until the CPUs have been at most QUIET_BUSY % busy over 5 s, or QUIET_WAIT seconds have
# gone by (other work on the machine skews every figure); pauses PAUSE seconds (default 25)
# between looks. The last share seen is left in QUIET_SHARE.
quiet() {
  local pause=${1:-25} waited=0 a b
  while :; do
    a=$(cpu_jiffies); sleep 5; b=$(cpu_jiffies)
    QUIET_SHARE=$(python3 bench/cpu_share.py busy "$a" "$b")
    if [ "$QUIET_SHARE" -le "$QUIET_BUSY" ] || [ "$waited" -ge "$QUIET_WAIT" ]; then break; fi
    log "CPUs ${QUIET_SHARE}% busy, waiting"
    sleep "$pause"
    waited=$((waited + pause + 5))
  done
}

# Builds the CLI in release mode and sets BIN to it.
release_build() {
  log "release build"
  swift build -c release --product gaitstore >&2
  BIN=$(swift build -c release --show-bin-path)/gaitstore
}

# Writes what was measured on to FILE and shows it: the commit (and whether Sources differ from
# it), CPU, memory and kernel, then each further argument as a line of its own (tool versions,
# inputs: what each script adds).
machine_info() {  # file, lines...
  local file=$1 line
  shift
  {
    echo "commit $(git rev-parse --short HEAD)$(git diff --quiet HEAD -- Sources || echo ' (Sources modified)')"
    echo "cpu $(lscpu | sed -n 's/^Model name: *//p'), $(nproc) CPUs, sha_ni=$(grep -qw sha_ni /proc/cpuinfo && echo yes || echo no)"
    echo "memory $(free -m | awk '/^Mem:/ {print $2}') MiB, kernel $(uname -r)"
    for line in "$@"; do echo "$line"; done
  } >"$file"
  cat "$file" >&2
}

swift_version() { swift --version 2>&1 | sed -n 's/.*Swift version \([^ ]*\).*/\1/p' | head -1; }
