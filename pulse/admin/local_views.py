"""Admin console: the local questions editor (a browser form for what `instruments local` does).

One form holds the whole set. "Add", "Move up", "Move down" and "Remove" are submit buttons
that re-render the form rearranged, so nothing needs JavaScript and nothing typed is lost;
"Preview" shows the unpublished set through the live resident template at a phone's width;
only "Publish" writes, through the same operation as the CLI (a new version when anything a
resident sees changed; answers already given keep the version they answered).
"""
from __future__ import annotations

from datetime import UTC, datetime, time, timedelta

from flask import abort, flash, redirect, render_template, request, url_for
from flask_babel import gettext as _
from sqlalchemy import select

from ..auth.decorators import roles_required
from ..auth.scope import area_in_scope, restrict_to_scope
from ..auth.forms import split_codes
from ..extensions import db
from ..instruments.queries import definition_of, latest_version
from ..models import Area
from ..models.user import ADMIN
from .forms import LANGUAGE_NAMES, QUESTIONS_MAX, LocalSetForm, local_entry, local_spec
from ..survey.forms import survey_form_class
from .instrument_views import phone_markup
from .local import (LocalError, checked, local_questions, publish_and_schedule, question_from,
                    scheduled, spec_of, variant_code)
from .queries import variant_in_scope
from .views import bp

MOVES = ("up", "down", "remove")


def _now() -> datetime:
    return datetime.now(UTC)


def _stored(name: str) -> dict | None:
    """The form values of the published set ``name`` and its collection; None if not the admin's."""
    version = latest_version(variant_code(name))
    if version is None or not variant_in_scope(version.instrument_id):
        return None
    waves = [w for w in scheduled(version, _now()) if area_in_scope(w.area_id)]
    data = {"name": name,
            "questions": [local_entry(spec_of(q)) for q in local_questions(definition_of(version))],
            "areas": " ".join(dict.fromkeys(w.area.code for w in waves))}
    if waves:
        data["starts"] = min(w.opens_at for w in waves).date()
        ends = [w.closes_at for w in waves if w.closes_at is not None]
        if ends:  # the form asks for the last day; a wave closes at the start of the next
            data["ends"] = (max(ends) - timedelta(seconds=1)).date()
    return data


def _rearranged(form: LocalSetForm, action: str) -> LocalSetForm:
    """A fresh form from the posted values with one question added, moved or removed."""
    entries = [dict(entry.data) for entry in form.questions]
    verb, _sep, place = action.partition("-")
    if verb == "add" and len(entries) < QUESTIONS_MAX:
        entries.append({"kind": "s10", "optional": True})
    elif verb in MOVES and place.isdigit() and int(place) < len(entries):
        i = int(place)
        if verb == "remove":
            entries.pop(i)
        else:
            j = i - 1 if verb == "up" else i + 1
            if 0 <= j < len(entries):
                entries[i], entries[j] = entries[j], entries[i]
    data = {"name": form.name.data, "questions": entries, "areas": form.areas.data,
            "starts": form.starts.data, "ends": form.ends.data}
    # formdata=None: build from these values (the posted ones keep their old order).
    return LocalSetForm(formdata=None, data=data)


def _areas(form: LocalSetForm) -> list[Area] | None:
    """The areas named in the form, each active and in the admin's scope; None after an error."""
    codes = list(dict.fromkeys(split_codes(form.areas.data)))
    found = {a.code: a for a in db.session.scalars(
        restrict_to_scope(select(Area).where(Area.code.in_(codes)), Area.id))}
    # Outside the admin's areas reads exactly as "no such area".
    missing = [c for c in codes if c not in found]
    if missing:
        form.areas.errors.append(_("No area has the code %(codes)s.", codes=", ".join(missing)[:200]))
        return None
    retired = [c for c in codes if found[c].retired_at is not None]
    if retired:
        form.areas.errors.append(_("%(codes)s is retired; restore it before collecting there.",
                                   codes=", ".join(retired)[:200]))
        return None
    return [found[c] for c in codes]


