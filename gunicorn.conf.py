"""gunicorn settings for production: `gunicorn -c gunicorn.conf.py wsgi:app`.

Every value can be overridden on the command line or with GUNICORN_CMD_ARGS.
"""
import multiprocessing
import os

bind = os.environ.get("PULSE_BIND", "127.0.0.1:8000")
workers = int(os.environ.get("PULSE_WORKERS", multiprocessing.cpu_count() * 2 + 1))
threads = int(os.environ.get("PULSE_THREADS", 2))
timeout = 30
graceful_timeout = 20
# Workers are recycled now and then so that a slow leak can never take a node down.
max_requests = 5000
max_requests_jitter = 500
# The application holds no module-level state that must be shared, and preloading would
# open database connections before forking; each worker builds its own app.
preload_app = False
forwarded_allow_ips = os.environ.get("PULSE_FORWARDED_ALLOW_IPS", "127.0.0.1")
# Access logs record path and status but never the client address or the query string,
# so that no raw IP or location reaches a log file.
accesslog = "-"
access_log_format = '%(t)s "%(m)s %(U)s" %(s)s %(B)s %(M)sms'
errorlog = "-"
loglevel = os.environ.get("PULSE_LOG_LEVEL", "info")
