"""WSGI entry point for gunicorn: ``gunicorn -c gunicorn.conf.py wsgi:app``."""
from pulse import create_app
from pulse.config import ConfigurationError

try:
    app = create_app()
except ConfigurationError as err:
    # gunicorn prints an AppImportError's message alone and stops ("App failed to load"),
    # where any other exception gives a traceback per worker and then the master's own.
    from gunicorn.errors import AppImportError

    raise AppImportError(err.format_message()) from None
