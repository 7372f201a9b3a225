"""Every route that takes a row id in its path: an id no row can have is a 404, never a 500."""
from __future__ import annotations

import re

import pytest
from werkzeug.exceptions import NotFound
from werkzeug.routing import IntegerConverter

from tests.support import csrf_from

#: Past PostgreSQL's integer (ids are 32-bit) and past a 64-bit integer: SQLite's driver raised
#: OverflowError on the second, a 500.
TOO_LARGE = (2**31, 10**20)


def _id_rules(app):
    rules = [r for r in app.url_map.iter_rules()
             if any(isinstance(c, IntegerConverter) for c in r._converters.values())]
    assert len(rules) >= 15, [r.rule for r in rules]  # the walk did find the id routes
    return rules


def _path(rule, number) -> str:
    return re.sub(r"<[^>]+>", str(number), rule.rule)


@pytest.mark.parametrize("number", TOO_LARGE)
def test_an_id_past_any_row_is_404_on_every_id_route(app, auth, client, number):
    auth.login("admin")
    token = csrf_from(client, "/account")
    for rule in _id_rules(app):
        path = _path(rule, number)
        if "GET" in rule.methods:
            response = client.get(path)
        else:
            # A complete, valid form, so that only the id can be what is refused.
            response = client.post(path, data={"csrf_token": token, "approved": "1",
                                               "topic": "asb", "status": "done"})
        assert response.status_code == 404, (rule.rule, response.status_code)


def test_every_id_up_to_the_largest_a_row_can_have_is_routed(app):
    """The cap is PostgreSQL's integer, not lower: 2^31 - 1 still reaches the view."""
    urls = app.url_map.bind("localhost")
    for rule in _id_rules(app):
        method = "GET" if "GET" in rule.methods else "POST"
        for number in (1, 2**31 - 1):
            endpoint, args = urls.match(_path(rule, number), method=method)
            assert endpoint == rule.endpoint and number in args.values()
        for number in TOO_LARGE:
            with pytest.raises(NotFound):
                urls.match(_path(rule, number), method=method)


def test_an_id_in_other_digits_is_no_route(app):
    """Only ASCII digits make an id, as in every staff form: Werkzeug's ``\\d`` took ``１``."""
    urls = app.url_map.bind("localhost")
    for rule in _id_rules(app):
        method = "GET" if "GET" in rule.methods else "POST"
        with pytest.raises(NotFound):
            urls.match(_path(rule, "\uff11"), method=method)
