#!/usr/bin/env bash
# Make sure the machine's Chromium (Debian's `chromium` package, no browser download) and
# CJK fonts are installed for the browser tests, and print the browser's path.
set -euo pipefail
if ! command -v chromium >/dev/null 2>&1 || ! fc-list 2>/dev/null | grep -qi "noto sans cjk"; then
  echo "installing Chromium and CJK fonts from Debian's packages" >&2
  apt-get update -qq >&2
  DEBIAN_FRONTEND=noninteractive apt-get install -y -qq chromium fonts-noto-cjk >&2
fi
command -v chromium
