#!/usr/bin/env bash
# Debian packages the tests use: Virtuoso (remote SPARQL store tests), Chromium
# (browser tests) and a Java runtime (HermiT, through owlready2, in `policykg check`). Idempotent: installs only what is missing. Needs root (CI is root).
# SETUP_SYSTEM_DRY_RUN=1 only prints what it would install (tests/test_setup_system.py).
set -euo pipefail
VIRTUOSO_INI=${VIRTUOSO_INI:-/etc/virtuoso-opensource-7/virtuoso.ini}
need=()
# all three pieces the tests use: the server, its SQL client and the packaged ini
if ! command -v virtuoso-t >/dev/null 2>&1 || ! command -v isql-vt >/dev/null 2>&1 \
   || [ ! -e "$VIRTUOSO_INI" ]; then
  need+=(virtuoso-opensource)
fi
[ -x /usr/bin/chromium ] || need+=(chromium)
[ -x /usr/bin/chromedriver ] || need+=(chromium-driver)
command -v java >/dev/null 2>&1 || need+=(default-jre-headless)
# a CJK font, so that the browser tests' screenshots show the Chinese text
[ -e /usr/share/fonts/truetype/wqy/wqy-microhei.ttc ] || need+=(fonts-wqy-microhei)
if [ ${#need[@]} -eq 0 ]; then
  exit 0
fi
if [ "${SETUP_SYSTEM_DRY_RUN:-}" = 1 ]; then
  echo "setup-system: would install ${need[*]}"
  exit 0
fi
if [ "$(id -u)" != 0 ]; then
  echo "setup-system: need root to apt-get install ${need[*]}" >&2
  exit 1
fi
export DEBIAN_FRONTEND=noninteractive
echo "setup-system: installing ${need[*]}"
apt-get update -q >/dev/null
apt-get install -y -q --no-install-recommends "${need[@]}" >/dev/null
