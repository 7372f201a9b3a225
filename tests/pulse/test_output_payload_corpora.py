"""The payload corpora from residents' free text to every output that carries it: the
estimates, comments and responses exports (CSV and XLSX), the audit-log CSV, the API's JSON and
the briefing pack's PDF text; and area names from the admin's GeoJSON and margins uploads.

Residents type the payloads into the real survey form; the product then does what it always
does: redacts and screens the text, classifies it with a trained model, stores topic shares and
aggregates the estimates. Each output is read back (csv, openpyxl, json, pypdf) and checked:
no cell a spreadsheet would run, no formula cell, the resident's words kept as text, no markup
interpreted and no URL fetched. Finally, an area with 9 responses has no figure in the estimates
downloads (CSV and XLSX) — the pack and the API have their own tests (tests/pulse/packs,
tests/pulse/test_small_area_privacy.py, tests/pulse/api/test_privacy.py).
"""
from __future__ import annotations

import csv
import io
import json
import re
import socket
from datetime import UTC, datetime
from types import SimpleNamespace

import pytest
from markupsafe import escape
from openpyxl import load_workbook
from pypdf import PdfReader
from sqlalchemy import select

from tests.pulse.api.conftest import bearer, issue_token
from tests.pulse.exports.conftest import PAYLOADS
from tests.pulse.test_payload_corpora import CORPUS, FORMULA, SQL, XSS, assert_escaped
from tests.support import AuthActions, GOOD_ANSWERS, csrf_from, form_tokens, submit

#: Resident free text as typed: the XSS/SQL/formula corpus and the exports' formula variants
#: (leading blanks, full-width signs, zero-width characters), each the whole of a comment so
#: a spreadsheet would meet the trigger first.
TEXTS = list(dict.fromkeys(CORPUS + list(PAYLOADS)))
#: Quotes for the briefing pack: payloads after words the classifier reads as one topic.
LEAD = "Drug dealing on the corner by the school every night"
#: Characters a spreadsheet skips before a formula (our own list, not the product's).
BLANKS = re.compile(r"^[\s\u200b\u200c\u200d\u2060\ufeff]+")
TRIGGERS = "=+-@\uff1d\uff0b\uff0d\uff20"


def fetchers(port: int) -> list[str]:
    """Markup and markdown that would make a renderer open a URL on our listening socket."""
    url = f"http://127.0.0.1:{port}/x"
    return [f'<img src="{url}">', f"![x]({url})", f'<link rel="stylesheet" href="{url}.css">',
            f'<svg><image href="{url}.svg"/></svg>', f"<style>@import url({url}.css)</style>",
            f'<a href="{url}">click</a>', f"[link]({url})"]


def dangerous(cell: str) -> bool:
    """Would a spreadsheet evaluate (or shift) this cell? Independent of pulse.exports.cells."""
    return cell[:1] in "\t\r" or BLANKS.sub("", cell)[:1] in TRIGGERS


def unquoted(cell: str) -> str:
    """The text a neutralised cell stands for; a dangerous cell must have been quoted."""
    if cell.startswith("'") and dangerous(cell[1:]):
        return cell[1:]
    assert not dangerous(cell), repr(cell)
    return cell


@pytest.fixture
def listener():
    """A socket listening on loopback: nothing in a test should ever connect to it.

    fpdf2 itself refuses remote images on private addresses by default (its pack build would
    then fail, not fetch), so markup being read is caught first by the literal-text checks;
    this one catches a renderer, or a resource policy, that would open the URL.
    """
    sock = socket.socket(socket.AF_INET, socket.SOCK_STREAM)
    sock.bind(("127.0.0.1", 0))
    sock.listen(8)
    sock.setblocking(False)
    yield sock
    sock.close()


def assert_nothing_connected(sock: socket.socket) -> None:
    with pytest.raises(BlockingIOError):
        conn, _ = sock.accept()
        conn.close()


