"""gunicorn settings for production: `gunicorn -c gunicorn.conf.py wsgi:app`.

Every value can be overridden on the command line or with GUNICORN_CMD_ARGS; the PULSE_*
variables below are the usual knobs. See README.md, "Deployment".
"""
import logging
import multiprocessing
import os
import re

from gunicorn.glogging import Logger

bind = os.environ.get("PULSE_BIND", "127.0.0.1:8000")
workers = int(os.environ.get("PULSE_WORKERS", multiprocessing.cpu_count() * 2 + 1))
# One thread per worker: gunicorn's synchronous worker. The application is CPU-bound (a
# resident's submit is 6-8 ms of worker CPU), and on 2 cores the threaded worker
# (PULSE_THREADS=2) raised the submit's median p99 at 8 clients from 62 / 86 ms (SQLite /
# PostgreSQL) to 115 / 122 ms and cost about 0.5 ms more CPU per request on SQLite
# (bench/RESULTS.md): two threads of one process take turns on one interpreter lock. Concurrency comes from the number of workers. Pages
# and bodies are small enough for the socket buffers (64 KB body limit), so a slow phone
# does not hold a worker; put a buffering reverse proxy in front, as for any gunicorn
# deployment (README, "Deployment"), and raise PULSE_THREADS only to serve clients directly.
threads = int(os.environ.get("PULSE_THREADS", 1))
timeout = 30
graceful_timeout = 20
# Workers are recycled now and then so that a slow leak can never take a node down.
max_requests = 5000
max_requests_jitter = 500
# The application holds no module-level state that must be shared, and preloading would
# open database connections before forking; each worker builds its own app.
preload_app = False
# Only a proxy on these addresses may say the request came over HTTPS. The client address
# itself is taken from X-Forwarded-For by the app (PULSE_PROXY_HOPS), never by gunicorn.
forwarded_allow_ips = os.environ.get("PULSE_FORWARDED_ALLOW_IPS", "127.0.0.1")
# The heartbeat file lives in memory where there is memory to put it: a worker blocked on a
# slow disk would otherwise be killed as if it had hung.
if os.path.isdir("/dev/shm"):
    worker_tmp_dir = "/dev/shm"
proc_name = "pulse"
# gunicorn's control interface (gunicornc) is off: nothing here uses it, and its socket's
# default path (~/.gunicorn/gunicorn.ctl) is one per user, so a second server of the same
# user (the demo beside production, a test beside either) would take it over. Give it a path
# of this server's own with PULSE_CONTROL_SOCKET to turn it on.
control_socket = os.environ.get("PULSE_CONTROL_SOCKET", "")
control_socket_disable = not control_socket

# Access logs record method, path, status, size and time, never the client address, the
# query string, the referrer or the user agent: a query may carry a location (?lat=) or a
# search, and an address is personal data.
accesslog = os.environ.get("PULSE_ACCESS_LOG", "-")
access_log_format = '%(t)s "%(m)s %(U)s" %(s)s %(B)s %(M)sms'
errorlog = os.environ.get("PULSE_ERROR_LOG", "-")
loglevel = os.environ.get("PULSE_LOG_LEVEL", "info")

_CLIENT_IP = re.compile(r"ip=\S*?(?=: |$)")
_QUERY = re.compile(r"(/[^\s?'\"]*)\?[^\s'\"]*")
_CONTROL = re.compile(r"[\x00-\x1f\x7f]")


class _ScrubClientData(logging.Filter):
    """Remove what gunicorn's own messages can carry about a client: address and query.

    gunicorn logs "Invalid request from ip=..." for malformed requests and the full URI when
    a request fails; neither may reach a log file here.
    """

    def filter(self, record: logging.LogRecord) -> bool:
        message = record.getMessage()
        clean = _QUERY.sub(r"\1", _CLIENT_IP.sub("ip=-", message))
        if clean != message:
            record.msg, record.args = clean, None
        return True


class PrivateLogger(Logger):
    """gunicorn's logger with client data scrubbed from the error log and the access log."""

    def setup(self, cfg) -> None:
        super().setup(cfg)
        if not any(isinstance(f, _ScrubClientData) for f in self.error_log.filters):
            self.error_log.addFilter(_ScrubClientData())

    def atoms(self, resp, req, environ, request_time):
        atoms = super().atoms(resp, req, environ, request_time)
        # A decoded path can hold a newline (%0A): never let a request forge a log line.
        for key in ("U", "m"):
            if isinstance(atoms.get(key), str):
                atoms[key] = _CONTROL.sub("?", atoms[key])
        return atoms


logger_class = PrivateLogger


def when_ready(server) -> None:
    # In-memory rate limits count per worker process: with several workers and no Redis a
    # client gets N times the limit. Say so where the operator will see it.
    if server.cfg.workers > 1 and not os.environ.get("REDIS_URL"):
        server.log.warning(
            "%d workers and no REDIS_URL: rate limits are counted per worker. "
            "Set REDIS_URL so that every worker shares them.", server.cfg.workers)


def post_worker_init(worker) -> None:
    # Load the compiled safeguarding screen now, not inside the first resident's submit
    # (building it, if `make install` did not, imports scikit-learn and fits: seconds).
    from analysis.text.redact_words import english_words
    from analysis.text.safeguarding import fast_default_screen

    fast_default_screen()
    # The redactor's English word list too (65,000 words), read at the first cue in lower case.
    english_words()
