#!/usr/bin/env bash
# Installs the Debian packages the test suite needs (Chromium for Playwright, ffmpeg for test
# videos and ffprobe), only when missing. Needs root, as on CI and the dev machines.
set -euo pipefail
missing=()
command -v chromium >/dev/null 2>&1 || missing+=(chromium)
command -v ffprobe >/dev/null 2>&1 || missing+=(ffmpeg)
if [ ${#missing[@]} -gt 0 ]; then
  echo "Installing ${missing[*]} from Debian…"
  export DEBIAN_FRONTEND=noninteractive
  apt-get update -qq
  apt-get install -y -qq "${missing[@]}" >/dev/null
fi