@pytest.fixture
def residents(app, runner, survey_area, listener):
    """Every payload typed by a resident of Bellingham this month, then classified by a
    trained model, shared into topics and aggregated, exactly as the jobs do."""
    from pulse.estimates.operations import aggregate
    from pulse.extensions import db
    from pulse.models import Comment

    app.config["PULSE_SUBMIT_LIMIT"] = "100000 per minute"
    quotes = [f"{LEAD} {p}" for p in XSS + SQL[:2] + FORMULA[:2] + fetchers(
        listener.getsockname()[1])]
    for text in TEXTS + quotes:
        # A new browser each: one device answers a wave once.
        done = submit(app.test_client(), survey_area.ward, {**GOOD_ANSWERS, "top_issue": text})
        assert done.status_code == 302, (text, done.status_code)
    trained = runner.invoke(args=["text", "train", "--base", "seed", "--folds", "2"])
    assert trained.exit_code == 0, trained.output
    with app.app_context():
        aggregate(full=True)
        db.session.commit()
        stored = db.session.scalars(select(Comment.redacted_text)).all()
        # The safeguarding screen may hold a comment back from the API and the packs.
        flagged = db.session.scalars(select(Comment.redacted_text)
                                     .where(Comment.safeguarding_flag.is_(True))).all()
    assert len(stored) == len(TEXTS) + len(quotes)
    # The form strips control characters (tab, CR) and the ends of the text; what is stored is
    # what every output must carry, and each payload is still in it.
    for text in TEXTS + quotes:
        assert " ".join(text.split()) in [" ".join(s.split()) for s in stored], text
    return SimpleNamespace(borough=survey_area.borough, ward=survey_area.ward,
                           stored=sorted(stored), flagged=flagged, quotes=quotes)


def signed_in(app, role: str, areas=()):
    """A browser of its own signed in as ``role`` (one test signs in as several people)."""
    client = app.test_client()
    AuthActions(app, client).login(role, areas=areas)
    return client


def _download(client, kind: str, fmt: str, **fields):
    token = csrf_from(client, "/exports/")
    reply = client.post(f"/exports/{kind}", data={"csrf_token": token, "format": fmt, **fields})
    assert reply.status_code == 200, reply.get_data(as_text=True)[:300]
    body = reply.get_data()
    reply.close()
    return body


def _csv_cells(body: bytes) -> list[list[str]]:
    return list(csv.reader(io.StringIO(body.decode("utf-8"), newline="")))


def _xlsx_cells(body: bytes) -> list[list]:
    book = load_workbook(io.BytesIO(body))
    rows = []
    for sheet in book.worksheets:
        for row in sheet.iter_rows():
            for cell in row:
                # No cell of ours is ever a formula, whatever the resident typed.
                assert cell.data_type != "f", (cell.coordinate, cell.value)
            rows.append([c.value.replace("_x000D_", "\r") if isinstance(c.value, str)
                         else c.value for c in row])
    return rows


def check_exports(app, residents) -> None:
    """Estimates, comments and responses, CSV and XLSX: every dangerous cell quoted."""
    client = signed_in(app, "analyst", [residents.borough])
    for fmt in ("csv", "xlsx"):
        reader = _csv_cells if fmt == "csv" else _xlsx_cells
        for kind in ("estimates", "comments", "responses"):
            rows = reader(_download(client, kind, fmt))
            assert len(rows) > 1, (kind, fmt)
            cells = [c for row in rows for c in row if isinstance(c, str) and c]
            texts = [unquoted(c) for c in cells]   # every dangerous cell is quoted
            if kind == "comments":
                column = rows[0].index("redacted_text")
                assert sorted(unquoted(r[column]) for r in rows[1:]) == residents.stored, fmt
            elif kind == "responses":
                # Free text stays out of the response-level export, payloads and all.
                assert not set(texts) & set(residents.stored), fmt
            else:
                figures = rows[0].index("estimate")
                assert any(r[figures] not in ("", None) for r in rows[1:]
                           if r[0] == residents.ward), fmt


def check_audit_log(app) -> None:
    """The audit page escapes the admin's filters; its CSV neutralises the scope they set."""
    client = signed_in(app, "admin")
    # Exports write audit rows; the log's own download then lists its filter as the scope.
    _download(client, "comments", "csv")
    for payload in XSS + SQL + FORMULA:
        area = payload.strip()[:32]
        page = client.get("/admin/audit/", query_string={"area": area, "actor": payload})
        assert page.status_code == 200, payload
        assert_escaped(page.get_data(as_text=True))
        reply = client.post("/admin/audit/export.csv", data={
            "csrf_token": csrf_from(client, "/admin/audit/"), "area": area})
        assert reply.status_code == 200, payload
        rows = _csv_cells(reply.get_data())
        reply.close()
        assert rows[0] == ["at", "actor", "action", "scope", "rows", "detail"]
        body = rows[1:]
        assert any(unquoted(r[3]) == area for r in body), (payload, body[:2])
        for row in body:
            for cell in row:
                unquoted(cell)


