"""XSS, SQL-injection and formula-injection payloads through the staff forms: the admin
console (area names, wave names, review reasons, new users) and the officer workspace (action
owners, notes and public words, dismissal reasons, comment labels and search).

Every reply is below 500; every page that shows the text shows it escaped, never as markup;
stored text is kept as typed (or refused with a reason). Names typed by an admin reach the
residents' own pages too (the area list, the survey), so those are checked as well.
"""
from __future__ import annotations

from datetime import UTC, datetime, timedelta

from markupsafe import escape
from sqlalchemy import select

from tests.pulse.officer.conftest import (comments, priority_comments, tree,  # noqa: F401
                                         workspace)
from tests.pulse.test_payload_corpora import CORPUS, FORMULA, SQL, XSS, assert_escaped
from tests.support import csrf_from

# A due date before today is refused, so the one given is always a year ahead of the run.
AHEAD = (datetime.now(UTC) + timedelta(days=365)).date().isoformat()

#: The resident corpus, plus what only a staff form could send: a NUL byte (PostgreSQL refuses
#: it in text), a carriage return and line feed (header splitting) and more than any field holds.
NUL = "nul\x00byte"
STAFF_CORPUS = CORPUS + [NUL, "x\r\nSet-Cookie: pulse=1", "y" * 5000]


def safe(reply, *, shown: str | None = None) -> str:
    """The page, checked: no 5xx, no live markup, and ``shown`` (if given) there escaped."""
    assert reply.status_code < 500, (reply.status_code, reply.get_data(as_text=True)[:300])
    html = reply.get_data(as_text=True)
    assert_escaped(html)
    if shown is not None:
        assert str(escape(shown)) in html, shown
    return html


def test_area_names_from_the_admin_console(app, client, auth, tree):  # noqa: F811
    from pulse.extensions import db
    from pulse.models import Area

    auth.login("admin")
    path = f"/admin/areas/{tree.ward_a}"
    for payload in STAFF_CORPUS:
        reply = client.post(path, data={"csrf_token": csrf_from(client, path), "name": payload,
                                        "parent": tree.borough})
        assert reply.status_code in (302, 422) or (payload, reply.status_code) == (NUL, 400), \
            (payload, reply.status_code)
        if payload == NUL:  # PostgreSQL cannot store it: refused on every backend, saying why
            assert reply.status_code == 400 and "NUL byte" in reply.get_data(as_text=True)
        safe(reply)
        with app.app_context():
            name = db.session.scalar(select(Area.name).where(Area.code == tree.ward_a))
        if reply.status_code == 302:
            # Kept as typed, but for line breaks and other control characters (made spaces).
            assert name == " ".join(payload.split()) or name == payload.strip(), (name, payload)
        shown = name if reply.status_code == 302 else None
        safe(client.get(path), shown=shown)
        safe(client.get("/admin/areas/"), shown=shown)
        safe(client.get("/officer/"), shown=shown)
        safe(client.get(f"/officer/area/{tree.ward_a}"), shown=shown)
        # Residents meet area names in the list, the search and the survey's own pages.
        resident = app.test_client()
        safe(resident.get("/s/"))
        safe(resident.get("/s/", query_string={"q": name[:50]}))
        safe(resident.get(f"/s/{tree.ward_a}"))


def test_wave_names(app, client, auth, tree):  # noqa: F811
    from pulse.extensions import db
    from pulse.instruments.operations import ensure_core
    from pulse.models import Wave

    with app.app_context():
        ensure_core()
        db.session.commit()
    auth.login("admin")
    for payload in STAFF_CORPUS:
        reply = client.post("/admin/waves/", data={
            "csrf_token": csrf_from(client, "/admin/waves/"), "area": tree.ward_a,
            "name": payload, "access": "open"})
        assert reply.status_code in (302, 422) or (payload, reply.status_code) == (NUL, 400), \
            (payload, reply.status_code)
        safe(reply)
        if reply.status_code == 302:
            safe(client.get(reply.headers["Location"]), shown=payload.strip())
            with app.app_context():
                stored = db.session.scalars(select(Wave.name)).all()
            assert payload.strip() in stored
        safe(client.get("/admin/waves/"))
    safe(app.test_client().get(f"/s/{tree.ward_a}"))


