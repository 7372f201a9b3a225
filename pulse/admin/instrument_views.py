"""Admin console: local question variants, and a phone-width preview from the live template."""
from __future__ import annotations

import re

from flask import abort, render_template, request
from flask_babel import force_locale
from markupsafe import Markup
from sqlalchemy import select

from surveys.instrument import Instrument as Definition

from ..auth.decorators import roles_required
from ..extensions import db
from ..instruments.queries import definition_of, latest_version
from ..models import Area, Instrument, Wave
from ..models.user import ADMIN
from ..survey.forms import form_class_for
from .local import local_questions
from .queries import variant_in_scope
from .views import bp

FORM = re.compile(r"<form [^>]*\baction=\"[^\"]*/questions\".*?</form>", re.S)


@bp.get("/instruments/")
@roles_required(ADMIN)
def instruments():
    variants = []
    for instrument in db.session.scalars(select(Instrument).where(Instrument.code.like("core+%"))
                                         .order_by(Instrument.code)):
        version = latest_version(instrument.code)
        if version is None or not variant_in_scope(instrument.id):
            continue
        waves = db.session.scalars(select(Wave).where(Wave.instrument_id == instrument.id)
                                   .order_by(Wave.opens_at)).all()
        variants.append((instrument, version, local_questions(definition_of(version)), waves))
    return render_template("admin/instruments.html", variants=variants)


@bp.get("/instruments/<name>/preview")
@roles_required(ADMIN)
def preview(name: str):
    """The resident's questions page for this variant, rendered by the live template."""
    version = latest_version(f"core+{name}") or abort(404)
    if not variant_in_scope(version.instrument_id):
        abort(404)
    definition = definition_of(version)
    area = db.session.scalar(select(Area).join(Wave, Wave.area_id == Area.id)
                             .where(Wave.instrument_id == version.instrument_id,
                                    Area.code == request.args.get("area", ""))) \
        or db.session.scalar(select(Area).join(Wave, Wave.area_id == Area.id)
                             .where(Wave.instrument_id == version.instrument_id)) \
        or abort(404)
    language = request.args.get("lang", "en")
    if language not in definition.languages:
        language = "en"
    form = form_class_for(version.id, version.digest, definition)()
    return render_template("admin/instrument_preview.html",
                           markup=phone_markup(definition, form, area, language),
                           area=area, version=version, definition=definition,
                           language=language)


def phone_markup(definition: Definition, form, area: Area, language: str) -> Markup:
    """The questions form of the live resident template, as a resident in ``area`` gets it."""
    with force_locale(language):   # the resident's page in that language, chrome included
        page = render_template("survey/questions.html", area=area, form=form,
                               definition=definition, language=language)
    found = FORM.search(page)
    if found is None:
        abort(500)
    # bandit B704: our own rendered, escaped template output; shown with its controls disabled.
    return Markup(found.group(0))  # nosec B704
