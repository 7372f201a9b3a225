"""Single-use codes end to end: issuing, entering, spending once, and what is (not) stored."""
from __future__ import annotations

import csv
import io
import re
import threading
from datetime import UTC, datetime

from pypdf import PdfReader
from sqlalchemy import func, select

from pulse.codes.operations import issue_codes, spend
from pulse.extensions import db
from pulse.models import AccessCode, Area, Response, Wave
from surveys.access_codes import ALPHABET, check_symbol, code_hash, grouped
from tests.support import GOOD_ANSWERS, form_tokens, open_survey, submit

BASE = "https://pulse.example.org"


def issue(app, area_code: str, n: int = 1) -> list[str]:
    with app.app_context():
        area = db.session.scalar(select(Area).where(Area.code == area_code))
        codes = issue_codes(area, n, app.config["SECRET_KEY"])
        db.session.commit()
        return codes


def set_access(app, wave_id: int, mode: str) -> None:
    with app.app_context():
        db.session.get(Wave, wave_id).access = mode
        db.session.commit()


def enter_code(client, area_code: str, typed: str):
    page = client.get(f"/s/{area_code}/code")
    assert page.status_code == 200, page.data[:300]
    token = form_tokens(page.get_data(as_text=True))["csrf_token"]
    return client.post(f"/s/{area_code}/code", data={"csrf_token": token, "code": typed})


def code_row(app, code: str) -> AccessCode:
    with app.app_context():
        row = db.session.scalar(select(AccessCode).where(
            AccessCode.code_hash == code_hash(app.config["SECRET_KEY"], code)))
        db.session.expunge(row)
        return row


def responses(app) -> list[Response]:
    with app.app_context():
        rows = list(db.session.scalars(select(Response)))
        for row in rows:
            db.session.expunge(row)
        return rows


def test_generate_writes_leaflets_and_a_mail_merge_and_stores_only_hashes(
        app, runner, survey_area, tmp_path):
    pdf, sheet = tmp_path / "codes.pdf", tmp_path / "codes.csv"
    result = runner.invoke(args=["codes", "generate", "--area", survey_area.ward, "--count", "6",
                                 "--out", str(pdf), "--csv", str(sheet), "--base-url", BASE])
    assert result.exit_code == 0, result.output
    assert "6 codes issued for E05000437" in result.output

    rows = list(csv.DictReader(io.StringIO(sheet.read_text())))
    assert [set(r) for r in rows[:1]] == [{"code", "area_code", "area_name", "url"}]
    printed = [r["code"] for r in rows]
    assert len(set(printed)) == 6 and rows[0]["url"] == f"{BASE}/s/{survey_area.ward}/code"

    reader = PdfReader(pdf)
    assert len(reader.pages) == 2  # four leaflets to a sheet
    text = " ".join(p.extract_text() for p in reader.pages)
    assert all(code in text for code in printed)
    assert f"pulse.example.org/s/{survey_area.ward}/code" in text

    with app.app_context():
        stored = db.session.execute(select(AccessCode.__table__)).mappings().all()
        assert len(stored) == 6
        dump = repr([dict(r) for r in stored])
        bare = [c.replace("-", "") for c in printed]
        assert not any(c in dump or b in dump for c, b in zip(printed, bare))
        secret = app.config["SECRET_KEY"]
        assert {r["code_hash"] for r in stored} == {code_hash(secret, b) for b in bare}
        assert all(not r["used"] and r["used_on"] is None for r in stored)

    status = runner.invoke(args=["codes", "status", "--area", survey_area.ward])
    assert "issued 6\tused 0\tunused 6" in status.output


def test_generate_refuses_without_output_or_over_an_existing_file(runner, survey_area, tmp_path):
    assert "give --out" in runner.invoke(
        args=["codes", "generate", "--area", survey_area.ward, "--count", "2"]).output
    existing = tmp_path / "old.pdf"
    existing.write_bytes(b"last week's codes")
    result = runner.invoke(args=["codes", "generate", "--area", survey_area.ward, "--count", "2",
                                 "--out", str(existing)])
    assert result.exit_code == 2 and "already exists" in result.output
    assert existing.read_bytes() == b"last week's codes"
    status = runner.invoke(args=["codes", "status", "--area", survey_area.ward])
    assert "issued 0" in status.output  # nothing stored for codes nobody could print
    too_many = runner.invoke(args=["codes", "generate", "--area", survey_area.ward,
                                   "--count", "0", "--csv", str(tmp_path / "x.csv")])
    assert too_many.exit_code == 2


