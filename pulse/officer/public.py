""""You said, we did": what officers did about what residents told them, per neighbourhood."""
from __future__ import annotations

from flask import Blueprint, abort, render_template
from sqlalchemy import select

from ..auth.decorators import public
from ..extensions import db
from ..models import Area
from .priorities import public_actions

bp = Blueprint("yousaid", __name__)


@bp.get("/s/<code>/you-said-we-did")
@public
def page(code: str):
    area = db.session.scalar(select(Area).where(Area.code == code, Area.retired_at.is_(None)))
    if area is None:
        abort(404)
    return render_template("officer/you_said.html", area=area, actions=public_actions(area))


@bp.app_context_processor
def _you_said_helper() -> dict:
    """Lets the survey's thank-you page list public actions without the survey importing us."""
    return {"you_said_we_did": public_actions}
