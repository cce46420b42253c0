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