def _not_json(constant: str):
    raise AssertionError(f"{constant} is not JSON")


def check_api(app, residents) -> None:
    """The API's comments: valid JSON, served as JSON, each text exactly as stored."""
    client = app.test_client()
    secret = issue_token(app, "analyst@example.org", "analyst", [residents.borough])
    app.config["PULSE_API_LIMIT"] = "100000 per minute"
    texts, url = [], f"/api/v1/comments?area={residents.ward}&per_page=200"
    while url:
        reply = client.get(url, headers=bearer(secret))
        assert reply.status_code == 200, reply.get_data(as_text=True)[:300]
        assert reply.mimetype == "application/json"
        assert reply.headers["X-Content-Type-Options"] == "nosniff"
        # Valid JSON, strictly: no raw control character in a string, no NaN or Infinity.
        body = json.loads(reply.get_data(as_text=True), parse_constant=_not_json)
        texts += [item["text"] for item in body["items"]]
        url = body["next"]
    expected = list(residents.stored)
    for held in residents.flagged:
        expected.remove(held)
    assert sorted(texts) == expected
    assert len(residents.flagged) < 3, residents.flagged


def test_resident_payloads_reach_every_output_as_plain_text(app, runner, residents, listener,
                                                              tmp_path):
    # One test, several outputs: seeding (form, training, aggregation) is the slow part.
    check_exports(app, residents)
    check_api(app, residents)
    check_audit_log(app)
    check_pack(app, runner, residents, listener, tmp_path)


def _pack_text(runner, tmp_path, code: str, period: str, name: str) -> str:
    out = tmp_path / f"{name}.pdf"
    result = runner.invoke(args=["pack", "build", "--area", code, "--period", period,
                                 "--out", str(out)])
    assert result.exit_code == 0, result.output
    return " ".join(" ".join(page.extract_text().split()) for page in PdfReader(out).pages)


def _upload(client, path: str, content: bytes, filename: str, **fields):
    token = csrf_from(client, path)
    return client.post(path, data={"csrf_token": token, "file": (io.BytesIO(content), filename),
                                   **fields}, content_type="multipart/form-data")


def _confirm(client, path: str, page: str):
    token = page.split('name="token" type="hidden" value="')[1].split('"')[0]
    return client.post(path, data={"csrf_token": form_tokens(page)["csrf_token"],
                                   "token": token})


def check_pack(app, runner, residents, listener, tmp_path) -> None:
    """Approved payload quotes and a payload area name print literally; nothing fetched."""
    from pulse.extensions import db
    from pulse.models import Area, Comment, Topic, TopicPrediction
    from pulse.officer.queries import stored_topic_shares
    from pulse.packs.content import QUOTES_PER_CONCERN, TOP_CONCERNS

    period = datetime.now(UTC).strftime("%Y-%m")
    with app.app_context():
        ward_id = db.session.scalar(select(Area.id).where(Area.code == residents.ward))
        shares = stored_topic_shares(ward_id, "month")[period]
        top = [c.topic for c in sorted((c for c in shares.values() if c.count),
                                       key=lambda c: (-c.share, c.topic))][:TOP_CONCERNS]
        quotes = dict(db.session.execute(
            select(Comment.id, Topic.code)
            .join(TopicPrediction, TopicPrediction.comment_id == Comment.id)
            .join(Topic, Topic.id == TopicPrediction.topic_id)
            .where(Comment.redacted_text.startswith(LEAD),
                   Comment.safeguarding_flag.is_(False))).all())
    assert len(quotes) >= len(residents.quotes) - 1
    assert set(quotes.values()) <= set(top), (set(quotes.values()), top)

    # Approved through the officer's own button; a pack prints a few quotes a topic, so the
    # quotes are approved a few at a time and a pack built for each round.
    client = signed_in(app, "analyst", [residents.borough])
    waiting = sorted(quotes)
    rounds = 0
    while waiting:
        chosen, per_topic = [], {}
        for cid in waiting:
            if per_topic.get(quotes[cid], 0) < QUOTES_PER_CONCERN:
                per_topic[quotes[cid]] = per_topic.get(quotes[cid], 0) + 1
                chosen.append(cid)
        token = csrf_from(client, "/officer/comments")
        for cid in chosen:
            assert client.post(f"/officer/comments/{cid}/approve", data={
                "csrf_token": token, "approved": "1"}).status_code in (302, 303)
        text = _pack_text(runner, tmp_path, residents.ward, period, f"round{rounds}")
        with app.app_context():
            printed = db.session.scalars(select(Comment.redacted_text)
                                         .where(Comment.id.in_(chosen))).all()
        for words in printed:
            # Literally, between the pack's own quotation marks: no markup or markdown read.
            assert f"“{' '.join(words.split())}”" in text, (words, text[:500])
        for cid in chosen:
            client.post(f"/officer/comments/{cid}/approve", data={"csrf_token": token,
                                                                  "approved": "0"})
        waiting = [cid for cid in waiting if cid not in chosen]
        rounds += 1
    assert rounds >= 2

    # The ward renamed through the GeoJSON upload: its name is on the cover, the map and the
    # trend charts' titles (SVG, which fpdf2 parses), so it must print as text too.
    client = signed_in(app, "admin")
    name = fetchers(listener.getsockname()[1])[3] + " " + XSS[1]
    feature = {"type": "Feature", "properties": {"code": residents.ward, "name": name},
               "geometry": {"type": "Polygon", "coordinates": [[[-0.02, 51.45], [-0.01, 51.45],
                                                                [-0.01, 51.46], [-0.02, 51.45]]]}}
    preview = _upload(client, "/admin/areas/boundaries",
                      json.dumps({"type": "FeatureCollection", "features": [feature]}).encode(),
                      "areas.geojson", parent=residents.borough, level="ward")
    assert preview.status_code == 200, preview.get_data(as_text=True)[:500]
    assert _confirm(client, "/admin/areas/boundaries/confirm",
                    preview.get_data(as_text=True)).status_code == 302
    text = _pack_text(runner, tmp_path, residents.ward, period, "renamed")
    assert text.count(" ".join(name.split())) >= 2, text[:500]
    assert_nothing_connected(listener)