def test_review_reasons(app, client, auth, tree):  # noqa: F811
    from pulse.extensions import db
    from pulse.instruments.operations import ensure_core
    from pulse.models import Area, Response, ResponseReview

    with app.app_context():
        version = ensure_core()
        area = db.session.scalar(select(Area).where(Area.code == tree.ward_a))
        response = Response(area_id=area.id, version_id=version.id, channel="qr",
                            submitted_at=datetime(2026, 10, 3, 9, 30, tzinfo=UTC),
                            quality_flags=["too_fast"], duration_seconds=7)
        db.session.add(response)
        db.session.commit()
        rid = response.id
    auth.login("admin")
    page = f"/admin/responses/{rid}"
    excluded = False
    for payload in STAFF_CORPUS:
        action = "restore" if excluded else "exclude"
        reply = client.post(f"{page}/{action}", data={"csrf_token": csrf_from(client, page),
                                                     "reason": payload})
        assert reply.status_code in (302, 422) or (payload, reply.status_code) == (NUL, 400), \
            (payload, reply.status_code)
        safe(reply)
        if reply.status_code == 302:
            excluded = not excluded
            with app.app_context():
                latest = db.session.scalar(select(ResponseReview.reason)
                                           .order_by(ResponseReview.id.desc()).limit(1))
            assert latest.split() == payload.split(), (latest, payload)
            safe(client.get(page), shown=latest)
        safe(client.get("/admin/responses/flagged"))
    with app.app_context():
        reasons = db.session.scalars(select(ResponseReview.reason)).all()
    assert "<script>alert(1)</script>" in reasons and "'; DROP TABLE response; --" in reasons


def test_new_users(app, client, auth, tree):  # noqa: F811
    from pulse.extensions import db
    from pulse.models import User

    auth.login("admin")
    path = "/admin/users/new"
    for number, payload in enumerate(STAFF_CORPUS):
        # The payload as a name (kept) and as the email and the areas (refused, with a reason).
        named = client.post(path, data={"csrf_token": csrf_from(client, path),
                                        "email": f"user{number}@example.org", "name": payload,
                                        "role": "officer", "areas": tree.ward_a})
        assert named.status_code in (200, 422) or (payload, named.status_code) == (NUL, 400), \
            (payload, named.status_code)
        safe(named)
        refused = client.post(path, data={"csrf_token": csrf_from(client, path),
                                          "email": payload, "name": "x", "role": payload,
                                          "areas": payload})
        assert refused.status_code in (400, 422), payload
        safe(refused)
        safe(client.get("/admin/users/"))
    with app.app_context():
        names = db.session.scalars(select(User.name)).all()
        emails = db.session.scalars(select(User.email)).all()
    assert "<script>alert(1)</script>" in names
    assert not any("<" in e or "'" in e for e in emails), emails


PRIORITIES = "/officer/area/E09000023/priorities?kind=quarter"


