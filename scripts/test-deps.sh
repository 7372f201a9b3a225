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

# axe-core, for the accessibility checks in tests/browser/test_axe.py: pinned, from the npm
# registry, checked against the registry's published sha512, unpacked under tests/browser/vendor
# (not committed). A second run is a no-op; without npm the axe tests say why they skip.
AXE_VERSION=4.14.1
AXE_SHA512="FHfa+lmNjQZfJz1q8wKqIDwC6DExcHt/pkjNQb09a3NPjCKg2rhu5qb2S4r76ASyFNNtuFooJpZe37OgudVGtQ=="
AXE_DIR="$(dirname "$0")/../tests/browser/vendor/axe-core-$AXE_VERSION"
if [ ! -f "$AXE_DIR/axe.min.js" ] && command -v npm >/dev/null; then
  pack="$(mktemp -d)"
  if (cd "$pack" && timeout 300 npm pack --silent "axe-core@$AXE_VERSION" >/dev/null) \
      && [ "$(openssl dgst -sha512 -binary "$pack/axe-core-$AXE_VERSION.tgz" | base64 -w0)" = "$AXE_SHA512" ]; then
    mkdir -p "$AXE_DIR"
    tar -xzf "$pack/axe-core-$AXE_VERSION.tgz" -C "$AXE_DIR" --strip-components=1 \
      package/axe.min.js package/LICENSE package/package.json
    echo "test-deps: axe-core $AXE_VERSION unpacked for tests/browser/test_axe.py"
  else
    echo "test-deps: could not fetch axe-core $AXE_VERSION (or its checksum differs); the axe tests will skip" >&2
  fi
  rm -rf "$pack"
fi
