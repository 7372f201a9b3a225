#!/usr/bin/env bash
# Create the demo database on first run, then serve the site on http://127.0.0.1:5000.
set -euo pipefail
cd "$(dirname "$0")/.."
export PULSE_DEMO=1
export FLASK_APP=pulse
BIN=.venv/bin
mkdir -p instance
"$BIN/flask" db upgrade
"$BIN/flask" instruments sync
if ! "$BIN/flask" demo status --quiet 2>/dev/null; then
  "$BIN/flask" demo seed
fi
echo "Neighbourhood Pulse demo: http://127.0.0.1:5000"
exec "$BIN/gunicorn" -c gunicorn.conf.py --bind 127.0.0.1:5000 --workers 1 --threads 4 wsgi:app
