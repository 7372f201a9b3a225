#!/usr/bin/env bash
# Make sure the services and system packages the test suite needs are present.
set -euo pipefail

# PostgreSQL and Redis normally run before CI starts; start them if they are down.
if command -v pg_ctlcluster >/dev/null && ! pg_isready -h 127.0.0.1 -p 5432 -q 2>/dev/null; then
  pg_ctlcluster --skip-systemctl-redirect "$(ls /etc/postgresql)" main start || true
fi
if command -v redis-server >/dev/null && ! redis-cli -h 127.0.0.1 ping >/dev/null 2>&1; then
  redis-server --daemonize yes --bind 127.0.0.1 -::1 --port 6379 --save "" --appendonly no \
    --dir /var/lib/redis --logfile /var/log/redis/ci.log || true
fi

# The browser tests drive Debian's Chromium (Playwright never downloads a browser of its own).
# Installed only when missing, so a second run is a no-op; CI runs as root and can apt-get.
if [ ! -x /usr/bin/chromium ] && command -v apt-get >/dev/null; then
  if [ "$(id -u)" = 0 ]; then SUDO=""; elif command -v sudo >/dev/null; then SUDO="sudo -n"; else SUDO=none; fi
  if [ "$SUDO" != none ]; then
    echo "test-deps: installing chromium (for tests/browser)"
    log="$(mktemp)"
    # A failed index refresh is not fatal: the install below says whether chromium came.
    if ! { $SUDO apt-get update -qq || true; DEBIAN_FRONTEND=noninteractive $SUDO apt-get install -y -qq \
        --no-install-recommends chromium fonts-dejavu-core; } >"$log" 2>&1; then
      echo "test-deps: could not install chromium; the browser tests will say why they skip" >&2
      tail -n 5 "$log" >&2
    fi
    rm -f "$log"
  fi
fi
