#!/usr/bin/env bash
# Create the demo database on first run, then serve the site on http://127.0.0.1:5000
# (PULSE_PORT chooses another port, e.g. when something else already listens on 5000).
set -euo pipefail
cd "$(dirname "$0")/.."
export PULSE_DEMO=1
export FLASK_APP=pulse
BIN=.venv/bin
PORT="${PULSE_PORT:-5000}"
mkdir -p instance
# The demo is simulated data with a generated secret: it is never served from, or seeded into,
# a database named by a DATABASE_URL left in the shell (a real deployment's, say).
if [ -n "${DATABASE_URL:-}" ]; then
  echo "make run serves the demo from instance/pulse.db, but DATABASE_URL is set in this shell." >&2
  echo "Unset it (unset DATABASE_URL) to run the demo; to serve your own database, see README, Deployment." >&2
  exit 2
fi
"$BIN/flask" db upgrade
"$BIN/flask" instruments sync
if ! "$BIN/flask" demo status --quiet 2>/dev/null; then
  "$BIN/flask" demo seed
fi
# Topics, topic shares and suggested priorities need a live text model, and the nightly
# retrain is hours away: the first model is trained now (about 20 s, once), which also
# classifies the simulated comments and counts the topic shares.
"$BIN/flask" text train --folds 2 --unless-live
# The scheduler runs in its own process beside the web server (never inside gunicorn's
# workers); its first tick aggregates the seeded responses. It stops when the demo stops.
"$BIN/flask" scheduler &
SCHEDULER=$!
echo "Neighbourhood Pulse demo: http://127.0.0.1:$PORT"
"$BIN/gunicorn" -c gunicorn.conf.py --bind "127.0.0.1:$PORT" --workers 1 --threads 4 wsgi:app &
WEB=$!
# `wait` returns on a signal (a foreground child would delay the trap until it exited).
trap 'kill "$SCHEDULER" "$WEB" 2>/dev/null || true; wait 2>/dev/null || true' EXIT
trap 'exit 130' INT TERM
wait "$WEB"