def test_area_names_from_uploads_are_escaped_in_preview_confirm_and_everywhere_after(
        app, client, auth, survey_area, listener):
    from pulse.extensions import db
    from pulse.models import Area

    auth.login("admin")
    names = CORPUS + fetchers(listener.getsockname()[1])
    square = {"type": "Polygon", "coordinates": [[[-0.02, 51.45], [-0.01, 51.45],
                                                  [-0.01, 51.46], [-0.02, 51.45]]]}
    features = [{"type": "Feature", "properties": {"code": f"PAY-{i:02d}", "name": name},
                 "geometry": square} for i, name in enumerate(names)]
    content = json.dumps({"type": "FeatureCollection", "features": features}).encode()
    preview = _upload(client, "/admin/areas/boundaries", content, "areas.geojson",
                      parent=survey_area.borough, level="neighbourhood")
    page = preview.get_data(as_text=True)
    assert preview.status_code == 200, page[:500]
    assert_escaped(page)
    assert f"{len(names)} areas will be created" in page
    done = _confirm(client, "/admin/areas/boundaries/confirm", page)
    assert done.status_code == 302
    with app.app_context():
        stored = dict(db.session.execute(select(Area.code, Area.name)
                                         .where(Area.code.startswith("PAY-"))).all())
    assert len(stored) == len(names)
    for number, name in enumerate(names):
        assert " ".join(stored[f"PAY-{number:02d}"].split()) == " ".join(name.split()), name
    tree = client.get("/admin/areas/").get_data(as_text=True)
    assert_escaped(tree)
    for name in stored.values():
        assert str(escape(name)) in tree, name
    for code in list(stored)[:4]:
        area_page = client.get(f"/admin/areas/{code}")
        assert area_page.status_code == 200
        assert_escaped(area_page.get_data(as_text=True))
    assert_escaped(client.get("/officer/").get_data(as_text=True))
    resident = app.test_client()
    for path in ("/s/", f"/s/{survey_area.borough}"):
        reply = resident.get(path)
        assert reply.status_code < 500
        assert_escaped(reply.get_data(as_text=True))
    # The public API lists them as JSON strings, exactly as stored.
    listed = json.loads(resident.get(f"/api/v1/areas?parent={survey_area.borough}"
                                     "&per_page=200").get_data(as_text=True))
    assert {a["code"]: a["name"] for a in listed["items"] if a["code"] in stored} == stored

    # Margins: every cell a payload; the preview lists the problems escaped and offers nothing
    # to store.
    rows = ["area_code,dimension,category,population"] + [
        ",".join('"' + p.replace('"', '""') + '"' for p in (payload, "sex", payload, payload))
        for payload in CORPUS] + [f'PAY-00,"{p}",female,10' for p in ("=1+1", "<b>x</b>")]
    margins = _upload(client, "/admin/areas/margins", "\n".join(rows).encode(), "m.csv")
    text = margins.get_data(as_text=True)
    assert margins.status_code in (200, 422), text[:500]
    assert_escaped(text)
    assert "Store these margins" not in text
    assert_nothing_connected(listener)


