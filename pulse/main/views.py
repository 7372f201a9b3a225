"""Home, privacy notice, accessibility statement and health."""
from __future__ import annotations

from flask import Blueprint, jsonify, redirect, render_template, url_for
from sqlalchemy import text
from sqlalchemy.exc import SQLAlchemyError

from ..extensions import db, limiter
from .site import site

bp = Blueprint("main", __name__)


@bp.get("/")
def index():
    return redirect(url_for("survey.choose"))


@bp.app_context_processor
def _site() -> dict:
    """Every page can name the operator and state the configured promises."""
    return {"site": site}


@bp.get("/privacy")
def privacy():
    return render_template("main/privacy.html")


@bp.get("/accessibility")
def accessibility():
    return render_template("main/accessibility.html")


@bp.get("/healthz")
@limiter.exempt
def health():
    """Report whether the database answers; load balancers and uptime checks poll this."""
    try:
        db.session.execute(text("SELECT 1"))
        database = "ok"
    except SQLAlchemyError:
        db.session.rollback()
        database = "unreachable"
    status = 200 if database == "ok" else 503
    return jsonify(status="ok" if status == 200 else "degraded", database=database), status