def test_access_command_sets_who_may_answer(app, runner, survey_area):
    result = runner.invoke(args=["codes", "access", str(survey_area.wave_id), "code"])
    assert result.exit_code == 0 and "access code" in result.output
    with app.app_context():
        assert db.session.get(Wave, survey_area.wave_id).access == "code"
    assert runner.invoke(args=["codes", "access", str(survey_area.wave_id), "nobody"]).exit_code == 2


def test_code_only_wave_turns_residents_without_a_code_to_the_code_page(
        app, client, survey_area):
    set_access(app, survey_area.wave_id, "code")
    page = client.get(f"/s/{survey_area.ward}/questions?consent=yes")
    assert page.status_code == 302 and page.headers["Location"].endswith(
        f"/s/{survey_area.ward}/code")
    sent = client.post(f"/s/{survey_area.ward}/questions", data=GOOD_ANSWERS)
    assert sent.status_code == 403 and "You need a code" in sent.get_data(as_text=True)
    assert responses(app) == []


def test_a_code_lets_one_response_in_through_the_code_channel(app, client, survey_area):
    set_access(app, survey_area.wave_id, "code")
    [code] = issue(app, survey_area.ward)
    entered = enter_code(client, survey_area.ward, grouped(code).lower())
    assert entered.status_code == 302 and entered.headers["Location"].endswith(
        f"/s/{survey_area.ward}")
    assert submit(client, survey_area.ward).status_code == 302

    [response] = responses(app)
    assert response.channel == "code"
    row = code_row(app, code)
    assert row.used and row.used_on == datetime.now(UTC).date()
    # Nothing joins the two: no response column refers to codes, no code column to responses.
    assert not {c for c in Response.__table__.columns.keys() if "code" in c}
    assert not {c for c in AccessCode.__table__.columns.keys() if "response" in c}


def test_a_second_tab_with_the_same_code_gets_a_clear_409(app, survey_area):
    set_access(app, survey_area.wave_id, "code")
    [code] = issue(app, survey_area.ward)
    first, second = app.test_client(), app.test_client()
    for tab in (first, second):
        assert enter_code(tab, survey_area.ward, code).status_code == 302
    tokens = open_survey(second, survey_area.ward)
    assert submit(first, survey_area.ward).status_code == 302

    late = second.post(f"/s/{survey_area.ward}/questions", data={**tokens, **GOOD_ANSWERS})
    assert late.status_code == 409
    assert "This code has already been used" in late.get_data(as_text=True)
    assert len(responses(app)) == 1
    # Coming back to the questions with the spent code is refused up front, too.
    again = app.test_client()
    assert enter_code(again, survey_area.ward, code).status_code == 409


def test_two_simultaneous_submissions_with_one_code_store_one_response(app, survey_area):
    set_access(app, survey_area.wave_id, "code")
    [code] = issue(app, survey_area.ward)
    tabs = [app.test_client(), app.test_client()]
    forms = []
    for tab in tabs:
        assert enter_code(tab, survey_area.ward, code).status_code == 302
        forms.append(open_survey(tab, survey_area.ward))
    start = threading.Barrier(len(tabs))
    statuses: list[int] = []

    def send(tab, tokens):
        start.wait(timeout=10)
        reply = tab.post(f"/s/{survey_area.ward}/questions", data={**tokens, **GOOD_ANSWERS})
        statuses.append(reply.status_code)

    threads = [threading.Thread(target=send, args=pair) for pair in zip(tabs, forms)]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join(timeout=30)
    assert sorted(statuses) == [302, 409]
    assert len(responses(app)) == 1 and code_row(app, code).used


def test_spending_is_one_conditional_update_under_concurrency(app, survey_area):
    [code] = issue(app, survey_area.ward)
    hashed = code_hash(app.config["SECRET_KEY"], code)
    today = datetime.now(UTC).date()
    outcome: dict[str, bool] = {}

    def other_request():
        with app.app_context():
            outcome["other"] = spend(hashed, today)
            db.session.commit()

    with app.app_context():
        outcome["first"] = spend(hashed, today)  # holds the row (or the database) until commit
        thread = threading.Thread(target=other_request)
        thread.start()
        db.session.commit()
    thread.join(timeout=30)
    assert outcome == {"first": True, "other": False}


def test_a_code_is_spent_only_when_a_response_is_stored(app, client, survey_area):
    set_access(app, survey_area.wave_id, "code")
    [code] = issue(app, survey_area.ward)
    enter_code(client, survey_area.ward, code)
    tokens = open_survey(client, survey_area.ward)
    bad = client.post(f"/s/{survey_area.ward}/questions",
                      data={**tokens, **GOOD_ANSWERS, "respect": "11"})
    assert bad.status_code == 422 and not code_row(app, code).used
    good = client.post(f"/s/{survey_area.ward}/questions",
                       data={**form_tokens(bad.get_data(as_text=True)), **GOOD_ANSWERS})
    assert good.status_code == 302 and code_row(app, code).used