def _place_error(form: LocalSetForm, err: LocalError) -> None:
    """Put the operation's message by the field it is about (the top of the form otherwise)."""
    if err.index is not None and err.index < len(form.questions.entries):
        sub = form.questions.entries[err.index].form
        getattr(sub, err.field or "code", sub.code).errors.append(str(err))
    elif err.field in ("name", "areas", "ends"):
        getattr(form, err.field).errors.append(str(err))
    else:
        form.form_errors.append(str(err))


def _questions(form: LocalSetForm) -> list:
    local = []
    for i, entry in enumerate(form.questions):
        try:
            local.append(question_from(local_spec(entry.data)))
        except LocalError as err:
            raise LocalError(str(err), index=i, field="kind") from None
    return local


def _preview(form: LocalSetForm, name: str):
    """The set as residents of the first chosen area would get it, in every language; no write."""
    areas = _areas(form)
    if areas is None:
        return None
    try:
        definition = checked(name, _questions(form))
    except LocalError as err:
        _place_error(form, err)
        return None
    survey = survey_form_class(definition)(formdata=None)
    return areas[0], [(lang, phone_markup(definition, survey, areas[0], lang))
                      for lang in definition.languages]


def _publish(form: LocalSetForm, name: str, existing: bool):
    areas = _areas(form)
    if areas is None:
        return None
    try:
        local = _questions(form)
        starts = datetime.combine(form.starts.data, time(), UTC)
        ends = datetime.combine(form.ends.data + timedelta(days=1), time(), UTC)
        managed = []
        if existing:
            version = latest_version(variant_code(name))
            managed = [w.area for w in scheduled(version, _now()) if area_in_scope(w.area_id)]
        version, new = publish_and_schedule(name, local, areas, starts=starts, ends=ends,
                                            now=_now(), managed=managed)
    except LocalError as err:
        db.session.rollback()
        _place_error(form, err)
        return None
    db.session.commit()
    flash(_("Published %(code)s version %(n)s; collecting in %(areas)s.", code=version.instrument.code,
            n=version.version, areas=", ".join(a.name for a in areas)) if new else
          _("The questions are unchanged, so version %(n)s stays; the areas and dates are saved.",
            n=version.version), "success")
    return redirect(url_for(".local_edit", name=name))


def _editor(form: LocalSetForm, name: str | None):
    action = request.form.get("action", "publish") if request.method == "POST" else ""
    if name is not None:
        form.name.data = name  # the name is the variant's identity: fixed once published
    if action and action not in ("publish", "preview"):
        form = _rearranged(form, action)
        return _page(form, name)
    if action and form.validate_on_submit():
        chosen = name or form.name.data
        if name is None and latest_version(variant_code(chosen)) is not None:
            form.name.errors.append(_("There is already a set called %(name)s; edit it instead.",
                                      name=chosen))
        elif action == "preview":
            shown = _preview(form, chosen)
            if shown is not None:
                return _page(form, name, draft=shown)
        else:
            done = _publish(form, chosen, existing=name is not None)
            if done is not None:
                return done
    return _page(form, name, 422 if action else 200)


def _page(form: LocalSetForm, name: str | None, status: int = 200, draft=None):
    version = latest_version(variant_code(name)) if name else None
    preview_area = None
    if version is not None:
        preview_area = next((w.area.code for w in scheduled(version, _now())
                             if area_in_scope(w.area_id)), None)
    return render_template("admin/local_edit.html", form=form, name=name, version=version,
                           preview_area=preview_area, questions_max=QUESTIONS_MAX,
                           draft=draft, languages=LANGUAGE_NAMES), status


@bp.route("/instruments/new", methods=["GET", "POST"])
@roles_required(ADMIN)
def local_new():
    return _editor(LocalSetForm(), None)


@bp.route("/instruments/<name>/edit", methods=["GET", "POST"])
@roles_required(ADMIN)
def local_edit(name: str):
    stored = _stored(name) if name != "core" else None
    if stored is None:
        abort(404)
    form = LocalSetForm(data=stored) if request.method == "POST" else \
        LocalSetForm(formdata=None, data=stored)
    return _editor(form, name)
