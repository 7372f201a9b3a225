"""Security headers on every route in the URL map, for residents and staff, on every status."""
from __future__ import annotations

import collections
import re

import pytest

from pulse.security import CONTENT_SECURITY_POLICY
from tests.support import submit

STATIC_HEADERS = {
    "X-Content-Type-Options": "nosniff",
    "X-Frame-Options": "DENY",
}
# The site-wide referrer policy, or a stricter one a page chose (a reset link's token).
REFERRER_POLICIES = {"strict-origin-when-cross-origin", "same-origin", "no-referrer"}


def _urls(app, survey_area, user_id: int) -> list[tuple[str, str]]:
    values = {"code": survey_area.ward, "user_id": user_id, "filename": "pulse.css"}
    # Routes added later with other arguments still get a value (a 404 is still a response).
    values = collections.defaultdict(lambda: "1", values)
    out = []
    with app.test_request_context():
        from flask import url_for

        for rule in app.url_map.iter_rules():
            url = url_for(rule.endpoint, **{arg: values[arg] for arg in rule.arguments})
            for method in sorted(rule.methods & {"GET", "POST"}):
                out.append((method, url))
    return out


def assert_secure_headers(response, where: str) -> None:
    headers = response.headers
    csp = headers.get("Content-Security-Policy", "")
    assert csp == CONTENT_SECURITY_POLICY, where
    directives = dict(d.strip().split(" ", 1) for d in csp.split(";"))
    assert directives["frame-ancestors"] == "'none'", where
    for name in ("default-src", "script-src", "style-src"):
        assert "'unsafe-inline'" not in directives[name] and "'unsafe-eval'" not in directives[name]
    for name, value in STATIC_HEADERS.items():
        assert headers.get(name) == value, (where, name)
    assert headers.get("Referrer-Policy") in REFERRER_POLICIES, where
    permissions = headers["Permissions-Policy"]
    assert "geolocation=(self)" in permissions and "camera=()" in permissions, where
    # Plain HTTP: HSTS would be ignored by browsers, and must not be sent (RFC 6797 7.2).
    assert "Strict-Transport-Security" not in headers, where


@pytest.mark.parametrize("signed_in", [False, True], ids=["resident", "admin"])
def test_every_route_sends_the_security_headers(app, client, auth, survey_area, signed_in):
    if signed_in:
        auth.login("admin")
    from pulse.auth.queries import user_by_email

    with app.app_context():
        admin = user_by_email("admin@example.org")
    urls = _urls(app, survey_area, admin.id if admin else 1)
    assert len(urls) >= 25  # the whole map, not a sample
    statuses = set()
    for method, url in urls:
        with client.open(url, method=method) as response:  # closes the static file
            statuses.add(response.status_code)
            assert_secure_headers(response, f"{method} {url} -> {response.status_code}")
    # Errors (404, 400, 405 ...) carry the headers as well as pages do.
    for url in ("/no/such/page", "/s/NOPE"):
        assert_secure_headers(client.get(url), url)
    assert_secure_headers(client.put("/privacy"), "PUT /privacy")
    assert {200, 302}.issubset(statuses)


def test_hsts_only_over_tls(client):
    assert "Strict-Transport-Security" not in client.get("/privacy").headers
    secure = client.get("/privacy", base_url="https://localhost")
    hsts = secure.headers["Strict-Transport-Security"]
    assert re.fullmatch(r"max-age=(\d+); includeSubDomains", hsts)
    assert int(hsts.split("=")[1].split(";")[0]) >= 31536000


def test_hsts_follows_forwarded_proto_only_from_a_trusted_proxy(app, monkeypatch):
    from pulse import create_app

    # Without trusted hops a client could claim TLS it does not have; the header is ignored.
    forged = app.test_client().get("/privacy", headers={"X-Forwarded-Proto": "https"})
    assert "Strict-Transport-Security" not in forged.headers
    monkeypatch.setenv("PULSE_PROXY_HOPS", "1")
    proxied = create_app({**app.config, "TESTING": True}).test_client()
    response = proxied.get("/privacy", headers={"X-Forwarded-Proto": "https",
                                                "X-Forwarded-For": "203.0.113.9"})
    assert "Strict-Transport-Security" in response.headers
    plain = proxied.get("/privacy", headers={"X-Forwarded-Proto": "http"})
    assert "Strict-Transport-Security" not in plain.headers


def _cookies(response) -> dict[str, str]:
    return {header.split("=", 1)[0]: header for header in response.headers.getlist("Set-Cookie")}


def test_cookies_are_httponly_samesite_and_secure_over_tls(app, client, survey_area):
    response = submit(client, survey_area.ward)
    assert response.status_code == 302
    https = app.test_client()
    page = https.get(f"/s/{survey_area.ward}/questions?consent=yes", base_url="https://localhost")
    cookies = {**_cookies(page)}
    assert {"pulse_device", "session"} <= set(cookies), cookies.keys()
    for name, header in cookies.items():
        flags = [part.strip().lower() for part in header.split(";")]
        assert "httponly" in flags, name
        assert "samesite=lax" in flags or "samesite=strict" in flags, name
        assert "secure" in flags, name


def test_staff_session_cookie_is_secure_over_tls(app, survey_area):
    from tests.support import STAFF_PASSWORD, form_tokens, make_user

    with app.app_context():
        make_user("officer@example.org", "officer", [survey_area.ward])
    client = app.test_client()
    page = client.get("/login", base_url="https://localhost").get_data(as_text=True)
    # Over TLS the CSRF check also wants a same-site Referer, as a browser sends.
    response = client.post("/login", base_url="https://localhost",
                           headers={"Referer": "https://localhost/login"}, data={
        "csrf_token": form_tokens(page)["csrf_token"], "email": "officer@example.org",
        "password": STAFF_PASSWORD})
    assert response.status_code == 302
    session_cookie = _cookies(response)["session"].lower()
    assert "secure" in session_cookie and "httponly" in session_cookie
    assert "samesite=lax" in session_cookie


def test_templates_have_no_inline_script_or_style():
    from pathlib import Path

    import pulse

    root = Path(pulse.__file__).parent / "templates"
    offenders = []
    for path in root.rglob("*.html"):
        text = path.read_text()
        # <script src=...> is allowed; a script element with a body, a style element, a style
        # attribute or an on* handler would be refused by the policy and break the page.
        if re.search(r"<script(?![^>]*\bsrc=)[^>]*>", text) or re.search(r"<style\b", text) \
                or re.search(r"\sstyle=", text) or re.search(r"\son[a-z]+=", text):
            offenders.append(str(path.relative_to(root)))
    assert offenders == []
