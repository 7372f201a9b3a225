"""Resident clients for the fault tests, run in their own processes.

Standard library only, so a spawned client process starts in a fraction of a second.
"""
from __future__ import annotations

import http.client
import http.cookiejar
import re
import urllib.error
import urllib.parse
import urllib.request

REQUEST_TIMEOUT = 30
HIDDEN = re.compile(r'<input[^>]*name="(csrf_token|started|via)"[^>]*value="([^"]*)"')
NETWORK_ERRORS = (urllib.error.URLError, ConnectionError, http.client.HTTPException,
                  TimeoutError)


class _NoRedirect(urllib.request.HTTPRedirectHandler):
    def redirect_request(self, *args, **kwargs):
        return None


class Browser:
    """Keeps its own cookies and never follows redirects, so the test sees each answer."""

    def __init__(self, base: str, timeout: float = REQUEST_TIMEOUT) -> None:
        self.base, self.timeout = base, timeout
        self.jar = http.cookiejar.CookieJar()
        self.opener = urllib.request.build_opener(
            urllib.request.HTTPCookieProcessor(self.jar), _NoRedirect())

    def request(self, path: str, data: dict | None = None) -> tuple[int, dict, str]:
        body = urllib.parse.urlencode(data).encode() if data is not None else None
        try:
            with self.opener.open(self.base + path, data=body, timeout=self.timeout) as reply:
                return reply.status, dict(reply.headers), reply.read().decode()
        except urllib.error.HTTPError as err:
            with err:
                return err.code, dict(err.headers), err.read().decode()


def answer_once(base: str, ward: str, answers: dict, browser: Browser | None = None
                ) -> tuple[str, int, str]:
    """GET the questions, POST the answers: (started token, status, Location); -1 = no answer."""
    browser = browser or Browser(base)
    token, status, location = "", -1, ""
    try:
        status, _, page = browser.request(f"/s/{ward}/questions?consent=yes")
        if status == 200:
            fields = dict(HIDDEN.findall(page))
            token = fields.get("started", "")
            status, headers, _ = browser.request(f"/s/{ward}/questions", {**fields, **answers})
            location = headers.get("Location", "")
    except NETWORK_ERRORS:
        status = -1  # the connection broke: no answer came, so nothing was promised
    return token, status, location


def submit_many(base: str, ward: str, count: int, answers: dict, marker: str
                ) -> list[tuple[str, int, str]]:
    """Answer ``count`` times, each as a new device (a fresh cookie jar)."""
    return [answer_once(base, ward, {**answers, "top_issue": f"Lighting {marker} {n}"})
            for n in range(count)]


def thanked(status: int, location: str) -> bool:
    return status == 302 and re.search(r"/s/[^/]+/thanks", location) is not None


def submit_until(base: str, ward: str, answers: dict, marker: str, results, done,
                 limit: int, pause: float = 0.1) -> None:
    """Answer as new devices until ``done`` is set or ``limit`` answers were sent.

    Each outcome goes on the ``results`` queue as it happens (marker, token, status, Location),
    so the test can follow the load while it runs. A refused answer is followed by a short
    pause, as a resident would take before trying again.
    """
    for n in range(limit):
        if done.is_set():
            break
        token, status, location = answer_once(
            base, ward, {**answers, "top_issue": f"Lighting {marker} {n}"})
        results.put((marker, token, status, location))
        if not thanked(status, location):
            done.wait(pause)