def test_payload_area_codes_are_refused_at_upload_with_a_reason(app, client, auth,
                                                                 survey_area):
    """A code is part of every address of its area (admin, survey, API): one holding ``/``,
    markup or a formula would make an area nobody can open, so the upload refuses it."""
    from pulse.extensions import db
    from pulse.models import Area

    auth.login("admin")
    square = {"type": "Polygon", "coordinates": [[[-0.02, 51.45], [-0.01, 51.45],
                                                  [-0.01, 51.46], [-0.02, 51.45]]]}
    codes = list(dict.fromkeys(p.strip()[:32] for p in CORPUS))
    features = [{"type": "Feature", "properties": {"code": code, "name": "Payload code"},
                 "geometry": square} for code in codes + ["LW-01.a_b"]]
    preview = _upload(client, "/admin/areas/boundaries",
                      json.dumps({"type": "FeatureCollection", "features": features}).encode(),
                      "areas.geojson", parent=survey_area.borough, level="neighbourhood")
    page = preview.get_data(as_text=True)
    assert preview.status_code == 200, page[:500]
    assert_escaped(page)
    assert f"1 areas will be created, 0 updated, {len(codes)} features rejected" in page
    assert page.count("may only hold letters, digits") == len(codes)
    assert _confirm(client, "/admin/areas/boundaries/confirm", page).status_code == 302
    with app.app_context():
        new = db.session.scalars(select(Area.code).where(Area.name == "Payload code")).all()
    assert new == ["LW-01.a_b"]
    assert client.get("/admin/areas/LW-01.a_b").status_code == 200


# --- 9 responses: no figure in the estimates downloads ------------------------------------------

FIGURES = ("n", "effective_n", "estimate", "ci_low", "ci_high", "change", "modelled_estimate")


def _count(row: dict) -> int | None:
    return None if row["n"] in ("", None) else int(row["n"])


def test_nine_responses_have_no_figure_in_the_estimates_csv_or_xlsx(app, client, auth):
    from pulse.estimates.operations import aggregate
    from pulse.extensions import db
    from pulse.models import Area, Response
    from tests.pulse.estimates.support import BOROUGH, WARDS, open_borough_wave, seed_small_ward

    small = WARDS[4]
    with app.app_context():
        seed_small_ward(8)
        open_borough_wave()
    # The ninth through the resident form, free text and all.
    assert submit(app.test_client(), small, {**GOOD_ANSWERS, "top_issue": CORPUS[0]}
                  ).status_code == 302
    with app.app_context():
        small_id = db.session.scalar(select(Area.id).where(Area.code == small))
        assert len(db.session.scalars(select(Response.id).where(
            Response.area_id == small_id)).all()) == 9
        aggregate(full=True)
        db.session.commit()

    auth.login("officer", areas=[BOROUGH])
    for fmt in ("csv", "xlsx"):
        body = _download(client, "estimates", fmt)
        cells = _csv_cells(body) if fmt == "csv" else _xlsx_cells(body)
        header, rows = cells[0], [dict(zip(cells[0], r)) for r in cells[1:]]
        mine = [r for r in rows if r["area_code"] == small]
        assert mine, fmt
        for row in mine:
            assert all(row[f] in ("", None) for f in FIGURES), (fmt, row)
            assert row["suppressed"], row
        # The big wards do carry figures, so the empty cells above mean something.
        assert any(r["estimate"] not in ("", None) for r in rows if r["area_code"] == WARDS[0])
        # The borough's published count never gives the nine away by difference: either a
        # ward's count beside it is withheld, or the difference is not 1 to 9.
        by = {(r["area_code"], r["period"], r["measure"], r["group"]): r for r in rows}
        checked = 0
        for key, row in by.items():
            if key[0] != BOROUGH or _count(row) is None:
                continue
            checked += 1
            counts = [_count(by.get((w,) + key[1:]) or {"n": None}) for w in WARDS[:4]]
            assert None in counts or _count(row) - sum(counts) not in range(1, 10), (fmt, row)
        assert checked, fmt
        assert header[:4] == ["area_code", "period", "measure", "group"]
