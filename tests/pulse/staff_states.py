"""The states some staff forms show only in, reached as a person would reach them, for
tests/pulse/test_staff_form_values.py: a reset link opened, TOTP enrolment begun and finished,
half signed in, a boundary file and a margins file checked.

Each function of ``REACHED`` takes the app, the seeded data (``s``, with
tests/pulse/test_staff_posts_privacy.py's ``_prepare`` done) and the signed-in clients by who
they are (``who_is``, to which it may add one), and returns who is shown the form and the path
of the page it is on (and the HTML, when the page is an upload's answer). Forms that act on an
account act on the spare one: it signs in here itself, never a signed-in one.
"""
from __future__ import annotations

import io
import json
import re
from types import SimpleNamespace
from urllib.parse import urlencode

import pyotp
from werkzeug.datastructures import MultiDict

from tests.pulse.staff_forms import forms_to, post_forms
from tests.support import sign_in

SQUARE = {"type": "Polygon", "coordinates": [[[-0.02, 51.45], [-0.01, 51.45], [-0.01, 51.46],
                                               [-0.02, 51.46], [-0.02, 51.45]]]}
SPARE = "spare@example.org"


def _reset_link(app, s, who_is):
    """A reset link for the spare account (issued by the admin's own operation), opened by
    someone signed out."""
    path = "/reset?" + urlencode({"token": s.reset_token()})
    return "visitor", path


def _enrolling(app, s, who_is):
    """The spare account signed in, its enrolment begun with the account page's own form."""
    from pulse.extensions import db
    from pulse.models import User

    with app.app_context():
        # admin_users.edit's hostile values ticked "require a second factor" on the spare
        # account (a checkbox sent any value is ticked): with it, totp_remove refuses before
        # reading its form. The admin unticks it, with the edit form as a browser sends it.
        required = db.session.get(User, s.spare_id).totp_required
    if required:
        admin = who_is["admin"]
        page = f"/admin/users/{s.spare_id}"
        edit = forms_to(app, admin.get(page).get_data(as_text=True), page)["admin_users.edit"]
        reply = admin.post(edit.action, data=MultiDict(
            [(n, v) for n, v in edit.fields if n != "totp_required"]))
        assert reply.status_code in (302, 303), reply.get_data(as_text=True)[:500]
    spare = who_is["spare"] = app.test_client()
    assert sign_in(spare, SPARE).status_code == 302
    page = "/account/totp"
    start = forms_to(app, spare.get(page).get_data(as_text=True), page)["auth.totp_start"]
    assert spare.post(start.action, data=MultiDict(start.fields)).status_code == 302
    return "spare", page


def _enrolled(app, s, who_is):
    """The spare account enrolled: the newest code for the key its page shows, confirmed."""
    spare, page = who_is["spare"], "/account/totp"
    html = spare.get(page).get_data(as_text=True)
    secret = re.search(r'<code class="secret">([A-Z2-7]+)</code>', html).group(1)
    confirm = forms_to(app, html, page)["auth.totp_confirm"]
    reply = spare.post(confirm.action, data=MultiDict(
        [*[(n, v) for n, v in confirm.fields if n != "code"], ("code", pyotp.TOTP(secret).now())]))
    assert reply.status_code == 302, reply.get_data(as_text=True)[:500]
    return "spare", page


def _half_signed_in(app, s, who_is):
    """Someone who gave the enrolled spare account's password and owes its code."""
    half = who_is["half"] = app.test_client()
    reply = sign_in(half, SPARE)
    assert reply.headers.get("Location", "").startswith("/login/code"), reply.status_code
    return "half", "/login/code"


def _uploaded(app, who_is, page: str, content: bytes, name: str, **fields) -> str:
    """An upload checked through the page's own upload form; the page it answers with."""
    admin = who_is["admin"]
    upload = next(f for f in post_forms(admin.get(page).get_data(as_text=True), page)
                  if f.multipart)
    reply = admin.post(upload.action, content_type="multipart/form-data", data=MultiDict(
        [*[(n, v) for n, v in upload.fields if n not in fields], *fields.items(),
         ("file", (io.BytesIO(content), name))]))
    html = reply.get_data(as_text=True)
    assert reply.status_code == 200, html[:1000]
    return html


def _boundaries_checked(app, s, who_is):
    """A boundary file checked: one new neighbourhood in the other ward (the seeded ward's
    boundary stays as it is)."""
    feature = {"type": "Feature", "properties": {"code": "BLK-N1", "name": "Blackheath Village"},
               "geometry": SQUARE}
    content = json.dumps({"type": "FeatureCollection", "features": [feature]}).encode()
    page = "/admin/areas/boundaries"
    return "admin", page, _uploaded(app, who_is, page, content, "areas.geojson",
                                    parent=s.other_ward, level="neighbourhood")


def _margins_checked(app, s, who_is):
    """A margins file checked: two rows for the other ward."""
    content = (f"area_code,dimension,category,population\n{s.other_ward},sex,female,500\n"
               f"{s.other_ward},sex,male,480\n").encode()
    page = "/admin/areas/margins"
    return "admin", page, _uploaded(app, who_is, page, content, "margins.csv")


#: Staff POST routes whose form shows only in a state that nothing before has reached, each
#: with what reaches it (its docstring says how). The catch-all sends them after its LATER's,
#: in this order, each form found on the page the state shows. The spare account's forms go
#: after admin_users.enable's, which enabled it again.
REACHED = {
    "auth.reset": _reset_link,
    "auth.totp_confirm": _enrolling,
    "auth.totp_remove": _enrolled,
    "auth.code": _half_signed_in,
    "admin.boundaries_confirm": _boundaries_checked,
    "admin.margins_confirm": _margins_checked,
}
#: The page that shows a client is still in its state (signed in, or half signed in).
HOME = {"half": "/login/code"}


def reach(app, s, who_is: dict, endpoint: str) -> tuple[str, SimpleNamespace]:
    """Reach ``endpoint``'s state; who is shown its form, and the form."""
    who, page, *shown = REACHED[endpoint](app, s, who_is)
    html = shown[0] if shown else who_is[who].get(page).get_data(as_text=True)
    form = forms_to(app, html, page).get(endpoint)
    assert form is not None, f"{endpoint}'s form is not on {page} in its state"
    return who, form
