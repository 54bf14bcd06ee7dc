#!/usr/bin/env bash
# Debian packages the tests need: espeak-ng and sox make speech audio, Chromium drives the browser tests.
set -euo pipefail
for bin in espeak-ng sox chromium chromedriver; do
  command -v "$bin" >/dev/null || { missing=1; break; }
done
[ -n "${missing:-}" ] || exit 0
SUDO=""; [ "$(id -u)" = 0 ] || SUDO="sudo"
$SUDO apt-get update -qq
DEBIAN_FRONTEND=noninteractive $SUDO apt-get install -y -qq espeak-ng sox chromium chromium-driver >/dev/null
