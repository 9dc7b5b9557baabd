#!/usr/bin/env bash
# Installs what Obligations needs on a fresh machine: Tesseract with Russian and English
# (Debian/Ubuntu packages, when run as root; otherwise it says what to install), fonts for
# `obligations synth`, a virtual environment in .venv, and the package (EXTRAS: e.g. "test").
set -euo pipefail
cd "$(dirname "$0")/.."
PYTHON=${PYTHON:-python3}
EXTRAS=${EXTRAS:-}
PACKAGES=(tesseract-ocr tesseract-ocr-rus tesseract-ocr-eng tesseract-ocr-osd
          fonts-dejavu-core fonts-liberation fonts-freefont-ttf)

missing=()
if command -v dpkg-query >/dev/null 2>&1; then
  for p in "${PACKAGES[@]}"; do
    dpkg-query -W -f='${Status}' "$p" 2>/dev/null | grep -q "install ok installed" || missing+=("$p")
  done
fi
if ((${#missing[@]})); then
  if [ "$(id -u)" = 0 ] && command -v apt-get >/dev/null 2>&1; then
    echo "setup: installing ${missing[*]}"
    apt-get update -qq
    DEBIAN_FRONTEND=noninteractive apt-get install -y -qq --no-install-recommends "${missing[@]}" >/dev/null
  else
    echo "setup: missing system packages: ${missing[*]}" >&2
    echo "setup: install them with: sudo apt-get install ${missing[*]}" >&2
  fi
fi

if [ ! -x .venv/bin/python ]; then
  "$PYTHON" -m venv .venv || {
    echo "setup: could not create a virtual environment; on Debian/Ubuntu: apt-get install python3-venv" >&2
    exit 3
  }
fi
target="."
[ -n "$EXTRAS" ] && target=".[$EXTRAS]"
.venv/bin/python -m pip install -q --disable-pip-version-check -e "$target"
# An editable install compiles nothing (a regular one does): compile the package now, so that
# every command starts without compiling it (a tenth of a second each, more where
# PYTHONDONTWRITEBYTECODE is set and nothing is ever cached).
.venv/bin/python -m compileall -q obligations >/dev/null
