#!/usr/bin/env bash
# Makes sure the browser checks have a Chromium: CHROME_PATH, or one on PATH,
# or Debian's chromium installed with apt-get when we are root.
set -euo pipefail
if [ -n "${CHROME_PATH:-}" ] && [ -x "${CHROME_PATH}" ]; then exit 0; fi
for b in chromium chromium-browser google-chrome google-chrome-stable; do
  if command -v "$b" >/dev/null 2>&1; then exit 0; fi
done
if [ "$(id -u)" = 0 ] && command -v apt-get >/dev/null 2>&1; then
  echo "routecheck: installing Debian's chromium for the browser checks"
  export DEBIAN_FRONTEND=noninteractive
  apt-get update -qq
  apt-get install -y -qq chromium >/dev/null
  exit 0
fi
echo "routecheck: no Chromium found and not root; browser checks will skip (CI=true fails them)." >&2
echo "  install one: sudo apt-get install chromium   (or set CHROME_PATH)" >&2
