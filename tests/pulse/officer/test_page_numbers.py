"""Paged staff pages read a page number in ASCII digits only, as dates and periods."""
from __future__ import annotations

import pytest

#: Paged staff pages, each with the role that may read it.
PAGED = {"/officer/": "viewer", "/officer/comments": "viewer", "/admin/audit/": "admin"}


@pytest.mark.parametrize("path", PAGED)
def test_a_page_in_other_digits_is_a_bad_page_number(auth, client, comments, path):
    auth.login(PAGED[path], areas=[] if PAGED[path] == "admin" else [comments.borough])
    bad = client.get(f"{path}?page=x")
    assert bad.status_code == 400
    assert "The page must be a" in bad.get_data(as_text=True)
    for page in ("\uff12", "\u0662", "1_0", "+2"):   # full-width 2, Arabic-Indic 2
        response = client.get(path, query_string={"page": page})
        assert response.status_code == 400, (path, page)
        assert "The page must be a" in response.get_data(as_text=True), (path, page)


@pytest.mark.parametrize("path", PAGED)
def test_a_page_in_ascii_digits_is_read(auth, client, comments, path):
    auth.login(PAGED[path], areas=[] if PAGED[path] == "admin" else [comments.borough])
    for page in ("1", " 1 "):
        assert client.get(path, query_string={"page": page}).status_code == 200, (path, page)
