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
