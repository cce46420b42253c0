#!/usr/bin/env bash
# Installs what gaitstore needs on Debian 12 (Swift itself is expected on PATH) and builds it.
set -euo pipefail
SUDO=""
if [ "$(id -u)" -ne 0 ]; then SUDO="sudo"; fi
mapfile -t PACKAGES < "$(dirname "$0")/debian-packages"   # the one list, shared with .ci/run
missing=()
for p in "${PACKAGES[@]}"; do dpkg -s "$p" >/dev/null 2>&1 || missing+=("$p"); done
if [ ${#missing[@]} -gt 0 ]; then
  $SUDO apt-get update -qq
  DEBIAN_FRONTEND=noninteractive $SUDO apt-get install -y -qq "${missing[@]}"
fi
swift build