def test_code_entry_explains_every_kind_of_wrong_code(app, client, survey_area):
    set_access(app, survey_area.wave_id, "both")
    [used, elsewhere] = issue(app, survey_area.ward) + issue(app, survey_area.other_ward)
    with app.app_context():
        spend(code_hash(app.config["SECRET_KEY"], used), datetime.now(UTC).date())
        db.session.commit()
    never_issued = "23456789ABC" + check_symbol("23456789ABC")
    typo = used[:5] + next(c for c in ALPHABET if c != used[5]) + used[6:]
    cases = [
        ("", 422, "Enter the code printed on your leaflet"),
        ("ABCD-EFGH-JKL0", 422, "Codes never contain 0, O, 1 or I"),
        ("ABCD-EFGH", 422, "A code has 12 letters and digits"),
        (typo, 422, "There is a typing mistake"),
        (never_issued, 422, "We do not recognise that code"),
        (elsewhere, 422, "This code is for the survey in Blackheath, not Bellingham"),
        (used, 409, "This code has already been used"),
    ]
    for typed, status, message in cases:
        page = enter_code(client, survey_area.ward, typed)
        html = page.get_data(as_text=True)
        assert page.status_code == status, (typed, html[:300])
        assert message in html, typed
        assert 'role="alert"' in html and 'aria-invalid="true"' in html
        assert re.search(r'aria-describedby="code-hint code-error"', html)
    # The wrong-area message offers the right area's code page.
    page = enter_code(client, survey_area.ward, elsewhere).get_data(as_text=True)
    assert f'href="/s/{survey_area.other_ward}/code"' in page


def test_codes_for_a_borough_work_in_its_wards(app, client, survey_area):
    set_access(app, survey_area.wave_id, "code")
    [code] = issue(app, survey_area.borough)
    assert enter_code(client, survey_area.ward, code).status_code == 302
    assert submit(client, survey_area.ward).status_code == 302
    assert [r.channel for r in responses(app)] == ["code"]


def test_both_takes_the_link_and_codes_and_records_each_channel(app, survey_area):
    set_access(app, survey_area.wave_id, "both")
    [code] = issue(app, survey_area.ward)
    assert submit(app.test_client(), survey_area.ward, via="qr").status_code == 302
    holder = app.test_client()
    enter_code(holder, survey_area.ward, code)
    assert submit(holder, survey_area.ward, via="qr").status_code == 302
    assert sorted(r.channel for r in responses(app)) == ["code", "qr"]


def test_an_open_wave_needs_no_code(app, client, survey_area):
    page = client.get(f"/s/{survey_area.ward}/code")
    assert page.status_code == 200 and "You do not need a code" in page.get_data(as_text=True)


def test_code_entry_is_rate_limited(app, client, survey_area):
    set_access(app, survey_area.wave_id, "code")
    page = client.get(f"/s/{survey_area.ward}/code")
    token = form_tokens(page.get_data(as_text=True))["csrf_token"]
    statuses = [client.post(f"/s/{survey_area.ward}/code",
                            data={"csrf_token": token, "code": "ABCD-EFGH-JKLM"}).status_code
                for _ in range(11)]
    assert statuses[:10] == [422] * 10 and statuses[10] == 429


def test_unknown_area_and_closed_survey(app, client, survey_area):
    assert client.get("/s/NOWHERE/code").status_code == 404
    assert client.get("/s/%00/code").status_code == 404
    assert client.get(f"/s/{'X' * 40}/code").status_code == 404
    with app.app_context():
        db.session.get(Wave, survey_area.wave_id).closes_at = datetime(2020, 1, 1, tzinfo=UTC)
        db.session.commit()
        assert db.session.scalar(select(func.count()).select_from(Wave)) == 1
    assert client.get(f"/s/{survey_area.ward}/code").status_code == 410


def test_codes_that_cannot_be_printed_are_not_stored(app, runner, survey_area, tmp_path):
    with app.app_context():
        area = db.session.scalar(select(Area).where(Area.code == survey_area.ward))
        area.name = ("Llanfairpwllgwyngyll " * 9).strip()  # far too long for an A6 leaflet
        db.session.commit()
    out, sheet = tmp_path / "codes.pdf", tmp_path / "codes.csv"
    result = runner.invoke(args=["codes", "generate", "--area", survey_area.ward, "--count", "4",
                                 "--csv", str(sheet), "--out", str(out)])
    assert result.exit_code == 1 and "does not fit on a leaflet" in result.output
    assert not out.exists() and not sheet.exists()
    with app.app_context():
        assert db.session.scalar(select(func.count()).select_from(AccessCode)) == 0