def test_officer_actions_reasons_labels_and_search(app, client, auth, priority_comments):  # noqa: F811
    comments = priority_comments
    from pulse.extensions import db
    from pulse.models import Action, Comment, PriorityDecision

    auth.login("officer", areas=[comments.borough])

    def decide(**data):
        return client.post("/officer/area/E09000023/priorities", data={
            "csrf_token": csrf_from(client, PRIORITIES), "kind": "quarter",
            "area": comments.ward_a, **data})

    owner = '"><img src=x onerror=alert(1)>'
    accepted = decide(topic="asb", decision="accept", owner=owner, due=AHEAD,
                      notes=CORPUS[0], public="1", public_text=CORPUS[1])
    assert accepted.status_code == 303
    safe(client.get(PRIORITIES), shown=owner)
    joined = " ".join(CORPUS)
    dismissed = decide(topic="litter", decision="dismiss", reason=joined)
    assert dismissed.status_code == 303
    safe(client.get(PRIORITIES), shown=joined)
    with app.app_context():
        action_id = db.session.scalar(select(Action.id))
        assert db.session.scalar(select(PriorityDecision.reason).where(
            PriorityDecision.decision == "dismissed")) == joined

    for payload in STAFF_CORPUS:
        reply = client.post(f"/officer/actions/{action_id}", data={
            "csrf_token": csrf_from(client, PRIORITIES), "status": "planned",
            "notes": payload, "public": "1", "public_text": payload})
        assert reply.status_code in (303, 400, 422), (payload, reply.status_code)
        safe(reply)
        with app.app_context():
            notes, words = db.session.execute(
                select(Action.notes, Action.public_text).where(Action.id == action_id)).one()
        kept = reply.status_code == 303 and words == payload.strip()
        safe(client.get(PRIORITIES), shown=notes if kept else None)
        # What residents read on "you said, we did".
        safe(app.test_client().get(f"/s/{comments.ward_a}/you-said-we-did"),
             shown=words if kept and words else None)

    with app.app_context():
        comment_id = db.session.scalar(select(Comment.id).order_by(Comment.id))
    for payload in STAFF_CORPUS:
        token = csrf_from(client, "/officer/labelling")
        for back in ("labelling", "comments", payload):
            labelled = client.post(f"/officer/comments/{comment_id}/label", data={
                "csrf_token": token, "topic": payload, "back": back, "query": payload})
            assert labelled.status_code < 500, (payload, back, labelled.status_code)
            location = labelled.headers.get("Location", "")
            assert "\n" not in location and "\r" not in location
            assert not location.startswith(("//", "http")) or "127.0.0.1" in location, location
        safe(client.get("/officer/labelling"))
        safe(client.get("/officer/comments", query_string={"q": payload[:200]}))
        safe(client.get("/officer/comments", query_string={"q": payload[:200], "topic": payload,
                                                           "period": payload}))


def test_area_names_print_as_text_on_posters_and_leaflets(app, runner, survey_area, tmp_path):
    """An admin's area name on the printed QR materials: letters on the page, whatever it holds."""
    from pypdf import PdfReader

    from pulse.extensions import db
    from pulse.models import Area

    # Two of each kind: each document takes a while to draw, and the escaping is the same.
    for number, payload in enumerate(XSS[:2] + SQL[:2] + FORMULA[:2]):
        with app.app_context():
            area = db.session.scalar(select(Area).where(Area.code == survey_area.ward))
            area.name = payload.strip()
            db.session.commit()
        for kind in ("poster", "leaflet"):
            out = tmp_path / f"{kind}-{number}.pdf"
            result = runner.invoke(args=["distribute", kind, "--area", survey_area.ward,
                                         "--base-url", "https://pulse.example.org",
                                         "--out", str(out)])
            assert result.exception is None or isinstance(result.exception, SystemExit), \
                (payload, kind, result.output)
            if result.exit_code:
                assert "shorten the area's name" in result.output, (payload, result.output)
                continue
            text = " ".join(" ".join(p.extract_text().split()) for p in PdfReader(out).pages)
            assert " ".join(payload.split()) in text, (payload, kind, text[:300])


def test_local_question_wording_in_the_preview_and_the_live_survey(app, client, auth,
                                                                   survey_area):
    """An admin's local question wording reaches residents: escaped in the preview and live."""
    from pulse.admin.local import publish_local, question_from, schedule
    from pulse.extensions import db
    from pulse.models import Area

    auth.login("admin")
    resident = app.test_client()
    for payload in XSS + SQL[:2] + FORMULA[:2]:
        wording = f"How safe is the park? {payload}"
        with app.app_context():
            version = publish_local("payloads", [question_from({
                "code": "park_safe", "kind": "scale", "scale": "s10",
                "wording": {"en": wording, "cy": wording}})])
            area = db.session.scalar(select(Area).where(Area.code == survey_area.ward))
            now = datetime.now(UTC)
            schedule(version, [area], starts=now, ends=now.replace(year=now.year + 1),
                     label="Local: payloads")
            db.session.commit()
        for lang in ("en", "cy"):
            safe(client.get(f"/admin/instruments/payloads/preview?area={survey_area.ward}"
                            f"&lang={lang}"), shown=wording)
            safe(resident.get(f"/s/{survey_area.ward}/questions?consent=yes&lang={lang}"),
                 shown=wording)
        safe(client.get("/admin/instruments/"))
