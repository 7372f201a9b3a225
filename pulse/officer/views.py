"""Entry point of the officer workspace: the areas the signed-in user may see."""
from __future__ import annotations

from flask import Blueprint, render_template

from ..auth.decorators import login_required
from ..auth.scope import scope_roots

bp = Blueprint("officer", __name__, url_prefix="/officer")


@bp.get("/")
@login_required
def index():
    return render_template("officer/index.html", roots=scope_roots())
