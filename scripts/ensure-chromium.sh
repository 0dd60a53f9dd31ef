#!/usr/bin/env bash
# Makes sure the browser checks have a Chromium: CHROME_PATH, or one on PATH,
# or Debian's chromium installed with apt-get when we are root. The CJK font
# (fonts-noto-cjk) comes too: without it the Chinese UI renders as boxes in the
# screenshots of the reports.
set -euo pipefail

have_browser() {
  if [ -n "${CHROME_PATH:-}" ] && [ -x "${CHROME_PATH}" ]; then return 0; fi
  for b in chromium chromium-browser google-chrome google-chrome-stable; do
    if command -v "$b" >/dev/null 2>&1; then return 0; fi
  done
  return 1
}

have_cjk_font() {
  if command -v fc-list >/dev/null 2>&1; then
    fc-list :lang=zh family 2>/dev/null | grep -q . && return 0
  fi
  command -v dpkg-query >/dev/null 2>&1 &&
    dpkg-query -W -f='${Status}' fonts-noto-cjk 2>/dev/null | grep -q "install ok installed"
}

pkgs=()
have_browser || pkgs+=(chromium)
have_cjk_font || pkgs+=(fonts-noto-cjk)
if [ ${#pkgs[@]} -eq 0 ]; then exit 0; fi

if [ "$(id -u)" = 0 ] && command -v apt-get >/dev/null 2>&1; then
  echo "routecheck: installing ${pkgs[*]} for the browser checks"
  export DEBIAN_FRONTEND=noninteractive
  apt-get update -qq
  apt-get install -y -qq "${pkgs[@]}" >/dev/null
  exit 0
fi
if ! have_browser; then
  echo "routecheck: no Chromium found and not root; browser checks will skip (CI=true fails them)." >&2
  echo "  install one: sudo apt-get install chromium fonts-noto-cjk   (or set CHROME_PATH)" >&2
else
  echo "routecheck: no CJK font; screenshots will show boxes for Chinese text." >&2
  echo "  install one: sudo apt-get install fonts-noto-cjk" >&2
fi
