"""Admin console: the area tree, edits, retiring, and boundary and margins uploads.

Uploads go through a preview (what will be created or updated, every rejected row) and a
confirm step that applies the file kept on the server under the preview's token.
"""
from __future__ import annotations

import re
from datetime import UTC, datetime

from flask import flash, redirect, render_template, request, url_for
from flask_babel import gettext as _
from flask_login import current_user
from werkzeug.exceptions import RequestEntityTooLarge
from wtforms.fields.choices import SelectChoice

from ..areas.margins import MarginsFileError, check_file, replace_margins
from ..areas.operations import ImportError_, import_geojson
from ..auth.decorators import roles_required
from ..auth.scope import scoped_area_or_404
from ..database import refuse_nul
from ..estimates.operations import mark_areas_dirty
from ..extensions import csrf, db
from ..formbody import takes_uploads
from ..models import Area
from ..models.user import ADMIN
from . import queries, uploads
from .areas import AreaError, edit_area, restore_area, retire_area
from .forms import AreaForm, BoundaryUploadForm, CloseWaveForm, ConfirmForm, MarginsUploadForm
from .views import bp

PATH = re.compile(r"\S*/[A-Za-z0-9_-]+\.(?:geojson|csv)")
GEOJSON_MAX = 20 * 1024 * 1024
CSV_MAX = 5 * 1024 * 1024


def _parent_choices(editing: Area | None = None) -> list[SelectChoice]:
    """Parents to offer: the admin's areas (less the one being edited) and its current parent."""
    # A scoped admin cannot put anything at the top level, so that choice is for whole-tree
    # admins, and for a scoped admin's own top-level area as it already is.
    at_top = editing is not None and editing.parent_id is None
    top = ([SelectChoice("", _("None (top level)"))]
           if current_user.sees_all_areas or at_top else [])
    areas = queries.areas_in_scope()
    current = editing.parent if editing is not None else None
    if current is not None and current not in areas:
        # The top of a scoped admin's tree sits in an area outside it: offer it only as it is.
        top.append(SelectChoice(current.code, f"{current.name} ({current.code})"))
    return top + [SelectChoice(a.code, f"{a.name} ({a.code})") for a in areas
                  if editing is None or a.id != editing.id]


def _parent_from(code: str | None, field, current: Area | None = None) -> tuple[bool, Area | None]:
    if not code:
        return True, None
    if current is not None and code == current.code:
        return True, current        # unchanged, even where it lies outside the admin's areas
    # Outside the admin's areas reads exactly as "no such area".
    parent = queries.area_by_code_in_scope(code)
    if parent is None:
        field.errors.append(_("No area has that code."))
        return False, None
    return True, parent


@bp.get("/areas/")
@roles_required(ADMIN)
def areas():
    return render_template("admin/areas.html", tree=queries.area_tree())


@bp.route("/areas/<code>", methods=["GET", "POST"])
@roles_required(ADMIN)
def area(code: str):
    found = scoped_area_or_404(code)
    # The parent by its code, not the Area object (obj=found would give the field that object,
    # which a POST leaving the field out would then hand on as if it were a code): a field left
    # out keeps the area where it is.
    form = AreaForm(name=found.name, parent=found.parent.code if found.parent else "")
    form.parent.choices = _parent_choices(found)
    if form.validate_on_submit():
        ok, parent = _parent_from(form.parent.data, form.parent, found.parent)
        if ok:
            try:
                edit_area(found, name=form.name.data, parent=parent,
                          scope=queries.area_scope())
            except AreaError as err:
                db.session.rollback()
                getattr(form, err.field or "name").errors.append(str(err))
            else:
                db.session.commit()
                flash(_("Saved %(name)s.", name=found.name), "success")
                return redirect(url_for(".area", code=found.code))
    status = 422 if form.is_submitted() else 200
    return render_template("admin/area.html", area=found, form=form,
                           state_form=CloseWaveForm()), status


@bp.post("/areas/<code>/retire")
@roles_required(ADMIN)
def retire_area_view(code: str):
    return _set_state(scoped_area_or_404(code), retire=True)


@bp.post("/areas/<code>/restore")
@roles_required(ADMIN)
def restore_area_view(code: str):
    return _set_state(scoped_area_or_404(code), retire=False)


def _set_state(found: Area, retire: bool):
    try:
        retire_area(found, datetime.now(UTC)) if retire else restore_area(found)
    except AreaError as err:
        db.session.rollback()
        flash(str(err), "error")
    else:
        db.session.commit()
        flash(_("%(name)s is retired: no new collection; its history stays.", name=found.name)
              if retire else _("%(name)s is active again.", name=found.name), "success")
    return redirect(url_for(".area", code=found.code))


def _upload_form(form_class, limit: int):
    """Build the form with a larger body limit for this request only; None when too large."""
    request.max_content_length = limit + 64 * 1024
    if request.content_length is not None and request.content_length > request.max_content_length:
        return None     # refused before reading a byte of it
    try:
        form = form_class()
        # The NUL check every other staff form gets before its view (pulse/database.py)
        # skips multipart, whose body is read only now: a NUL in the parent's code is a 500
        # on PostgreSQL, and one in the level would be kept with the upload.
        refuse_nul(request.form)
        form.validate_on_submit()
    except RequestEntityTooLarge:
        return None
    return form


