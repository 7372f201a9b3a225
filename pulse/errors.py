"""Error pages: every failure a resident can meet gets a plain explanation and a way on."""
from __future__ import annotations

import logging

from flask import Flask, Response, current_app, jsonify, make_response, render_template, request
from flask_babel import gettext as _
from flask_wtf.csrf import CSRFError
from sqlalchemy.exc import DBAPIError, InterfaceError, OperationalError
from sqlalchemy.exc import TimeoutError as PoolTimeout
from werkzeug.exceptions import HTTPException, RequestEntityTooLarge

from .api.problems import is_api_request, problem
from .database import STAFF_BLUEPRINTS
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
        415: _("That was not sent as a form"),
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


#: Seconds a client is asked to wait before retrying after the database dropped out.
RETRY_AFTER_SECONDS = 5


def render_error(code: int, detail: str | None = None,
                 back: tuple[str, str] | None = None) -> Response:
    """The error page; ``back`` is (address, words) of the page to go back to, when known."""
    if is_api_request():
        # The open-data API has one error format of its own (pulse/api/problems.py).
        return problem(code, detail or _default_detail(code))
    title = _titles().get(code, _("Something went wrong"))
    detail = detail or _default_detail(code)
    if _wants_json():
        return make_response(jsonify(error=title, detail=detail, status=code), code)
    try:
        page = render_template("errors/error.html", code=code, title=title, detail=detail,
                               back=back)
        return make_response(page, code)
    except Exception:  # the page itself failed: still answer, plainly
        log.exception("error page failed to render")
        return make_response(f"{title}\n{detail}\n", code,
                             {"Content-Type": "text/plain; charset=utf-8"})


def database_unavailable(err: Exception) -> bool:
    """Whether a database error means "down or busy" (retry later) rather than a bug."""
    if isinstance(err, (OperationalError, InterfaceError, PoolTimeout)):
        return True
    return isinstance(err, DBAPIError) and err.connection_invalidated


def init_app(app: Flask) -> None:
    @app.errorhandler(HTTPException)
    def http_error(err: HTTPException):
        if isinstance(err, RequestEntityTooLarge):
            return _too_large()
        if err.response is not None:
            # The page was made for this case where it arose (the survey's answers kept on
            # its submit limit, pulse/survey/views.py): that is the answer.
            return err.response
        detail = err.description if err.description and err.description != type(err).description else None
        if err.code == 429:
            # Flask-Limiter's description is the limit itself ("10 per 1 minute"): say why.
            detail = None
        response = render_error(err.code or 500, detail)
        # Keep what the exception says about the response, e.g. Allow on a 405.
        for name, value in err.get_headers():
            if name.lower() != "content-type":
                response.headers[name] = value
        return response

    @app.errorhandler(CSRFError)
    def csrf_error(err: CSRFError):
        return render_error(400, _("This form has expired. Please go back, reload the page "
                                   "and send it again."))

    @app.errorhandler(DBAPIError)
    @app.errorhandler(PoolTimeout)
    def database_error(err: Exception):
        if not database_unavailable(err):
            return unexpected(err)
        # The database dropped out or is locked: the transaction is rolled back whole, so
        # nothing is half-written and sending again is safe. Only the error's class is logged:
        # the statement's parameters may hold a resident's answers.
        _rollback()
        orig = getattr(err, "orig", None)
        log.warning("database unavailable: %s", type(orig or err).__name__)
        response = render_error(503)
        response.headers["Retry-After"] = str(RETRY_AFTER_SECONDS)
        return response

    @app.errorhandler(Exception)
    def unexpected(err: Exception):
        _rollback()
        # Safe to log with the traceback: the engine hides statement parameters (config.py).
        log.exception("unhandled %s on %s %s", type(err).__name__, request.method, request.path)
        return render_error(500)


def _too_large() -> Response:
    if request.blueprint not in STAFF_BLUEPRINTS:
        return render_error(413)
    # Refused before a byte of it was read: the form cannot be shown again with what was
    # typed, so say so, and lead back to the form's page where the view names it.
    view = current_app.view_functions.get(request.endpoint or "")
    back_to = getattr(view, "pulse_back", None)
    address = back_to(request.view_args or {}) if back_to else None
    back = (address, _("Back to the form")) if address else None
    return render_error(413, _("What you sent was larger than this form takes, so nothing was "
                               "saved. Please go back and shorten the longest text."), back)


def _rollback() -> None:
    try:
        db.session.rollback()
    except Exception:  # a dead connection cannot even roll back; the pool discards it
        log.warning("rollback after an error failed")
