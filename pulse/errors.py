"""Error pages: every failure a resident can meet gets a plain explanation and a way on."""
from __future__ import annotations

import logging

from flask import Flask, jsonify, render_template, request
from flask_babel import gettext as _
from flask_wtf.csrf import CSRFError
from sqlalchemy.exc import OperationalError
from werkzeug.exceptions import HTTPException, RequestEntityTooLarge

from .extensions import db

log = logging.getLogger(__name__)


def _titles() -> dict[int, str]:
    return {
        400: _("Something in that request was not right"),
        403: _("You cannot do that"),
        404: _("Page not found"),
        405: _("That action is not allowed here"),
        409: _("Already done"),
        410: _("No longer available"),
        413: _("That was too much to send"),
        422: _("Please check your answers"),
        429: _("Too many attempts"),
        500: _("Something went wrong on our side"),
        503: _("Please try again in a moment"),
    }


def _default_detail(code: int) -> str:
    return {
        413: _("What you sent was larger than any survey answer could be. Please shorten it."),
        429: _("You have sent a lot in a short time. Please wait a few minutes and try again."),
        500: _("Nothing you did caused this. Please try again later."),
        503: _("The service is busy or briefly unavailable. Nothing you sent has been "
               "half-saved: please try again in a moment."),
    }.get(code, "")


def _wants_json() -> bool:
    return request.path.startswith("/api/") or request.accept_mimetypes.best == "application/json"


def render_error(code: int, detail: str | None = None):
    title = _titles().get(code, _("Something went wrong"))
    detail = detail or _default_detail(code)
    if _wants_json():
        return jsonify(error=title, detail=detail, status=code), code
    try:
        return render_template("errors/error.html", code=code, title=title, detail=detail), code
    except Exception:  # the page itself failed: still answer, plainly
        log.exception("error page failed to render")
        return f"{title}\n{detail}\n", code, {"Content-Type": "text/plain; charset=utf-8"}


def init_app(app: Flask) -> None:
    @app.errorhandler(HTTPException)
    def http_error(err: HTTPException):
        if isinstance(err, RequestEntityTooLarge):
            return render_error(413)
        detail = err.description if err.description and err.description != type(err).description else None
        return render_error(err.code or 500, detail)

    @app.errorhandler(CSRFError)
    def csrf_error(err: CSRFError):
        return render_error(400, _("This form has expired. Please go back, reload the page "
                                   "and send it again."))

    @app.errorhandler(OperationalError)
    def database_down(err: OperationalError):
        # The database dropped out: nothing was committed, so nothing is half-written.
        db.session.rollback()
        log.warning("database unavailable: %s", type(err.orig).__name__ if err.orig else "error")
        return render_error(503)

    @app.errorhandler(Exception)
    def unexpected(err: Exception):
        db.session.rollback()
        log.exception("unhandled error on %s %s", request.method, request.path)
        return render_error(500)