@bp.route("/areas/boundaries", methods=["GET", "POST"])
@csrf.exempt   # the form's own CSRF field is checked, after the larger body limit is set
@takes_uploads
@roles_required(ADMIN)
def boundaries():
    if request.method == "GET":
        form = BoundaryUploadForm()
        form.parent.choices = _parent_choices()
        return render_template("admin/boundaries.html", form=form, report=None)
    form = _upload_form(BoundaryUploadForm, GEOJSON_MAX)
    if form is None:
        return _too_large("admin/boundaries.html", BoundaryUploadForm, GEOJSON_MAX)
    form.parent.choices = _parent_choices()
    report = token = None
    if not form.errors:
        ok, parent = _parent_from(form.parent.data, form.parent)
        scope = queries.area_scope()
        if ok and parent is None and scope is not None:
            ok = False
            form.parent.errors.append(_("Choose one of your areas as the parent: new areas at "
                                        "the top level would be outside your areas."))
        upload = request.files.get("file")
        if ok and (upload is None or not upload.filename):
            form.file.errors.append(_("Choose a GeoJSON file."))
        elif ok:
            try:
                token, path = uploads.keep(upload.stream, "geojson",
                                           {"parent": form.parent.data or "",
                                            "level": form.level.data.strip()}, GEOJSON_MAX)
                # The preview runs the real import and throws it away: it reports exactly
                # what the confirm step will do to the tree as it stands.
                report = import_geojson(path, parent=parent, level=form.level.data.strip(),
                                        scope=scope)
            except (uploads.UploadError, ImportError_) as err:
                form.file.errors.append(_short(err))
            finally:
                db.session.rollback()
    status = 200 if report is not None else 422
    return render_template("admin/boundaries.html", form=form, report=report, token=token,
                           confirm=ConfirmForm(token=token)), status


@bp.post("/areas/boundaries/confirm")
@roles_required(ADMIN)
def boundaries_confirm():
    form = ConfirmForm()
    try:
        path, meta = uploads.find(form.token.data, "geojson")
        parent = (queries.area_by_code_in_scope(meta["parent"]) if meta.get("parent") else None)
        scope = queries.area_scope()
        if (meta.get("parent") and parent is None) or (parent is None and scope is not None):
            raise uploads.UploadError("The parent area chosen at preview no longer exists "
                                      "among your areas.")
        # Checked again against the tree as it is now: the preview may be old.
        report = import_geojson(path, parent=parent, level=meta.get("level") or "neighbourhood",
                                scope=scope)
    except (uploads.UploadError, ImportError_) as err:
        db.session.rollback()
        flash(_short(err), "error")
        return redirect(url_for(".boundaries"))
    db.session.commit()
    uploads.forget(form.token.data, "geojson")
    flash(_("Boundaries loaded: %(c)d created, %(u)d updated, %(r)d rejected.",
            c=len(report.created), u=len(report.updated), r=len(report.rejected)), "success")
    return redirect(url_for(".areas"))


@bp.route("/areas/margins", methods=["GET", "POST"])
@csrf.exempt   # the form's own CSRF field is checked, after the larger body limit is set
@takes_uploads
@roles_required(ADMIN)
def margins():
    if request.method == "GET":
        return render_template("admin/margins.html", form=MarginsUploadForm(), report=None)
    form = _upload_form(MarginsUploadForm, CSV_MAX)
    if form is None:
        return _too_large("admin/margins.html", MarginsUploadForm, CSV_MAX)
    report = token = None
    upload = request.files.get("file")
    if not form.errors:
        if upload is None or not upload.filename:
            form.file.errors.append(_("Choose a CSV file."))
        else:
            try:
                token, path = uploads.keep(upload.stream, "csv", {}, CSV_MAX)
                report = check_file(path, queries.area_scope())
            except (uploads.UploadError, MarginsFileError) as err:
                form.file.errors.append(_short(err))
    status = 200 if report is not None else 422
    names = {a.id: a for a in queries.areas_in_scope()} if report else {}
    return render_template("admin/margins.html", form=form, report=report, token=token,
                           names=names, confirm=ConfirmForm(token=token)), status


@bp.post("/areas/margins/confirm")
@roles_required(ADMIN)
def margins_confirm():
    form = ConfirmForm()
    try:
        path, _meta = uploads.find(form.token.data, "csv")
        report = check_file(path, queries.area_scope())
        if report.errors:
            raise uploads.UploadError("The file has rows with problems; nothing was stored.")
    except (uploads.UploadError, MarginsFileError) as err:
        flash(_short(err), "error")
        return redirect(url_for(".margins"))
    stored = replace_margins(report)
    mark_areas_dirty(report.areas)
    db.session.commit()
    uploads.forget(form.token.data, "csv")
    flash(_("%(n)d margins stored for %(a)d areas; estimates change on the next aggregation.",
            n=stored, a=len(report.areas)), "success")
    return redirect(url_for(".areas"))


def _short(err: Exception) -> str:
    # Messages from the readers name the server-side temp file; the admin needs only the reason.
    return PATH.sub("the file", str(err))[:300]


def _too_large(template: str, form_class, limit: int):
    form = form_class(formdata=None)
    if hasattr(form, "parent"):
        form.parent.choices = _parent_choices()
    form.file.errors = [_("The file is larger than %(mb)d MB.", mb=limit // (1024 * 1024))]
    return render_template(template, form=form, report=None), 413
