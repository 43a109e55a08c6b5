#!/usr/bin/env bash
# Installs what Kite needs beyond the Swift toolchain, only when it is missing.
# Safe to run repeatedly; used by Tools/kite, Tools/test and .ci/run.
set -euo pipefail

need=()
# libunwind: native backtraces for crash reports of the C dispatch core.
dpkg -s libunwind-dev >/dev/null 2>&1 || need+=(libunwind-dev)
command -v python3 >/dev/null 2>&1 || need+=(python3)

if [ ${#need[@]} -gt 0 ]; then
    echo "setup: installing ${need[*]}" >&2
    SUDO=""
    [ "$(id -u)" -ne 0 ] && SUDO="sudo"
    $SUDO apt-get update -qq
    DEBIAN_FRONTEND=noninteractive $SUDO apt-get install -y -qq "${need[@]}" >/dev/null
fi

command -v swift >/dev/null 2>&1 || { echo "setup: the Swift toolchain (6.0 or later) is required" >&2; exit 1; }
